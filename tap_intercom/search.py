"""Incremental reads through Intercom's search endpoints (contacts, conversations, tickets).

The query asks for `updated_at > B OR updated_at = B` with B the bookmark's second, sorted by
`updated_at` ascending, the cursor in the body. Before API version 2.17, contact search compares
dates by whole day, so this returns everything from the start of B's day and the client-side
filter drops what is older than B; conversations and tickets (and contacts from 2.17 on) compare
exact seconds, so it returns exactly `updated_at >= B`. Because results are sorted, the
bookmark can advance record by record and a sync killed midway resumes where it stopped.

Search is an index that lags behind writes, per record and out of order: the bookmark (and
the children's) never passes the start of the first search request minus `search_lag_seconds`
(`bookmark_ceiling`, see `bounds.search_ceiling`).
"""

from __future__ import annotations

import queue
import threading
import time
import typing as t
from functools import cached_property

from tap_intercom import bounds
from tap_intercom.api_versions import SEARCH_SORT_ORDER
from tap_intercom.client import PAGE_SIZE, IntercomStream
from tap_intercom.pagination import CursorPaginator
from tap_intercom.responses import records_at, response_json

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context

#: How many search pages the producer thread may fetch ahead of the main thread. One is
#: enough to hide the page latency (the next page is in flight while this one is processed);
#: each further page would only hold another page of parsed records.
LOOKAHEAD_PAGES = 1
#: Write a checkpoint STATE after this many processed records of a sorted stream.
CHECKPOINT_EVERY = PAGE_SIZE


def updated_since_query(field: str, epoch: int) -> dict[str, t.Any]:
    """`field > epoch OR field = epoch`: inclusive under both rules contact search has had (by
    whole day before 2.17, by second since), and under the exact seconds of the other searches."""
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

    @property
    def is_sorted(self) -> bool:
        return True

    @property
    def check_sorted(self) -> bool:
        """Never abort a sync on an out-of-order record: the bookmark then only lags."""
        return False

    def get_new_paginator(self) -> CursorPaginator:
        return CursorPaginator()

    @property
    def query_lower_bound(self) -> int:
        """Inclusive lower bound sent to the API (a parent's children may need an earlier one)."""
        return self.lower_bound

    @cached_property
    def bookmark_ceiling(self) -> bounds.Epoch:
        """Frozen just before the run's first search request (`request_records`)."""
        return bounds.search_ceiling(
            time.time(), self.run.settings.search_lag_seconds, self.lower_bound
        )

    def prepare_request_payload(
        self, context: Context | None, next_page_token: str | None
    ) -> dict[str, t.Any]:
        epoch = self.query_lower_bound
        pagination: dict[str, t.Any] = {"per_page": PAGE_SIZE}
        if next_page_token:
            pagination["starting_after"] = next_page_token
        return {
            "query": updated_since_query(self.search_field, epoch),
            "sort": {"field": self.search_field, "order": SEARCH_SORT_ORDER},
            "pagination": pagination,
        }

    def request_records(self, context: Context | None) -> Iterable[dict]:
        """The SDK's page loop, with pages fetched ahead by a producer thread.

        Search pages form a chain (each needs only the previous page's cursor), so a producer
        thread requests them back to back, up to LOOKAHEAD_PAGES ahead of the main thread,
        and starts each page's per-record requests as soon as the page arrives
        (`on_page_fetched`). The main thread still yields every record, in order; the query
        is the same on every page (the bounds are frozen for the run), so fetching ahead
        changes nothing in the output.
        """
        paginator = self.get_new_paginator()
        # Resolved here, on this thread, before the producer may read them.
        _ = self.mask
        _ = self.query_lower_bound
        _ = self.bookmark_ceiling
        pages: queue.Queue[tuple[t.Any, requests.Response] | BaseException | None] = queue.Queue(
            maxsize=LOOKAHEAD_PAGES
        )
        stop = threading.Event()

        def put(item: tuple[t.Any, requests.Response] | BaseException | None) -> bool:
            while not stop.is_set():
                try:
                    pages.put(item, timeout=0.2)
                except queue.Full:
                    continue
                return True
            return False

        def produce() -> None:
            try:
                while not paginator.finished and not stop.is_set():
                    prepared = self.prepare_page_request(context, paginator)
                    response = self.send_prepared(prepared, context)
                    self.on_page_fetched(response)
                    empty = next(iter(self.page_records(response)), None) is None
                    if not put((prepared, response)):
                        return
                    if empty and not paginator.continue_if_empty(response):
                        break  # as the SDK: an empty page ends the stream
                    paginator.advance(response)
                put(None)
            except BaseException as exc:
                put(exc)

        producer = threading.Thread(target=produce, name=f"pages-{self.name}", daemon=True)
        producer.start()
        try:
            with self.get_http_request_counter() as request_counter:
                request_counter.with_context(context)
                while (item := pages.get()) is not None:
                    if isinstance(item, BaseException):
                        raise item
                    prepared, response = item
                    request_counter.increment()
                    self.update_sync_costs(prepared, response, context)
                    yield from self.parse_response(response)
        finally:
            stop.set()
            producer.join()

    def page_records(self, response: requests.Response) -> Iterable[dict]:
        """A page's raw records, without side effects (safe on the producer thread)."""
        for record in records_at(response_json(response), self.records_jsonpath):
            if isinstance(record, dict):
                yield record

    def on_page_fetched(self, response: requests.Response) -> None:
        """Hook, on the lookahead thread, as soon as a page has arrived (before the main
        thread reaches it): start the page's per-record requests early. Must only read state
        that is fixed for the run (bounds, selection) and submit work to a prefetcher."""

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Yield search results; every CHECKPOINT_EVERY records, write a resumable STATE.

        When this generator resumes after a `yield`, the SDK has fully processed the previous
        record (children, RECORD message, bookmark), so that is a safe checkpoint.
        """
        for processed, record in enumerate(super().get_records(context), start=1):
            yield record
            if processed % CHECKPOINT_EVERY == 0:
                self.checkpoint()

    def checkpoint(self) -> None:
        """Write the tap's current state now (deduplicated by the state writer)."""
        self.intercom_tap.state_writer.write_state(self.tap_state)
