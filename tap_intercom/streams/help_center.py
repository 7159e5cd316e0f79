"""Help center: articles (incremental, client-side), collections and help centers (full table)."""

from __future__ import annotations

import typing as t

from tap_intercom.client import PAGE_SIZE, IntercomStream
from tap_intercom.dates import epoch_to_datetime
from tap_intercom.full_table import FullTableStream
from tap_intercom.pagination import PageLinkPaginator

if t.TYPE_CHECKING:
    from collections.abc import Callable

    import requests
    from singer_sdk.helpers.types import Context


class StopWhenOlderPaginator(PageLinkPaginator):
    """Follow `pages.next` until a whole page is older than the run's lower bound.

    For lists sorted by `field` descending: once every record of a page is older than the
    bound, every later page is too, and the client-side filter would drop all of it.
    """

    def __init__(
        self,
        base_url: str,
        *,
        field: str,
        bound_epoch: int,
        records_of: Callable[[requests.Response], t.Iterable[dict]],
        on_stop: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(base_url)
        self._field = field
        self._bound_epoch = bound_epoch
        self._records_of = records_of
        self._on_stop = on_stop
        self._pages = 0

    def get_next_url(self, response: requests.Response) -> str | None:
        self._pages += 1
        next_url = super().get_next_url(response)
        values = [record.get(self._field) for record in self._records_of(response)]
        if values and all(
            isinstance(value, int) and not isinstance(value, bool) and value < self._bound_epoch
            for value in values
        ):
            if next_url and self._on_stop is not None:
                self._on_stop(self._pages)
            return None
        return next_url


class ArticlesStream(IntercomStream):
    """GET /articles (page-numbered, `updated_at` descending), filtered on `updated_at` here.

    The list has no date filter, so every run reads from the newest article down and stops
    after the first page that is entirely older than the bookmark (or start_date).
    """

    name = "articles"
    path = "/articles"
    replication_key = "updated_at"
    client_side_filter = True
    page_size: t.ClassVar[int] = PAGE_SIZE

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        return {"per_page": self.page_size}

    def get_new_paginator(self) -> StopWhenOlderPaginator:
        return StopWhenOlderPaginator(
            self.url_base,
            field="updated_at",
            bound_epoch=self.lower_bound,
            records_of=self.parse_response,
            on_stop=self._log_early_stop,
        )

    def _log_early_stop(self, pages: int) -> None:
        self.logger.info(
            "articles: stopped after %d page(s): the rest is older than %s",
            pages,
            epoch_to_datetime(self.lower_bound),
        )


class PagedListStream(FullTableStream):
    """A full-table, page-numbered list (follows `pages.next`), asked for full pages, a
    table version each run (`full_table`)."""

    page_size: t.ClassVar[int] = PAGE_SIZE

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        return {"per_page": self.page_size}


class CollectionsStream(PagedListStream):
    """GET /help_center/collections: top-level collections and sections (`parent_id` set)."""

    name = "collections"
    path = "/help_center/collections"


class HelpCentersStream(PagedListStream):
    """GET /help_center/help_centers."""

    name = "help_centers"
    path = "/help_center/help_centers"
