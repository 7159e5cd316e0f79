"""Companies (through the scroll API) and their segment memberships."""

from __future__ import annotations

import typing as t

import backoff
import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from tap_intercom.bridges import BridgeStream
from tap_intercom.children import ParentBookmarkedChildStream, ParentStream
from tap_intercom.errors import IntercomNotFoundError, ScrollBrokenError
from tap_intercom.full_table import TableVersion, as_table_version
from tap_intercom.pagination import next_page_url
from tap_intercom.records import unwrap_list
from tap_intercom.responses import response_json

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from singer_sdk.helpers.types import Context

#: How many restarts in a row that read no new company one run allows before giving up.
MAX_SCROLL_RESTARTS = 5
#: Page size of `POST /companies/list` in a dry run (Intercom's default is 15).
LIST_PAGE_SIZE = 50
_RATE_LIMITED = 429


def _rate_limited(exc: Exception) -> bool:
    response = getattr(exc, "response", None)
    return response is not None and response.status_code == _RATE_LIMITED


#: Child-context key holding a company's inline segment list (None when it came without one).
INLINE_SEGMENTS = "inline_segments"


def denest_company(company: dict) -> dict:
    """A company with its `segments` and `tags` lists as bare arrays (Stitch's record shape);
    also used for the company a conversation carries (API 2.15+)."""
    return {
        **company,
        "segments": unwrap_list(company.get("segments"), "segments"),
        "tags": unwrap_list(company.get("tags"), "tags"),
    }


