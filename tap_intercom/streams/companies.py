"""Companies (through the scroll API) and their segment memberships."""

from __future__ import annotations

import time
import typing as t

import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from tap_intercom.children import ParentBookmarkedChildStream, ParentStream
from tap_intercom.client import IntercomStream
from tap_intercom.dates import format_datetime, parse_datetime
from tap_intercom.errors import IntercomNotFoundError
from tap_intercom.http import response_json
from tap_intercom.records import unwrap_list

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from singer_sdk.helpers.types import Context

#: How many times one run restarts a broken scroll before giving up.
MAX_SCROLL_RESTARTS = 5
_RATE_LIMITED = 429


class ScrollBrokenError(Exception):
    """The open scroll cannot continue (expired, 5xx, network): it must be restarted."""


class CompaniesStream(ParentStream):
    """GET /companies/scroll: every company on every run, filtered on `updated_at` here.

    Intercom allows one scroll per workspace; a scroll cannot be resumed after an error and
    expires after 60 s idle. So: the first request waits out `scroll_exists`; a failure in the
    middle restarts the scroll from the beginning (companies already emitted this run are not
    emitted twice); the scroll ends on the first page with empty `data`.
    """

    name = "companies"
    path = "/companies/scroll"
    primary_keys: t.ClassVar[list[str]] = ["id"]
    replication_key = "updated_at"
    client_side_filter = True
    child_context_key = "company_id"

    def transform_record(self, record: dict, context: Context | None) -> dict | None:
        inline = record.get("segments")
        self._inline_segments[str(record.get("id"))] = (
            unwrap_list(inline, "segments") if isinstance(inline, dict) else None
        )
        return {
            **record,
            "segments": unwrap_list(record.get("segments"), "segments"),
            "tags": unwrap_list(record.get("tags"), "tags"),
        }

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._inline_segments: dict[str, list[dict] | None] = {}

    def inline_segments(self, company_id: str) -> list[dict] | None:
        """The company's inline segment list (None when the response did not include one)."""
        return self._inline_segments.pop(company_id, None)

    def _scroll_request(self, scroll_param: str | None, context: Context | None) -> dict:
        prepared = self.build_prepared_request(
            method="GET",
            url=self.url_base + self.path,
            params={"scroll_param": scroll_param} if scroll_param else {},
            headers=self.http_headers,
        )
        if scroll_param is None:
            # Opening a scroll: retries cover 5xx, 429 and `scroll_exists` (another scroll open).
            return response_json(self.request_decorator(self._request)(prepared, context))
        for attempt in range(1, self.backoff_max_tries() + 1):
            try:
                return response_json(self._request(prepared, context))
            except RetriableAPIError as exc:
                response = exc.response
                if response is not None and response.status_code == _RATE_LIMITED:
                    time.sleep(self._retry_wait(exc, attempt))
                    continue
                raise ScrollBrokenError(str(exc)) from exc
            except (IntercomNotFoundError, requests.exceptions.RequestException) as exc:
                raise ScrollBrokenError(str(exc)) from exc
        msg = "companies scroll: rate limited on every retry"
        raise ScrollBrokenError(msg)

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

    def get_records(self, context: Context | None) -> Iterable[dict]:
        seen: set[str] = set()
        restarts = 0
        while True:
            try:
                for page in self._scroll(context):
                    for company in page:
                        company_id = str(company.get("id"))
                        if company_id in seen:
                            continue
                        seen.add(company_id)
                        yield company
                        self._inline_segments.pop(company_id, None)
                break
            except ScrollBrokenError as exc:
                restarts += 1
                if restarts > MAX_SCROLL_RESTARTS:
                    msg = (
                        f"companies: the scroll broke {restarts} times, last: {exc}; "
                        "re-run the sync later"
                    )
                    raise FatalAPIError(msg) from exc
                self.logger.warning(
                    "companies: restarting the scroll (%d/%d) after: %s",
                    restarts,
                    MAX_SCROLL_RESTARTS,
                    exc,
                )
        cap = self.get_replication_key_signpost(context)
        for child in self.selected_children():
            child.commit_pending_bookmark(_as_bound(cap))


def _as_bound(value: t.Any) -> str | None:
    """A signpost (datetime or string) as a normalised date-time string."""
    if value is None:
        return None
    return format_datetime(parse_datetime(value if isinstance(value, str) else value.isoformat()))


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

    def child_records(self, context: Context) -> Iterable[dict]:
        company_id = str(context["company_id"])
        parent = t.cast("CompaniesStream", self._parent_stream())
        segments = parent.inline_segments(company_id)
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

    def _parent_stream(self) -> IntercomStream:
        return t.cast("IntercomStream", self._tap.streams["companies"])
