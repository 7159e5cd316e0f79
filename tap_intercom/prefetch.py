"""Fetch per-parent details ahead, on a bounded thread pool, and consume them in order.

Only HTTP runs on the workers; every Singer message is still written by the main thread in
the same order as a sequential run: the parent submits the detail requests of a page as
soon as it has the page, and the child takes each result (waiting if needed) when the SDK
reaches that parent. With `workers <= 1` nothing is submitted and the child fetches inline.
"""

from __future__ import annotations

import typing as t
from concurrent.futures import Future, ThreadPoolExecutor

T = t.TypeVar("T")


class DetailPrefetcher(t.Generic[T]):
    """A keyed set of in-flight fetches (one page's worth at a time)."""

    def __init__(self, workers: int, name: str) -> None:
        self.workers = max(1, int(workers))
        self._name = name
        self._executor: ThreadPoolExecutor | None = None
        self._futures: dict[str, Future[T]] = {}

    @property
    def enabled(self) -> bool:
        return self.workers > 1

    def submit_page(self, items: dict[str, t.Callable[[], T]]) -> None:
        """Start fetching a new page's details; results of the previous page left unused are
        dropped (their parents were filtered out after submission)."""
        if not self.enabled:
            return
        for stale in self._futures.values():
            stale.cancel()
        self._futures = {}
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=self.workers, thread_name_prefix=f"prefetch-{self._name}"
            )
        for key, fetch in items.items():
            self._futures[key] = self._executor.submit(fetch)

    def take(self, key: str, fetch: t.Callable[[], T]) -> T:
        """The prefetched result for `key` (re-raising its error), or fetch it now."""
        future = self._futures.pop(key, None)
        if future is None:
            return fetch()
        return future.result()

    def close(self) -> None:
        for future in self._futures.values():
            future.cancel()
        self._futures = {}
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
