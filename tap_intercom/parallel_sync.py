"""Sync independent streams at the same time, with output identical to a sequential run.

Search and scroll pages form chains (each request needs the previous answer), so a stream
like contacts takes pages x latency no matter how much rate budget is left. Running the
selected top-level streams in parallel lets those chains overlap with the rate-bound
conversation details, which is what brings a full sync near the API's ceiling.

Every stream (with its children) syncs on its own thread and writes its Singer messages into
a `StreamSpool`: a temporary file (so a waiting stream costs disk, not memory). The main
thread replays the spools strictly in stream order - the head stream live, as it is produced -
so stdout carries exactly the messages, in exactly the order, of a sequential run, and only
the main thread writes. STATE is composed on the main thread too: a stream's STATE carries a
snapshot of its own bookmarks only, merged into the state already emitted, so no STATE ever
mentions a bookmark whose records are not yet on stdout.

If a stream fails, the streams before it are still written completely, then its partial
output, then its error is raised - the same output as a sequential run that stops there.
"""

from __future__ import annotations

import copy
import json
import tempfile
import threading
import time
import typing as t

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

#: A spool line starting with this character is a STATE marker, not a Singer message
#: (serialised Singer messages are JSON objects and always start with "{").
STATE_MARKER = "\x00"
#: The owning thread hands its buffered lines to the file (and the main thread) at this size.
FLUSH_BYTES = 256 * 1024
#: The main thread replays a spool in pieces of about this size.
READ_BYTES = 1024 * 1024
#: After a failure, how long to let the other streams notice the stop (their next request is
#: refused) before the error is raised, so their last log lines come before the error line.
ABORT_JOIN_SECONDS = 15.0

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


class StreamSpool:
    """One stream's output: appended by its sync thread, read in order by the main thread."""

    def __init__(self, name: str, owned_names: Sequence[str]) -> None:
        self.name = name
        #: The stream and its descendants: the bookmarks this stream's STATE may change.
        self.owned_names = tuple(owned_names)
        self._file = tempfile.TemporaryFile(prefix=f"tap-intercom-{name}-")  # noqa: SIM115
        self._file_lock = threading.Lock()
        self._pending: list[str] = []
        self._pending_size = 0
        self._cond = threading.Condition()
        self._size = 0
        self._done = False
        self.error: BaseException | None = None

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
        if not self._pending:
            return
        data = "".join(self._pending).encode()
        self._pending, self._pending_size = [], 0
        with self._file_lock:
            if self._file.closed:
                return  # the run was aborted and nobody reads this spool any more
            self._file.seek(0, 2)
            self._file.write(data)
            self._file.flush()
        with self._cond:
            self._size += len(data)
            self._cond.notify_all()

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
        lines of about READ_BYTES (a stream that waited may have spooled gigabytes).

        Raises StopRequestedError before a piece once `stop` is set.
        """
        offset = 0
        while True:
            with self._cond:
                while self._size == offset and not self._done and not stop.is_set():
                    self._cond.wait(STOP_POLL_SECONDS)
                end, done = self._size, self._done
            if stop.is_set():
                raise StopRequestedError
            if end > offset:
                data = self._read_lines(offset, end)
                offset += len(data)
                yield data.decode()
            elif done:
                return

    def _read_lines(self, offset: int, end: int) -> bytes:
        """Whole lines from `offset`: about READ_BYTES, more only to finish a long line.
        (Everything up to `end` is whole lines: the owner only flushes whole lines.)"""
        with self._file_lock:
            self._file.seek(offset)
            data = self._file.read(min(end - offset, READ_BYTES))
            while not data.endswith(b"\n"):
                cut = data.rfind(b"\n") + 1
                if cut:
                    return data[:cut]
                more = self._file.read(min(end - offset - len(data), READ_BYTES))
                if not more:
                    msg = f"spool of {self.name} ends inside a line"
                    raise RuntimeError(msg)
                data += more
        return data

    def close(self) -> None:
        with self._file_lock:
            self._file.close()


class ParallelStreamSync:
    """Runs `sync_one(stream)` for each stream on its own thread (at most `max_parallel` at a
    time, started in order) and replays their spools in order on the calling thread."""

    def __init__(
        self,
        streams: Sequence[t.Any],
        *,
        owned_names: Callable[[t.Any], Sequence[str]],
        sync_one: Callable[[t.Any], None],
        final_state: Callable[[], dict[str, t.Any]],
        write_text: Callable[[str], None],
        write_state: Callable[[dict[str, t.Any]], None],
        emitted_state: dict[str, t.Any],
        max_parallel: int,
        on_abort: Callable[[], None],
    ) -> None:
        self._streams = list(streams)
        self._sync_one = sync_one
        self._final_state = final_state
        self._write_text = write_text
        self._write_state = write_state
        self._on_abort = on_abort
        #: The state matching what is on stdout so far (what a termination may write).
        self.emitted_state = emitted_state
        self._slots = threading.BoundedSemaphore(max(1, max_parallel))
        self._spools = [StreamSpool(s.name, owned_names(s)) for s in self._streams]
        #: The stream whose error ended the run (the first failed one in stream order).
        self.failed_stream: str | None = None
        self._stop = threading.Event()
        self._running = False

    def request_stop(self) -> bool:
        """Ask the replay to stop before its next write (safe from a signal handler: it only
        sets a flag, so no write is interrupted by another). False if not replaying."""
        self._stop.set()
        return self._running

    def run(self) -> None:
        threads = [
            threading.Thread(
                target=self._run_stream,
                args=(stream, spool),
                name=f"stream-{stream.name}",
                daemon=True,
            )
            for stream, spool in zip(self._streams, self._spools, strict=True)
        ]
        for thread in threads:
            thread.start()
        self._running = True
        try:
            for spool in self._spools:
                self._replay(spool)
                if spool.error is not None:
                    self.failed_stream = spool.name
                    raise spool.error
        except BaseException:
            self._on_abort()
            deadline = time.monotonic() + ABORT_JOIN_SECONDS
            for thread in threads:
                thread.join(max(0.0, deadline - time.monotonic()))
            raise
        finally:
            self._running = False
            for spool in self._spools:
                spool.close()

    def _run_stream(self, stream: t.Any, spool: StreamSpool) -> None:
        with self._slots:
            _current.spool = spool
            error: BaseException | None = None
            try:
                self._sync_one(stream)
                # Bookmarks as the stream leaves them (progress markers finalised): what a
                # sequential run's next STATE would show for this stream.
                spool.add_state(self._final_state(), emit=False)
            except BaseException as exc:  # handed to the main thread, raised there
                error = exc
            finally:
                _current.spool = None
                spool.finish(error)

    def _replay(self, spool: StreamSpool) -> None:
        for chunk in spool.chunks(self._stop):
            pos = 0
            while (start := chunk.find(STATE_MARKER, pos)) != -1:
                if start > pos:
                    self._write_text(chunk[pos:start])
                end = chunk.index("\n", start)
                marker = json.loads(chunk[start + len(STATE_MARKER) : end])
                merge_bookmarks(self.emitted_state, spool.owned_names, marker["bookmarks"])
                if marker["emit"]:
                    self._write_state(self.emitted_state)
                pos = end + 1
            if pos < len(chunk):
                self._write_text(chunk[pos:])
