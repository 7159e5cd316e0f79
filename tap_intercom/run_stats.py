"""Counters for the end-of-run summary (requests, retries, skipped streams)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field


@dataclass
class RunStats:
    """Run-wide counters; requests are counted from prefetch workers too, hence the lock."""

    started_at: float = field(default_factory=time.monotonic)
    requests: int = 0
    retries: int = 0
    skipped_streams: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_request(self) -> None:
        with self._lock:
            self.requests += 1

    def count_retry(self) -> None:
        with self._lock:
            self.retries += 1

    def skip(self, stream: str, reason: str) -> None:
        self.skipped_streams.setdefault(stream, reason)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started_at
