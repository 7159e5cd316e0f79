"""One search read as several `updated_at` slices at once (see `search_slices` for the rules).

Each slice is a chain of pages. Its page requests run on the run's worker pool (so under the
run's one rate governor), at most one request in flight per slice and at most `max_parallel`
slices started and not finished. The stream's own thread (the reader of `records`) is the only
one that touches the slices' state, prepares requests and yields records: pages are taken in
the order they arrive, and each page's next request is sent before its records are yielded, so
a chain waits for the network, not for the records of other slices.

A slice's first page tells how many records the slice holds (`total_count`); a slice far
larger than the target is split again and that page discarded (one request per split), so a
crowded stretch of time (most contacts are changed recently) still spreads over the chains.

A record is marked processed just before it is yielded: the SDK writes it (children first)
before it asks for the next one, and only then (`cap_bookmark`) reads the watermark.
"""

from __future__ import annotations

import queue
import threading
import typing as t
from collections import deque
from concurrent.futures import CancelledError, Future, wait

from tap_intercom import bounds
from tap_intercom.pagination import CursorPaginator
from tap_intercom.responses import response_json
from tap_intercom.search_slices import (
    SlicePlan,
    SliceProgress,
    SliceRange,
    in_slice,
    parts_for,
    split_range,
)

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from concurrent.futures import Executor

    import requests
    from singer_sdk.helpers.types import Context

    from tap_intercom.search import SearchStream

#: What a page request hands back to the reader: its slice, request, and response or error.
PageResult = tuple[SliceRange, "requests.PreparedRequest", "requests.Response | BaseException"]


class SlicedSearch:
    """The slices of one search of `stream`, read on `pool` (see the module docstring)."""

    def __init__(
        self,
        stream: SearchStream,
        context: Context | None,
        plan: SlicePlan,
        *,
        bound: bounds.Epoch,
        ceiling: bounds.Epoch,
        max_parallel: int,
        by_day: bool,
        pool: Executor,
    ) -> None:
        self.stream = stream
        self.context = context
        self.progress = SliceProgress.of(plan.ranges, bound, ceiling)
        self._target = plan.target_records
        self._ceiling = ceiling
        self._max_parallel = max(1, max_parallel)
        self._by_day = by_day
        self._pool = pool
        self._pending: deque[SliceRange] = deque(plan.ranges)
        self._cursors: dict[SliceRange, CursorPaginator] = {}
        self._unsized: set[SliceRange] = set()
        self._results: queue.Queue[PageResult] = queue.Queue()
        self._futures: set[Future[None]] = set()
        self._futures_lock = threading.Lock()
        self._started = 0
        self._stop = threading.Event()
        #: Requests sent and slices split, for the log line at the end.
        self.pages = 0
        self.splits = 0

    def records(
        self, on_page: Callable[[requests.PreparedRequest, requests.Response], None]
    ) -> Iterable[dict]:
        """Every record of every slice, each once; `on_page` is told of every page taken."""
        try:
            self._start_slices()
            while self._started:
                span, prepared, outcome = self._results.get()
                if isinstance(outcome, BaseException):
                    raise outcome
                self.pages += 1
                on_page(prepared, outcome)
                yield from self._take_page(span, outcome)
        finally:
            self._close()

    # --- on the reader's thread -------------------------------------------------------------

    def _take_page(self, span: SliceRange, response: requests.Response) -> Iterable[dict]:
        if span in self._unsized:
            self._unsized.discard(span)
            if self._split(span, response):
                return
            self.stream.on_page_fetched(response)
        raw = list(self.stream.page_records(response))
        paginator = self._cursors[span]
        last = not raw
        if not last:
            paginator.advance(response)
            last = paginator.finished
        if last:  # the next slice starts while this page's records are written
            del self._cursors[span]
            self._started -= 1
            self._start_slices()
        else:
            self._submit(span)  # the chain goes on while this page's records are written
        field = self.stream.replication_key
        mine = [
            r for r in raw if in_slice(bounds.epoch_of(r.get(field)), span, by_day=self._by_day)
        ]
        if last and not mine:
            self.progress.complete(span)
        for index, record in enumerate(mine, start=1):
            self.progress.processed(span, bounds.epoch_of(record.get(field)))
            if last and index == len(mine):
                self.progress.complete(span)
            yield record

    def _split(self, span: SliceRange, response: requests.Response) -> bool:
        """Split `span` when its first page says it is crowded; True if it was."""
        body = response_json(response)
        total = body.get("total_count") if isinstance(body, dict) else None
        parts = parts_for(
            total if isinstance(total, int) else None, self._target, self._max_parallel
        )
        pieces = split_range(span, parts, self._ceiling, by_day=self._by_day) if parts > 1 else None
        if pieces is None:
            return False
        self.splits += 1
        self.progress.replace(span, pieces)
        del self._cursors[span]
        self._started -= 1
        self._pending.extendleft(reversed(pieces))
        self._start_slices()
        return True

    def _start_slices(self) -> None:
        while self._started < self._max_parallel and self._pending:
            span = self._pending.popleft()
            self._cursors[span] = CursorPaginator()
            self._unsized.add(span)
            self._started += 1
            self._submit(span)

    def _submit(self, span: SliceRange) -> None:
        prepared = self.stream.prepare_slice_request(self.context, span, self._cursors[span])
        announce = span not in self._unsized  # a first page may be discarded by a split
        future = self._pool.submit(self._fetch, span, prepared, announce)
        with self._futures_lock:
            self._futures.add(future)
        future.add_done_callback(self._on_done(span, prepared))

    def _on_done(
        self, span: SliceRange, prepared: requests.PreparedRequest
    ) -> Callable[[Future[None]], None]:
        def done(future: Future[None]) -> None:
            with self._futures_lock:
                self._futures.discard(future)
            if future.cancelled():  # the pool shut down: the reader must not wait forever
                self._results.put((span, prepared, CancelledError()))

        return done

    def _close(self) -> None:
        """No request of this search outlives it."""
        self._stop.set()
        with self._futures_lock:
            futures = list(self._futures)
        for future in futures:
            future.cancel()
        wait(futures)

    # --- on a worker --------------------------------------------------------------------------

    def _fetch(self, span: SliceRange, prepared: requests.PreparedRequest, announce: bool) -> None:
        try:
            if self._stop.is_set():
                raise CancelledError
            response = self.stream.send_prepared(prepared, self.context)
            if announce:
                self.stream.on_page_fetched(response)
            self._results.put((span, prepared, response))
        except BaseException as exc:  # handed to the reader, raised there
            self._results.put((span, prepared, exc))
