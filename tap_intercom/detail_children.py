"""Children read from one detail request per parent (conversation and ticket parts),
fetched ahead on the run's worker pool (`details.DetailPrefetcher`) and consumed in order."""

from __future__ import annotations

import abc
import typing as t

from tap_intercom import bounds
from tap_intercom.children import ParentBookmarkedChildStream
from tap_intercom.errors import IntercomNotFoundError

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


class DetailChildStream(ParentBookmarkedChildStream):
    """A child whose records are in its parent's detail body (one GET per changed parent)."""

    #: The child-context key holding the parent's id (the parent's `child_context_key`).
    parent_id_key: t.ClassVar[str]

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.prefetcher = self.new_detail_prefetcher()

    @abc.abstractmethod
    def detail_path(self, parent_id: str) -> str:
        """The API path of one parent's detail."""

    def detail_params(self) -> dict[str, str]:
        """Query parameters of the detail request."""
        return {}

    def parents_announced(self, raw_parents: list[dict]) -> None:
        """Start fetching the details of the announced parents this stream will need."""
        if not self.prefetcher.enabled:
            return
        wanted = {}
        for raw in raw_parents:
            epoch = bounds.epoch_of(raw.get("updated_at"))
            if raw.get("id") is not None and epoch is not None and epoch >= self.lower_bound:
                wanted[str(raw["id"])] = self.detail_fetcher(str(raw["id"]))
        self.prefetcher.submit_page(wanted)

    def parents_finished(self, *, complete: bool, scan_started: str) -> None:
        super().parents_finished(complete=complete, scan_started=scan_started)
        self.prefetcher.close()

    def detail_fetcher(self, parent_id: str) -> t.Callable[[], dict | None]:
        """A callable fetching one parent's detail (None if it was deleted meanwhile)."""

        def fetch() -> dict | None:
            try:
                body = self.fetch_json(self.detail_path(parent_id), params=self.detail_params())
            except IntercomNotFoundError:
                return None
            return body if isinstance(body, dict) else None

        return fetch

    def detail_of(self, context: Context) -> dict | None:
        """The detail of the context's parent (prefetched, or fetched now); None, with a
        warning, when the parent was deleted after it was found."""
        parent_id = str(context[self.parent_id_key])
        body = self.prefetcher.take(parent_id, self.detail_fetcher(parent_id))
        if body is None:
            self.logger.warning(
                "%s: %s %s was deleted after it was found; skipped",
                self.name,
                self.parent_id_key.removesuffix("_id"),
                parent_id,
            )
        return body
