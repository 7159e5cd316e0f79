"""The one detail-fetch mechanism: per-record requests ahead, on the run's worker pool, in order.

Only HTTP runs on the workers; every Singer message is still written by the main thread in
the same order as a sequential run: a page's detail requests are queued as soon as the page
is known (possibly from the search lookahead thread, while the main thread is still on the
previous page), and the consumer takes each result (waiting if needed) when the SDK reaches
that record. With `workers <= 1` nothing is submitted and details are fetched inline.

At most `window` fetches are started and not yet taken at any time; the rest of the queued
pages wait as (key, callable) pairs and start, in order, as results are taken. The window
is what bounds memory: a finished fetch holds its whole parsed body (a conversation can
carry 500 parts) until the main thread takes it, and when the main thread is the slower
side every queued fetch would otherwise finish and wait - several pages of bodies at once.
The window is refilled in batches (once half of it has been taken), not one fetch per
take: waking a worker for every record the main thread consumes makes the workers contend
with it for the GIL all the time.
"""

from __future__ import annotations

import threading
import typing as t
from collections import deque
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

T = t.TypeVar("T")

#: Entries not taken within this many later submissions are dropped (their records were
#: filtered out after submission), so memory stays bounded by a few pages. Must exceed the
#: pages announced before their use: LOOKAHEAD_PAGES + 1 for one chain, and one per slice
#: for a sliced search (`config_schema.MAX_SEARCH_SLICES`).
KEEP_GENERATIONS = 16
#: Fetches started and not yet taken, per worker: enough to keep every worker busy while
#: the result the main thread waits for is a slow one, small enough that the finished
#: results waiting to be taken stay a few MB.
WINDOW_PER_WORKER = 2


@dataclass
class _Entry(t.Generic[T]):
    """One queued fetch: started (has a future) or still waiting for room in the window."""

    generation: int
    fetch: t.Callable[[], T]
    future: Future[T] | None = None


class DetailPrefetcher(t.Generic[T]):
    """A keyed, thread-safe queue of fetches, at most `window` of them started at a time."""

    def __init__(
        self,
        workers: int,
        name: str,
        window: int | None = None,
        executor: Executor | None = None,
    ) -> None:
        self.workers = max(1, int(workers))
        self.window = max(self.workers, window or WINDOW_PER_WORKER * self.workers)
        self._name = name
        self._lock = threading.Lock()
        #: The run's shared pool (not shut down here), else one of our own, made on first use.
        self._shared = executor
        self._executor: Executor | None = executor
        self._entries: dict[str, _Entry[T]] = {}
        #: Keys not started yet, in submission order (may hold keys since dropped or taken).
        self._waiting: deque[str] = deque()
        self._started = 0
        self._generation = 0

    @property
    def enabled(self) -> bool:
        return self.workers > 1

    def submit_page(self, items: dict[str, t.Callable[[], T]]) -> None:
        """Queue one page's details, starting as many as the window allows (any thread)."""
        if not self.enabled or not items:
            return
        with self._lock:
            self._generation += 1
            self._drop_older_than(self._generation - KEEP_GENERATIONS)
            for key, fetch in items.items():
                if key not in self._entries:
                    self._entries[key] = _Entry(self._generation, fetch)
                    self._waiting.append(key)
            self._fill()

    def take(self, key: str, fetch: t.Callable[[], T]) -> T:
        """The prefetched result for `key` (re-raising its error), or fetch it now."""
        with self._lock:
            entry = self._entries.pop(key, None)
            if entry is not None:
                if entry.future is None:
                    # Reached before the window got to it: start it now, ahead of the rest,
                    # and the rest of its page too (a sliced search announces a slice's first
                    # page only when it is taken, behind other slices' later pages).
                    entry.future = self._start(entry.fetch)
                    self._start_generation(entry.generation)
                else:
                    self._started -= 1
                if self._started <= self.window // 2:
                    self._fill()
        if entry is None or entry.future is None:
            return fetch()
        return entry.future.result()

    def close(self) -> None:
        with self._lock:
            futures = [e.future for e in self._entries.values() if e.future is not None]
            self._entries = {}
            self._waiting.clear()
            self._started = 0
            executor, self._executor = self._executor, self._shared
        for future in futures:
            future.cancel()
        if executor is not None and executor is not self._shared:
            executor.shutdown(wait=True, cancel_futures=True)
        else:
            wait(futures)  # no fetch of this stream outlives it

    # --- under self._lock -----------------------------------------------------------------

    def _start(self, fetch: t.Callable[[], T]) -> Future[T]:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=self.workers, thread_name_prefix=f"prefetch-{self._name}"
            )
        return self._executor.submit(fetch)

    def _fill(self) -> None:
        """Start waiting entries, oldest first, until the window is full."""
        while self._started < self.window and self._waiting:
            entry = self._entries.get(self._waiting.popleft())
            if entry is None or entry.future is not None:
                continue  # dropped, or taken (and started) before its turn
            entry.future = self._start(entry.fetch)
            self._started += 1

    def _start_generation(self, generation: int) -> None:
        """Start every waiting entry of one page now, beyond the window (by at most a page)."""
        for entry in self._entries.values():
            if entry.generation == generation and entry.future is None:
                entry.future = self._start(entry.fetch)
                self._started += 1

    def _drop_older_than(self, oldest: int) -> None:
        stale = [key for key, entry in self._entries.items() if entry.generation < oldest]
        for key in stale:
            entry = self._entries.pop(key)
            if entry.future is not None:
                entry.future.cancel()
                self._started -= 1
