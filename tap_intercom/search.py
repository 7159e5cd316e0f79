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

The first page's `total_count` decides how the rest is read: as one chain of pages, fetched
one page ahead (`chained_records`), or, for a long search, as non-overlapping `updated_at`
slices read at once on the worker pool (`search_slices`, `sliced_search`), with the bookmarks
held at what the slices' completed prefix allows (`held_bookmark`).
"""

from __future__ import annotations

import queue
import threading
import time
import typing as t
from functools import cached_property

from tap_intercom import bounds, search_slices
from tap_intercom.api_versions import SEARCH_SORT_ORDER
from tap_intercom.client import PAGE_SIZE, IntercomStream
from tap_intercom.dates import epoch_to_datetime
from tap_intercom.pagination import CursorPaginator
from tap_intercom.responses import records_at, response_json
from tap_intercom.sliced_search import SlicedSearch

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context

    from tap_intercom.search_slices import SlicePlan, SliceRange

#: How many search pages the producer thread may fetch ahead of the main thread. One is
#: enough to hide the page latency (the next page is in flight while this one is processed);
#: each further page would only hold another page of parsed records.
LOOKAHEAD_PAGES = 1
#: Write a checkpoint STATE after this many processed records of a sorted stream.
CHECKPOINT_EVERY = PAGE_SIZE


def updated_before_query(field: str, epoch: int) -> dict[str, t.Any]:
    """`field < epoch`: a slice's upper end (contact search before 2.17: before epoch's day)."""
    return {"field": field, "operator": "<", "value": epoch}


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

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        #: The slice whose request is being prepared (the stream's thread only), else None.
        self._slice_range: SliceRange | None = None
        #: The slices being read, else None (`sliced_records`).
        self._slices: SlicedSearch | None = None
        self._last_bookmark_text: tuple[bounds.Epoch, str] | None = None
        self._wrote_while_sliced = False

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

    @property
    def search_compares_days(self) -> bool:
        """Whether this search compares `updated_at` by whole day (contacts before 2.17)."""
        return False

    def prepare_request_payload(
        self, context: Context | None, next_page_token: str | None
    ) -> dict[str, t.Any]:
        span = self._slice_range
        query = updated_since_query(
            self.search_field, self.query_lower_bound if span is None else span.lo
        )
        if span is not None and span.hi is not None:
            query = {
                "operator": "AND",
                "value": [query, updated_before_query(self.search_field, span.hi)],
            }
        pagination: dict[str, t.Any] = {"per_page": PAGE_SIZE}
        if next_page_token:
            pagination["starting_after"] = next_page_token
        return {
            "query": query,
            "sort": {"field": self.search_field, "order": SEARCH_SORT_ORDER},
            "pagination": pagination,
        }

    def prepare_slice_request(
        self, context: Context | None, span: SliceRange, paginator: CursorPaginator
    ) -> requests.PreparedRequest:
        """The request for `paginator`'s page of the slice `span` (on the stream's thread)."""
        self._slice_range = span
        try:
            return self.prepare_page_request(context, paginator)
        finally:
            self._slice_range = None

    def request_records(self, context: Context | None) -> Iterable[dict]:
        """The first page decides: one chain of pages, or slices read at once (`slice_plan`)."""
        paginator = self.get_new_paginator()
        # Resolved here, on this thread, before a producer or a worker may read them.
        _ = self.mask
        _ = self.query_lower_bound
        _ = self.bookmark_ceiling
        with self.get_http_request_counter() as request_counter:
            request_counter.with_context(context)

            def count(prepared: requests.PreparedRequest, response: requests.Response) -> None:
                request_counter.increment()
                self.update_sync_costs(prepared, response, context)

            prepared = self.prepare_page_request(context, paginator)
            response = self.send_prepared(prepared, context)
            plan = self.slice_plan(response)
            count(prepared, response)
            if plan is not None:
                yield from self.sliced_records(context, plan, count)
                return
            self.on_page_fetched(response)
            # As the SDK: an empty page ends the stream.
            more = next(iter(self.page_records(response)), None) is not None or (
                paginator.continue_if_empty(response)
            )
            if more:
                paginator.advance(response)
            yield from self.chained_records(context, paginator, response, count, more=more)

    @property
    def slices_at_once(self) -> int:
        """`search_slices`, at most the worker pool's size (slice pages run on it)."""
        settings = self.run.settings
        return min(settings.search_slices, settings.concurrency)

    def slice_plan(self, first: requests.Response) -> SlicePlan | None:
        """Slices for this search, from its first page's `total_count` (None: one chain)."""
        settings = self.run.settings
        body = response_json(first)
        total = body.get("total_count") if isinstance(body, dict) else None
        self.progress.set_total(total)
        return search_slices.plan_slices(
            self.query_lower_bound,
            self.bookmark_ceiling,
            total if isinstance(total, int) and not isinstance(total, bool) else None,
            max_parallel=self.slices_at_once,
            min_records=settings.search_slice_min_records,
            by_day=self.search_compares_days,
        )

    def sliced_records(
        self,
        context: Context | None,
        plan: SlicePlan,
        count: t.Callable[[requests.PreparedRequest, requests.Response], None],
    ) -> Iterable[dict]:
        """The records of every slice (`sliced_search`); the bookmarks follow the slices'
        completed prefix meanwhile, and a sequential run's values once all are read."""
        reader = SlicedSearch(
            self,
            context,
            plan,
            bound=self.query_lower_bound,
            ceiling=self.bookmark_ceiling,
            max_parallel=self.slices_at_once,
            by_day=self.search_compares_days,
            pool=self.run.pool,
        )
        self.logger.info(
            "%s: reading %d updated_at slices, up to %d at once",
            self.name,
            len(plan.ranges),
            self.slices_at_once,
        )
        self._slices = reader
        try:
            yield from reader.records(count)
            self.slices_finished()
        finally:
            self._slices = None
        self.logger.info(
            "%s: slices read: %d pages, %d slices split", self.name, reader.pages, reader.splits
        )

    def held_bookmark(self) -> str | None:
        """While slices are read: the bookmark their completed prefix allows, for the
        children (from the query's bound, which may be below this stream's own); else None."""
        reader = self._slices
        if reader is None:
            return None
        return self._bookmark_text(reader.progress.watermark())

    def own_held_bookmark(self) -> str | None:
        """`held_bookmark`, never below this stream's own bound (a bookmark never moves back)."""
        reader = self._slices
        if reader is None:
            return None
        return self._bookmark_text(max(reader.progress.watermark(), self.lower_bound))

    def _bookmark_text(self, epoch: bounds.Epoch) -> str:
        """`epoch_to_datetime(epoch)`, kept for the last epoch asked: the held bookmark is asked
        for after every record and moves far less often."""
        last = self._last_bookmark_text
        if last is None or last[0] != epoch:
            last = self._last_bookmark_text = (epoch, t.cast("str", epoch_to_datetime(epoch)))
        return last[1]

    def bookmark_is_held(self) -> bool:
        return self._slices is not None

    def cap_bookmark(self, state: dict) -> None:
        held = self.own_held_bookmark()
        if held is None:
            super().cap_bookmark(state)
            return
        self._wrote_while_sliced = True
        state["replication_key_value"] = held

    def slices_finished(self) -> None:
        """Every slice is read: the bookmarks a sequential run ends with (the highest record
        processed, at most the ceiling), for this stream if it wrote records and for each
        child that completed parents."""
        own, for_children = self.own_held_bookmark(), self.held_bookmark()
        if own is None or for_children is None:
            return
        if self._wrote_while_sliced:
            self.stream_state["replication_key_value"] = own
        self.parents_caught_up(for_children)

    def chained_records(
        self,
        context: Context | None,
        paginator: CursorPaginator,
        first: requests.Response,
        count: t.Callable[[requests.PreparedRequest, requests.Response], None],
        *,
        more: bool,
    ) -> Iterable[dict]:
        """The first page's records, then (if `more`) the rest of the chain, fetched ahead.

        Search pages form a chain (each needs only the previous page's cursor), so a producer
        thread requests them back to back, up to LOOKAHEAD_PAGES ahead of this thread, and
        starts each page's per-record requests as soon as the page arrives
        (`on_page_fetched`). This thread still yields every record, in order; the query is
        the same on every page (the bounds are frozen for the run), so fetching ahead
        changes nothing in the output.
        """
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

        if not more:
            yield from self.parse_response(first)
            return
        producer = threading.Thread(target=produce, name=f"pages-{self.name}", daemon=True)
        producer.start()
        try:
            yield from self.parse_response(first)
            while (item := pages.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                prepared, response = item
                count(prepared, response)
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
