"""Sync independent streams at the same time, with output identical to a sequential run.

Search and scroll pages form chains (each request needs the previous answer), so a stream
like contacts takes pages x latency no matter how much rate budget is left. Running the
selected top-level streams in parallel lets those chains overlap with the rate-bound
conversation details, which is what brings a full sync near the API's ceiling.

Every stream (with its children) syncs on its own thread and writes its Singer messages into
a `StreamSpool`: temporary files (so a waiting stream costs disk, not memory). The main
thread replays the spools strictly in stream order - the head stream live, as it is produced -
so stdout carries exactly the messages, in exactly the order, of a sequential run, and only
the main thread writes. STATE is composed on the main thread too: a stream's STATE carries a
snapshot of its own bookmarks only, merged into the state already emitted, so no STATE ever
mentions a bookmark whose records are not yet on stdout.

If a stream fails, the streams before it are still written completely, then its partial
output, then its error is raised - the same output as a sequential run that stops there.

The spools themselves (files, disk budget, STATE markers) are `spool.py`.
"""

from __future__ import annotations

import json
import threading
import time
import typing as t

from tap_intercom.spool import (
    SEGMENT_BYTES,
    SPOOL_CAP_BYTES,
    STATE_MARKER,
    SpoolBudget,
    StreamSpool,
    bind_spool,
    merge_bookmarks,
)

if t.TYPE_CHECKING:
    from collections.abc import Callable, Sequence

#: After a failure, how long to let the other streams notice the stop (their next request is
#: refused) before the error is raised, so their last log lines come before the error line.
ABORT_JOIN_SECONDS = 15.0


class ParallelStreamSync:
    """Runs `sync_one(stream)` for each stream on its own thread (at most `max_parallel` at a
    time, taking their slots in stream order) and replays their spools in order on the
    calling thread."""

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
        spool_cap_bytes: int = SPOOL_CAP_BYTES,
        spool_segment_bytes: int = SEGMENT_BYTES,
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
        budget = SpoolBudget(spool_cap_bytes)  # all spools together
        self._spools = [
            StreamSpool(s.name, owned_names(s), segment_bytes=spool_segment_bytes, budget=budget)
            for s in self._streams
        ]
        #: Set when stream i holds its slot: stream i + 1 only asks for one after that.
        self._slot_taken = [threading.Event() for _ in self._streams]
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
                args=(index, stream, spool),
                name=f"stream-{stream.name}",
                daemon=True,
            )
            for index, (stream, spool) in enumerate(zip(self._streams, self._spools, strict=True))
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
            for spool in self._spools:
                spool.close()  # wakes the paused streams: nothing of theirs is written now
            deadline = time.monotonic() + ABORT_JOIN_SECONDS
            for thread in threads:
                thread.join(max(0.0, deadline - time.monotonic()))
            raise
        finally:
            self._running = False
            for spool in self._spools:
                spool.close()

    def _run_stream(self, index: int, stream: t.Any, spool: StreamSpool) -> None:
        if index:
            self._slot_taken[index - 1].wait()
        with self._slots:
            self._slot_taken[index].set()
            bind_spool(spool)
            error: BaseException | None = None
            try:
                self._sync_one(stream)
                # Bookmarks as the stream leaves them (progress markers finalised): what a
                # sequential run's next STATE would show for this stream.
                spool.add_state(self._final_state(), emit=False)
            except BaseException as exc:  # handed to the main thread, raised there
                error = exc
            finally:
                bind_spool(None)
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
