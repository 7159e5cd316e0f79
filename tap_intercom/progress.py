"""Progress a person can follow on stderr: a line per stream every 10 s, a summary at the end.

Only stderr (through logging); stdout carries nothing but Singer messages.
"""

from __future__ import annotations

import logging
import threading
import time
import typing as t

if t.TYPE_CHECKING:
    from tap_intercom.run_stats import RunStats

REPORT_EVERY_SECONDS = 10.0

logger = logging.getLogger("tap-intercom.progress")


class StreamProgress:
    """Counts one stream's emitted records; logs rate, total and ETA every few seconds."""

    def __init__(
        self,
        stream: str,
        *,
        every: float = REPORT_EVERY_SECONDS,
        clock: t.Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.records = 0
        self.total: int | None = None
        self._every = every
        self._clock = clock
        self._started: float | None = None
        self._last_report = 0.0

    def set_total(self, total: t.Any) -> None:
        """Intercom's `total_count` for the stream's query, when it reports one."""
        if isinstance(total, int) and total >= 0 and self.total is None:
            self.total = total

    def tick(self) -> None:
        now = self._clock()
        if self._started is None:
            self._started = self._last_report = now
        self.records += 1
        if now - self._last_report >= self._every:
            self._last_report = now
            logger.info("%s", self.line(now))

    def line(self, now: float | None = None) -> str:
        now = self._clock() if now is None else now
        started = self._started if self._started is not None else now
        elapsed = now - started
        rate = self.records / elapsed if elapsed > 0 else 0.0
        text = f"{self.stream}: {self.records:,} records"
        if self.total:
            text += f" of ~{self.total:,}"
        text += f", {rate:,.0f}/s"
        if self.total and rate > 0 and self.total > self.records:
            text += f", ETA {format_seconds((self.total - self.records) / rate)}"
        return text


def format_seconds(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class ProgressBoard:
    """Every stream's progress for one run, and the summary once every stream has finished."""

    def __init__(self, stats: RunStats) -> None:
        self.stats = stats
        self._streams: dict[str, StreamProgress] = {}
        self._finished: set[str] = set()
        self._lock = threading.Lock()

    def tick(self, stream: str) -> None:
        """One more record of `stream` (after every record: the lock only for a new stream)."""
        progress = self._streams.get(stream)
        if progress is None:
            progress = self.of(stream)
        progress.tick()

    def of(self, stream: str) -> StreamProgress:
        with self._lock:
            if stream not in self._streams:
                self._streams[stream] = StreamProgress(stream)
            return self._streams[stream]

    def finished(self, stream: str, every_stream: t.Collection[str]) -> None:
        """After a stream's last call of the run; logs the summary after the last stream."""
        self._finished.add(stream)
        if self._finished >= set(every_stream):
            for line in summary_lines(self._streams, self.stats):
                logger.info("%s", line)


def summary_lines(progress: dict[str, StreamProgress], stats: RunStats) -> list[str]:
    """The end-of-run summary: records per stream, requests, retries, skips, elapsed."""
    lines = ["Sync summary:"]
    width = max((len(name) for name in progress), default=10)
    for name, stream in progress.items():
        lines.append(f"  {name:<{width}}  {stream.records:>10,} records")
    for name, reason in stats.skipped_streams.items():
        lines.append(f"  {name:<{width}}  SKIPPED ({reason})")
    lines.append(
        f"  requests: {stats.requests:,}, retries: {stats.retries:,}, "
        f"elapsed: {format_seconds(stats.elapsed)}"
    )
    return lines


class QuietRepeatedSdkLines(logging.Filter):
    """Drop SDK lines that repeat per parent record or per empty page, or that would blame
    the wrong stream.

    The SDK logs 'Beginning sync of <child>' and 'Starting incremental sync of <child>' once
    per parent (100,000s of lines for conversation_parts) and 'Pagination stopped after 0
    pages' for every empty window; the first of each per stream is kept. With streams
    syncing in parallel, 'An unhandled error occurred while syncing' is muted on their
    threads: only the failure that ends the run is reported, by the main thread.
    """

    REPEATED_PREFIXES = ("Beginning sync of", "Starting incremental sync of")

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[tuple[str, str]] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str):
            return True
        if record.msg.startswith("An unhandled error occurred while syncing"):
            return threading.current_thread() is threading.main_thread()
        if record.levelno > logging.INFO:
            return True
        if record.msg.startswith("Pagination stopped after"):
            return False
        for prefix in self.REPEATED_PREFIXES:
            if record.msg.startswith(prefix):
                key = (record.name, prefix)
                if key in self._seen:
                    return False
                self._seen.add(key)
        return True