class CompaniesStream(ParentStream):
    """GET /companies/scroll: every company on every run, filtered on `updated_at` here.

    Intercom allows one scroll per workspace; a scroll cannot be resumed after an error and
    expires after 60 s idle. So: the first request waits out `scroll_exists`; a failure in the
    middle restarts the scroll from the beginning (companies already emitted this run are not
    emitted twice); the scroll ends on the first page with empty `data`. A dry run (`--test`,
    the SDK's connection test) reads `POST /companies/list` instead and opens no scroll.
    """

    name = "companies"
    path = "/companies/scroll"
    replication_key = "updated_at"
    client_side_filter = True
    child_context_key = "company_id"

    def reads_whole_table(self) -> bool:
        """`company_deletions`: every company since `start_date` the scroll reads is written,
        as one table version, so a deleted company is missing from it (the bookmark is still
        saved)."""
        return self.run.settings.company_deletions

    def get_records(self, context: Context | None) -> Iterable[dict]:
        records = super().get_records(context)
        if self.selected and self.reads_whole_table():
            records = as_table_version(self, records)
        yield from records

    def transform_record(self, record: dict, context: Context | None) -> dict | None:
        return denest_company(record)

    def child_context(self, raw: dict, record: dict) -> dict:
        """The raw inline segment list travels with the company id (no extra request)."""
        inline = raw.get("segments")
        segments = unwrap_list(inline, "segments") if isinstance(inline, dict) else None
        return {**super().child_context(raw, record), INLINE_SEGMENTS: segments}

    def _scroll_request(self, scroll_param: str | None, context: Context | None) -> dict:
        prepared = self.build_prepared_request(
            method="GET",
            url=self.url_base + self.path,
            params={"scroll_param": scroll_param} if scroll_param else {},
            headers=self.http_headers,
        )
        if scroll_param is None:
            # Opening a scroll: retries cover 5xx, 429 and `scroll_exists` (another scroll open).
            return response_json(self.send_prepared(prepared, context))
        try:
            return response_json(self.mid_scroll_sender(self.send_once)(prepared, context))
        except (
            RetriableAPIError,
            IntercomNotFoundError,
            requests.exceptions.RequestException,
        ) as exc:
            raise ScrollBrokenError(str(exc)) from exc

    def mid_scroll_sender(self, send: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """A page inside an open scroll: only a 429 is retried (the scroll survives a wait for
        the rate-limit window); any other failure breaks the scroll, which is then restarted."""
        decorator: t.Callable[..., t.Any] = backoff.on_exception(
            self.backoff_wait_generator,
            RetriableAPIError,
            max_tries=self.backoff_max_tries,
            giveup=lambda exc: not _rate_limited(exc),
            on_backoff=self.backoff_handler,
            jitter=self.backoff_jitter,
            logger=self.logger,
        )
        return decorator(send)

    def _listed_companies(self, limit: int, context: Context | None) -> Iterator[dict]:
        """Up to `limit` companies from `POST /companies/list` (no scroll is opened)."""
        url: str | None = self.url_base + "/companies/list"
        params: dict[str, t.Any] = {"per_page": max(1, min(limit, LIST_PAGE_SIZE))}
        while url and limit > 0:
            prepared = self.build_prepared_request(
                method="POST", url=url, params=params, headers=self.http_headers
            )
            response = self.send_prepared(prepared, context)
            body = response_json(response)
            page = [item for item in (body.get("data") or []) if isinstance(item, dict)]
            yield from page[:limit]
            limit -= len(page)
            url, params = (next_page_url(response, self.url_base) if page else None), {}

    def _scroll(self, context: Context | None) -> Iterator[list[dict]]:
        scroll_param: str | None = None
        while True:
            body = self._scroll_request(scroll_param, context)
            page = [item for item in (body.get("data") or []) if isinstance(item, dict)]
            if not page:
                return
            yield page
            scroll_param = body.get("scroll_param") or None
            if scroll_param is None:
                msg = "companies scroll: a non-empty page came without `scroll_param`"
                raise ScrollBrokenError(msg)

    def parent_records(self, context: Context | None) -> Iterable[dict]:
        if self.ABORT_AT_RECORD_COUNT is not None:
            # A dry run (`--test`) stops after a few records: a scroll left open would hold
            # the workspace's one scroll until it expires (60 s), so it reads the list.
            yield from self._listed_companies(self.ABORT_AT_RECORD_COUNT + 1, context)
            return
        seen: set[str] = set()
        restarts = 0
        while True:
            seen_before = len(seen)
            try:
                for page in self._scroll(context):
                    for company in page:
                        company_id = str(company.get("id"))
                        if company_id in seen:
                            continue
                        seen.add(company_id)
                        yield company
                break
            except ScrollBrokenError as exc:
                restarts = scroll_restarts_after_break(restarts, read_new=len(seen) > seen_before)
                if restarts > MAX_SCROLL_RESTARTS:
                    msg = (
                        f"companies: the scroll broke {restarts} times in a row without reading "
                        f"a new company, last: {exc}; re-run the sync later"
                    )
                    raise FatalAPIError(msg) from exc
                self.logger.warning(
                    "companies: restarting the scroll (%d/%d) after: %s",
                    restarts,
                    MAX_SCROLL_RESTARTS,
                    exc,
                )


def scroll_restarts_after_break(restarts: int, *, read_new: bool) -> int:
    """The count of fruitless restarts after one more broken scroll. A scroll that read
    companies no earlier attempt reached made progress, so it starts the count afresh: a large
    workspace whose long scroll breaks now and then still finishes, while a scroll that keeps
    breaking at the same place gives up after `MAX_SCROLL_RESTARTS`."""
    return 1 if read_new else restarts + 1


class CompanySegmentsStream(ParentBookmarkedChildStream):
    """One record per company-segment membership (key company_id + id).

    Uses the company's inline segment list; only when a company comes without one does it
    call GET /companies/{id}/segments. (Stitch's company_segments was the list of company
    segments itself; the README explains the difference.)
    """

    name = "company_segments"
    path = "/companies/{company_id}/segments"
    parent_stream_type = CompaniesStream
    primary_keys: t.ClassVar[list[str]] = ["company_id", "id"]
    parent_is_sorted = False

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        #: `company_deletions`: the memberships of every company since `start_date`, one table
        #: version per run (a deleted company's or a left segment's rows are missing from it).
        self.table = TableVersion(self) if self.reads_whole_table() else None

    def reads_whole_table(self) -> bool:
        return self.run.settings.company_deletions

    def get_records(self, context: Context | None) -> Iterable[dict]:
        for record in super().get_records(context):
            if self.table is not None:
                self.table.open()
            yield record

    def parents_finished(self, *, complete: bool, scan_started: str) -> None:
        super().parents_finished(complete=complete, scan_started=scan_started)
        if complete and self.table is not None:
            self.table.close()

    def child_records(self, context: Context) -> Iterable[dict]:
        company_id = str(context["company_id"])
        segments = context[INLINE_SEGMENTS]
        if segments is None:
            try:
                body = self.fetch_json(f"/companies/{company_id}/segments", context=context)
            except IntercomNotFoundError:
                self.logger.warning("companies: company %s disappeared mid-sync", company_id)
                return
            segments = unwrap_list(body, "data") or []
        for segment in segments:
            if isinstance(segment, dict):
                yield {**segment, "company_id": company_id}


class CompanyTagsStream(BridgeStream):
    """One row per tag on a company. The scroll reads every company on every run, so the
    bridge is a full table: one table version per run (`bridges`, `full_table`)."""

    name = "company_tags"
    parent_stream_type = CompaniesStream
    parent_field = "tags"
    columns = ("company_id", "tag_id", "company_updated_at")
    full_table = True
