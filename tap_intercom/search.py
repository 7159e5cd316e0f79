"""Incremental reads through Intercom's search endpoints (contacts, conversations, tickets).

The query asks for `updated_at > B OR updated_at = B` with B the bookmark's second, sorted by
`updated_at` ascending, the cursor in the body. For contacts Intercom compares dates by whole
day, so this returns everything from the start of B's day; the client-side filter drops what
is older than B. Because results are sorted, the bookmark can advance record by record and
a sync killed midway resumes where it stopped.
"""

from __future__ import annotations

import typing as t
from concurrent.futures import Future, ThreadPoolExecutor

from tap_intercom.client import PAGE_SIZE, IntercomStream
from tap_intercom.dates import datetime_to_epoch, parse_datetime
from tap_intercom.pagination import CursorPaginator

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context

#: Write a checkpoint STATE after this many processed records of a sorted stream.
CHECKPOINT_EVERY = PAGE_SIZE


def updated_since_query(field: str, epoch: int) -> dict[str, t.Any]:
    """`field > epoch OR field = epoch`: inclusive and valid for contact search's day semantics."""
    return {
        "operator": "OR",
        "value": [
            {"field": field, "operator": ">", "value": epoch},
            {"field": field, "operator": "=", "value": epoch},
        ],
    }


class SearchStream(IntercomStream):
    """POST /<resource>/search, sorted ascending by the replication key, resumable."""

    http_method = "POST"
    payload_as_json = True
    replication_key = "updated_at"
    client_side_filter = True
    search_field = "updated_at"
    token_is_url = False

    @property
    def is_sorted(self) -> bool:
        return True

    @property
    def check_sorted(self) -> bool:
        """Never abort a sync on an out-of-order record: the bookmark then only lags."""
        return False

    def get_new_paginator(self) -> CursorPaginator:
        return CursorPaginator()

    def query_lower_bound(self, context: Context | None) -> str:
        """Inclusive lower bound sent to the API (children may need an earlier one)."""
        return self.start_bound(context)

    def prepare_request_payload(
        self, context: Context | None, next_page_token: str | None
    ) -> dict[str, t.Any]:
        epoch = datetime_to_epoch(parse_datetime(self.query_lower_bound(context)))
        pagination: dict[str, t.Any] = {"per_page": PAGE_SIZE}
        if next_page_token:
            pagination["starting_after"] = next_page_token
        return {
            "query": updated_since_query(self.search_field, epoch),
            "sort": {"field": self.search_field, "order": "ascending"},
            "pagination": pagination,
        }

    def request_records(self, context: Context | None) -> Iterable[dict]:
        """The SDK's page loop, with the next page requested while this one is processed.

        Search pages form a chain (each needs the previous page's cursor). Requesting page
        N+1 as soon as page N has arrived overlaps its latency with the processing of page N
        (and its children's detail fetches) instead of adding it to the run; records are
        still yielded in the same order by this thread. Page N+1's query is prepared before
        page N's records advance the bookmark, so its lower bound may be one page older: a
        superset, and the cursor decides where the page starts.
        """
        paginator = self.get_new_paginator()
        send = self.request_decorator(self._request)
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"lookahead-{self.name}")

        def request_page() -> Future[tuple[t.Any, requests.Response]]:
            prepared = self._prepare_request(context=context, page=paginator)
            return pool.submit(lambda: (prepared, send(prepared, context)))

        try:
            with self.get_http_request_counter() as request_counter:
                request_counter.with_context(context)
                pending: Future[tuple[t.Any, requests.Response]] | None = request_page()
                while pending is not None:
                    prepared, response = pending.result()
                    request_counter.increment()
                    self.update_sync_costs(prepared, response, context)
                    paginator.advance(response)
                    pending = None if paginator.finished else request_page()
                    empty = True
                    for record in self.parse_response(response):
                        empty = False
                        yield record
                    if empty and not paginator.continue_if_empty(response):
                        break  # as the SDK: an empty page ends the stream
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Yield search results; every CHECKPOINT_EVERY records, write a resumable STATE.

        When this generator resumes after a `yield`, the SDK has fully processed the previous
        record (children, RECORD message, bookmark), so that is a safe checkpoint.
        """
        for processed, record in enumerate(super().get_records(context), start=1):
            yield record
            self.after_record_processed(record)
            if processed % CHECKPOINT_EVERY == 0:
                self.checkpoint()

    def after_record_processed(self, record: dict) -> None:
        """Hook: called once the SDK has finished with `record` (children included)."""

    def checkpoint(self) -> None:
        """Write the tap's current state now (deduplicated by the state writer)."""
        self._tap.state_writer.write_state(self.tap_state)
