"""Fetch per-parent details ahead, on a bounded thread pool, and consume them in order.

Only HTTP runs on the workers; every Singer message is still written by the main thread in
the same order as a sequential run: a page's detail requests are submitted as soon as the
page is known (possibly from the search lookahead thread, while the main thread is still on
the previous page), and the consumer takes each result (waiting if needed) when the SDK
reaches that record. With `workers <= 1` nothing is submitted and details are fetched inline.
"""

from __future__ import annotations

import threading
import typing as t
from concurrent.futures import Future, ThreadPoolExecutor

T = t.TypeVar("T")

#: Results not taken within this many later submissions are dropped (their records were
#: filtered out after submission), so memory stays bounded by a few pages. Must exceed the
#: search lookahead (pages are submitted up to LOOKAHEAD_PAGES + 1 ahead of their use).
KEEP_GENERATIONS = 8


class DetailPrefetcher(t.Generic[T]):
    """A keyed, thread-safe set of in-flight fetches (a few pages' worth at a time)."""

    def __init__(self, workers: int, name: str) -> None:
        self.workers = max(1, int(workers))
        self._name = name
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._futures: dict[str, tuple[int, Future[T]]] = {}
        self._generation = 0

    @property
    def enabled(self) -> bool:
        return self.workers > 1

    def submit_page(self, items: dict[str, t.Callable[[], T]]) -> None:
        """Start fetching one page's details (any thread)."""
        if not self.enabled or not items:
            return
        with self._lock:
            self._generation += 1
            oldest = self._generation - KEEP_GENERATIONS
            for key in [k for k, (gen, _) in self._futures.items() if gen < oldest]:
                self._futures.pop(key)[1].cancel()
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self.workers, thread_name_prefix=f"prefetch-{self._name}"
                )
            for key, fetch in items.items():
                if key not in self._futures:
                    self._futures[key] = (self._generation, self._executor.submit(fetch))

    def take(self, key: str, fetch: t.Callable[[], T]) -> T:
        """The prefetched result for `key` (re-raising its error), or fetch it now."""
        with self._lock:
            entry = self._futures.pop(key, None)
        if entry is None:
            return fetch()
        return entry[1].result()

    def close(self) -> None:
        with self._lock:
            futures = [future for _, future in self._futures.values()]
            self._futures = {}
            executor, self._executor = self._executor, None
        for future in futures:
            future.cancel()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
