"""A parallel stream's output on disk: what it wrote, read back in order by the main thread.

The spools of a run share a disk budget (SPOOL_CAP_BYTES): when a flush would take them
past it, the writing stream's thread pauses until the replay frees what it has read, so
TMPDIR holds about the cap (plus one flush) whatever the data size. The stream being
replayed pauses only while it holds unread bytes of its own; a waiting stream while any
spool holds some. Pausing cannot deadlock:

- Streams take their slots in stream order (stream i + 1 only asks for a slot once stream i
  holds one), so the streams that have started are always a prefix of the list.
- The replay is at the head: the first stream not completely written. Every stream before
  it has finished and given its slot back. If the head has not started, it is the next one
  to take a slot, and all slots are free. Once started, its spool is read as it is written:
  whenever it pauses it holds unread bytes, which the reader reads and frees, waking it.
- A paused stream waits for the reader only: it pauses in `flush`, called when the stream
  writes a message (outside any request or lock another stream could need), and the slot
  it keeps can only hold back streams after it, never the head, which started before it.
So the head always progresses; when it finishes, the next stream becomes the head.
If the run is aborted (a failure, a stop request), closing the spools wakes the paused
streams; their further output is dropped, and their next request is refused.
"""

from __future__ import annotations

import copy
import json
import tempfile
import threading
import typing as t
from collections import deque

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

#: A spool line starting with this character is a STATE marker, not a Singer message
#: (serialised Singer messages are JSON objects and always start with "{").
STATE_MARKER = "\x00"
#: The owning thread hands its buffered lines to the file (and the main thread) at this size.
FLUSH_BYTES = 256 * 1024
#: The main thread replays a spool in pieces of about this size.
READ_BYTES = 1024 * 1024
#: Disk the spools of a run may hold together; at this much, waiting streams pause. The run
#: holds at most this plus one flush, so TMPDIR stays under 256 MB (and 256 MiB).
SPOOL_CAP_BYTES = 240 * 2**20
#: A spool is written as files of about this size, each deleted once replayed.
SEGMENT_BYTES = 16 * 2**20

#: While waiting for a stream's next output, look this often whether a stop was requested.
STOP_POLL_SECONDS = 0.2

_current = threading.local()


class StopRequestedError(Exception):
    """A termination signal asked the run to stop (raised on the main thread, between writes)."""


def current_spool() -> StreamSpool | None:
    """The spool of the stream syncing on this thread (None on the main thread)."""
    return getattr(_current, "spool", None)


def snapshot_bookmarks(state: dict[str, t.Any], names: Iterable[str]) -> dict[str, t.Any]:
    """A deep copy of the bookmarks of `names` in `state` (absent ones are left out)."""
    bookmarks = state.get("bookmarks") or {}
    wanted = set(names)
    # list() copies the keys in one step, while other threads may add their own streams.
    return {
        name: copy.deepcopy(bookmarks[name])
        for name in list(bookmarks)
        if name in wanted and name in bookmarks
    }


def merge_bookmarks(
    state: dict[str, t.Any], names: Iterable[str], snapshot: dict[str, t.Any]
) -> None:
    """Replace the bookmarks of `names` in `state` by `snapshot` (pure dict surgery)."""
    bookmarks = state.setdefault("bookmarks", {})
    for name in names:
        if name in snapshot:
            bookmarks[name] = snapshot[name]
        else:
            bookmarks.pop(name, None)


class SpoolBudget:
    """The disk the spools of one run may hold together, and the lock they share (so a
    paused stream sees any spool's disk being freed)."""

    def __init__(self, cap_bytes: int) -> None:
        self.cap_bytes = cap_bytes
        self.held = 0
        self.cond = threading.Condition()


class _Segment:
    """One file of a spool: holds the bytes from logical offset `start` on, whole flushes."""

    def __init__(self, file: t.BinaryIO, start: int) -> None:
        self.file = file
        self.start = start
        self.length = 0

    @property
    def end(self) -> int:
        return self.start + self.length


class StreamSpool:
    """One stream's output: appended by its sync thread, read in order by the main thread.

    The bytes live in a sequence of anonymous temporary files (segments) of about
    `segment_bytes` each; a segment is closed - its disk space freed - as soon as the reader
    has read all of it, also the one being written (the writer then starts a new one). So
    the disk a spool holds is what is unread plus the read part of the segment being read.
    When that would take the `budget` (shared by the spools of a run; by default this
    spool's own, of `cap_bytes`) past its cap, `flush` waits until the reader has freed
    enough or the spool is closed (see `_must_wait`, and the module docstring for why this
    cannot deadlock).
    """

    def __init__(
        self,
        name: str,
        owned_names: Sequence[str],
        *,
        cap_bytes: int = SPOOL_CAP_BYTES,
        segment_bytes: int = SEGMENT_BYTES,
        directory: str | None = None,
        budget: SpoolBudget | None = None,
    ) -> None:
        self.name = name
        #: The stream and its descendants: the bookmarks this stream's STATE may change.
        self.owned_names = tuple(owned_names)
        self._budget = budget if budget is not None else SpoolBudget(cap_bytes)
        self._segment_bytes = segment_bytes
        self._directory = directory
        self._pending: list[str] = []
        self._pending_size = 0
        #: Guards everything below, the segment files included (both threads seek them).
        self._cond = self._budget.cond
        self._segments: deque[_Segment] = deque()
        self._held = 0  # bytes in open segments: what this spool holds on disk
        self._size = 0  # bytes written so far
        self._read_offset = 0  # bytes read so far
        self._done = False
        self._closed = False
        self._reading = False  # the main thread replays this spool (it is the head)
        self.error: BaseException | None = None
        #: Set while the owning thread waits in `flush` for the reader to free disk.
        self.paused = threading.Event()
        #: How many times the owning thread has waited so.
        self.pauses = 0

    # --- the owning (sync) thread ------------------------------------------------------

    def add_line(self, line: str) -> None:
        self._pending.append(line)
        self._pending.append("\n")
        self._pending_size += len(line) + 1
        if self._pending_size >= FLUSH_BYTES:
            self.flush()

    def add_state(self, state: dict[str, t.Any], *, emit: bool) -> None:
        """Record this stream's bookmarks now; `emit=False` updates them without a STATE."""
        marker = {"emit": emit, "bookmarks": snapshot_bookmarks(state, self.owned_names)}
        self._pending.append(STATE_MARKER + json.dumps(marker) + "\n")
        self.flush()

    def flush(self) -> None:
        """Hand the buffered lines to the file, first waiting while the budget is spent."""
        if not self._pending:
            return
        data = "".join(self._pending).encode()
        self._pending, self._pending_size = [], 0
        with self._cond:
            if self._must_wait(len(data)):
                self.pauses += 1
                self.paused.set()
                while self._must_wait(len(data)):
                    self._cond.wait()
                self.paused.clear()
            if self._closed:
                return  # the run was aborted and nobody reads this spool any more
            segment = self._segment_to_write()
            segment.file.seek(0, 2)  # the reader may have moved the position
            segment.file.write(data)
            segment.file.flush()
            segment.length += len(data)
            self._held += len(data)
            self._budget.held += len(data)
            self._size += len(data)
            self._cond.notify_all()

    def _must_wait(self, size: int) -> bool:
        """Whether a flush of `size` bytes must wait: it would take the budget past its cap,
        and waiting can free something - the spool being replayed waits for its own bytes
        to be read only (the reader is on them); a waiting one while any spool holds some.
        So a flush larger than the cap goes through once everything was read."""
        if self._closed or self._budget.held + size <= self._budget.cap_bytes:
            return False
        return self._held > 0 if self._reading else self._budget.held > 0

    def _segment_to_write(self) -> _Segment:
        if not self._segments or self._segments[-1].length >= self._segment_bytes:
            file = tempfile.TemporaryFile(  # noqa: SIM115 - closed when read or by close()
                prefix=f"tap-intercom-{self.name}-", dir=self._directory
            )
            self._segments.append(_Segment(file, self._size))
        return self._segments[-1]

    def finish(self, error: BaseException | None) -> None:
        try:
            self.flush()
        finally:
            with self._cond:
                self.error = error
                self._done = True
                self._cond.notify_all()

    # --- the main thread ------------------------------------------------------------------

    def chunks(self, stop: threading.Event) -> Iterator[str]:
        """Everything written so far and until `finish`, as it arrives, in pieces of whole
        lines of about READ_BYTES (a stream that waited may have spooled up to the cap).

        Raises StopRequestedError before a piece once `stop` is set.
        """
        with self._cond:
            self._reading = True
            self._cond.notify_all()  # a paused owner now waits for its own bytes only
        while True:
            with self._cond:
                while self._size == self._read_offset and not self._done and not stop.is_set():
                    self._cond.wait(STOP_POLL_SECONDS)
                if stop.is_set():
                    raise StopRequestedError
                if self._size == self._read_offset:
                    return  # done, and all read
                data = self._read_lines()
            yield data.decode()

    def _read_lines(self) -> bytes:
        """Whole lines from the read offset: about READ_BYTES, more only to finish a long
        line; frees the segment once all of it is read. Caller holds the lock and has
        checked that something is unread. (A segment holds whole lines: the owner only
        flushes whole lines, and a flush goes into one segment.)"""
        segment = self._segments[0]
        position = self._read_offset - segment.start
        left = segment.length - position
        segment.file.seek(position)
        data = segment.file.read(min(left, READ_BYTES))
        while not data.endswith(b"\n"):
            cut = data.rfind(b"\n") + 1
            if cut:
                data = data[:cut]
                break
            more = segment.file.read(min(left - len(data), READ_BYTES))
            if not more:
                msg = f"spool of {self.name} ends inside a line"
                raise RuntimeError(msg)
            data += more
        self._read_offset += len(data)
        if self._read_offset == segment.end:
            self._segments.popleft()
            segment.file.close()
            self._held -= segment.length
            self._budget.held -= segment.length
            self._cond.notify_all()  # paused owners may go on
        return data

    def close(self) -> None:
        """Free the disk and let a paused owner return (its further output is dropped)."""
        with self._cond:
            self._closed = True
            while self._segments:
                self._segments.popleft().file.close()
            self._budget.held -= self._held
            self._held = 0
            self._cond.notify_all()


def bind_spool(spool: StreamSpool | None) -> None:
    """Make `spool` the output of the stream syncing on this thread (None: stdout)."""
    _current.spool = spool
