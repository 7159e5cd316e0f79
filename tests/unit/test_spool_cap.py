"""Spools are capped (one spool alone, or all spools of a run together): at the cap, a
stream's thread pauses until the replay frees disk.

Real threads, a tiny cap and small segments. Disk use is measured where it really is: the
spool's segments are anonymous temporary files, so besides the files in the directory
(none) the open, already unlinked files under it are summed through /proc/self/fd.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
import typing as t
from pathlib import Path

import pytest

from tap_intercom import spool as spool_module
from tap_intercom.parallel_sync import ABORT_JOIN_SECONDS, ParallelStreamSync
from tap_intercom.spool import (
    StopRequestedError,
    StreamSpool,
    current_spool,
)

KIB = 1024
CAP = 64 * KIB
SEGMENT = 16 * KIB
#: Well under ABORT_JOIN_SECONDS: a run that waited for a paused thread to time out fails.
PROMPT_SECONDS = 5.0


@pytest.fixture(autouse=True)
def small_flushes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Flush in pieces well under the cap, as the real flush size is under the real cap."""
    monkeypatch.setattr(spool_module, "FLUSH_BYTES", KIB)


def disk_bytes(directory: Path) -> int:
    """Bytes in the files under `directory`, the unlinked ones this process holds open too."""
    total = sum(path.stat().st_size for path in directory.iterdir() if path.is_file())
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = str(fd.readlink())
            if target.startswith(f"{directory}/") and target.endswith(" (deleted)"):
                total += os.fstat(int(fd.name)).st_size
        except OSError:
            continue  # closed meanwhile
    return total


def make_lines(prefix: str, total_bytes: int) -> list[str]:
    lines: list[str] = []
    size = 0
    while size < total_bytes:
        line = json.dumps({"stream": prefix, "n": len(lines), "pad": "x" * (len(lines) % 97)})
        lines.append(line)
        size += len(line) + 1
    return lines


class Stream:
    def __init__(self, name: str, steps: list[t.Callable[[], None]]) -> None:
        self.name = name
        self.steps = steps


class Run:
    """Scripted streams through ParallelStreamSync with the tiny cap; records the output."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.spools: dict[str, StreamSpool] = {}
        self.spooled = {name: threading.Event() for name in "abcde"}
        self.aborted = threading.Event()
        self.first_write = threading.Event()
        self.on_write: t.Callable[[], None] = lambda: None
        self._threads_before = set(threading.enumerate())

    def build(self, streams: list[Stream], max_parallel: int = 8) -> ParallelStreamSync:
        def write_text(text: str) -> None:
            self.out.append(text)
            self.first_write.set()
            self.on_write()

        return ParallelStreamSync(
            streams,
            owned_names=lambda s: [s.name],
            sync_one=lambda s: [step() for step in s.steps],
            final_state=lambda: {"bookmarks": {}},
            write_text=write_text,
            write_state=lambda _state: None,
            emitted_state={"bookmarks": {}},
            max_parallel=max_parallel,
            on_abort=self.aborted.set,  # as closing the governor ends waiting requests
            spool_cap_bytes=CAP,
            spool_segment_bytes=SEGMENT,
        )

    def lines(self) -> list[str]:
        return "".join(self.out).splitlines()

    def stream_threads_left(self) -> list[threading.Thread]:
        """This run's stream threads still alive (an aborted run joins them before raising)."""
        return [
            thread
            for thread in threading.enumerate()
            if thread.name.startswith("stream-") and thread not in self._threads_before
        ]

    # --- steps ------------------------------------------------------------------------

    def note_spool(self, name: str) -> t.Callable[[], None]:
        def step() -> None:
            spool = current_spool()
            assert spool is not None
            self.spools[name] = spool
            self.spooled[name].set()

        return step

    def until_paused(self, name: str) -> t.Callable[[], None]:
        def step() -> None:
            assert self.spooled[name].wait(10)
            assert self.spools[name].paused.wait(10)

        return step


def write(lines: list[str]) -> t.Callable[[], None]:
    def step() -> None:
        spool = current_spool()
        assert spool is not None
        for line in lines:
            spool.add_line(line)
        spool.flush()

    return step


def fail(message: str) -> t.Callable[[], None]:
    def step() -> None:
        raise RuntimeError(message)

    return step


def wait_for(event: threading.Event) -> t.Callable[[], None]:
    def step() -> None:
        assert event.wait(10)

    return step


def test_a_producer_pauses_at_the_cap_until_the_reader_catches_up(tmp_path: Path):
    lines = make_lines("contacts", 16 * CAP)
    spool = StreamSpool(
        "contacts", ["contacts"], cap_bytes=CAP, segment_bytes=SEGMENT, directory=str(tmp_path)
    )

    def produce() -> None:
        for line in lines:
            spool.add_line(line)
        spool.finish(None)

    producer = threading.Thread(target=produce)
    producer.start()
    assert spool.paused.wait(10)
    # Nothing read yet: it holds up to the cap, less than one more flush short of it.
    assert CAP - 2 * KIB < disk_bytes(tmp_path) <= CAP
    assert producer.is_alive()
    pieces: list[str] = []
    peak = 0
    for piece in spool.chunks(threading.Event()):
        pieces.append(piece)
        peak = max(peak, disk_bytes(tmp_path))
    producer.join(10)
    assert not producer.is_alive()
    assert "".join(pieces).encode() == "".join(f"{line}\n" for line in lines).encode()
    assert peak <= CAP + SEGMENT
    assert spool.pauses >= 1
    assert disk_bytes(tmp_path) == 0  # every segment was freed once read, before close()
    spool.close()


def test_a_spool_takes_a_flush_larger_than_the_cap_when_it_holds_nothing():
    spool = StreamSpool("contacts", ["contacts"], cap_bytes=KIB, segment_bytes=KIB)
    big = "y" * (4 * KIB)
    spool.add_line(big)
    spool.flush()  # holds nothing: no wait
    assert not spool.paused.is_set()
    spool.finish(None)
    assert "".join(spool.chunks(threading.Event())) == big + "\n"
    spool.close()


def test_in_a_parallel_run_the_spools_together_hold_at_most_the_cap(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    head = make_lines("a", SEGMENT // 2)  # read as it comes: holds well under a segment
    waiting_b, waiting_c = make_lines("b", 10 * CAP), make_lines("c", 10 * CAP)
    run = Run()
    peaks: list[int] = []
    run.on_write = lambda: peaks.append(disk_bytes(tmp_path))
    streams = [
        Stream(
            "a", [write(head[:10]), run.until_paused("b"), run.until_paused("c"), write(head[10:])]
        ),
        Stream("b", [run.note_spool("b"), write(waiting_b)]),
        Stream("c", [run.note_spool("c"), write(waiting_c)]),
    ]
    run.build(streams).run()
    assert run.lines() == head + waiting_b + waiting_c
    # b and c wait, sharing the cap, while a is written; then b is replayed while c waits
    # (b goes on whenever its own bytes are read, although c holds most of the cap).
    assert CAP - 2 * KIB < max(peaks) <= CAP + 2 * KIB  # a flush is about 1 KiB here
    assert run.spools["b"].pauses > 0
    assert run.spools["c"].pauses > 0
    assert disk_bytes(tmp_path) == 0


def test_a_stop_request_while_a_stream_is_paused_ends_the_run_promptly(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    run = Run()
    sync_box: list[ParallelStreamSync] = []

    def stop() -> None:
        assert run.first_write.wait(10)
        assert sync_box[0].request_stop()

    streams = [
        Stream("a", [write(["a1"]), run.until_paused("b"), stop, wait_for(run.aborted)]),
        Stream("b", [run.note_spool("b"), write(make_lines("b", 10 * CAP))]),
    ]
    sync = run.build(streams)
    sync_box.append(sync)
    started = time.monotonic()
    with pytest.raises(StopRequestedError):
        sync.run()
    assert time.monotonic() - started < PROMPT_SECONDS < ABORT_JOIN_SECONDS
    assert run.stream_threads_left() == []  # the paused stream was woken and ended
    assert run.lines() == ["a1"]
    assert disk_bytes(tmp_path) == 0


def test_a_stream_failing_while_a_later_one_is_paused_ends_the_run_promptly(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    run = Run()
    streams = [
        Stream("a", [write(["a1"]), run.until_paused("b"), fail("tags endpoint down")]),
        Stream("b", [run.note_spool("b"), write(make_lines("b", 10 * CAP))]),
    ]
    sync = run.build(streams)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="tags endpoint down"):
        sync.run()
    assert time.monotonic() - started < PROMPT_SECONDS
    assert run.stream_threads_left() == []
    assert run.lines() == ["a1"]
    assert sync.failed_stream == "a"
    assert run.aborted.is_set()
    assert disk_bytes(tmp_path) == 0


def test_a_stream_that_paused_then_fails_is_written_up_to_its_error(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    run = Run()
    written_b = make_lines("b", 10 * CAP)
    streams = [
        Stream("a", [write(["a1"]), run.until_paused("b"), write(["a2"])]),
        Stream(
            "b",
            [run.note_spool("b"), write(written_b), fail("contacts search down"), write(["never"])],
        ),
        Stream("c", [write(["c1"])]),
    ]
    sync = run.build(streams)
    with pytest.raises(RuntimeError, match="contacts search down"):
        sync.run()
    assert run.lines() == ["a1", "a2", *written_b]
    assert sync.failed_stream == "b"
    assert run.spools["b"].pauses > 0
    assert run.stream_threads_left() == []


@pytest.mark.parametrize("max_parallel", [1, 2, 3, 8])
def test_paused_streams_never_deadlock_the_replay(max_parallel: int, monkeypatch):
    """Every stream writes many times the cap, so the waiting ones pause; with any number of
    slots the run completes (a bounded join: a deadlock fails instead of hanging)."""
    monkeypatch.setattr(spool_module, "FLUSH_BYTES", 256)
    run = Run()
    outputs = {name: make_lines(name, 16 * 4 * KIB) for name in "abcde"}
    streams = [
        Stream(name, [run.note_spool(name), write(lines)]) for name, lines in outputs.items()
    ]
    sync = ParallelStreamSync(
        streams,
        owned_names=lambda s: [s.name],
        sync_one=lambda s: [step() for step in s.steps],
        final_state=lambda: {"bookmarks": {}},
        write_text=run.out.append,
        write_state=lambda _state: None,
        emitted_state={"bookmarks": {}},
        max_parallel=max_parallel,
        on_abort=run.aborted.set,
        spool_cap_bytes=4 * KIB,
        spool_segment_bytes=KIB,
    )
    runner = threading.Thread(target=sync.run, daemon=True)
    runner.start()
    runner.join(60)
    assert not runner.is_alive(), "the replay deadlocked"
    assert run.lines() == [line for lines in outputs.values() for line in lines]
    assert sum(spool.pauses for spool in run.spools.values()) > 0
    assert not run.aborted.is_set()


class LateFirstSlots:
    """The slots, but stream a comes late to ask for one: if stream b could ask before a
    holds its slot, b would take it first (with one slot, b would then fill its spool and
    pause for good while a waited for the slot: a deadlock)."""

    def __init__(self, slots: t.Any) -> None:
        self._slots = slots
        self.b_asked = threading.Event()
        self.b_asked_before_a: bool | None = None

    def __enter__(self) -> None:
        name = threading.current_thread().name
        if name == "stream-a":
            # No event can say "b would have asked by now": give it ample time to.
            self.b_asked_before_a = self.b_asked.wait(0.5)
        elif name == "stream-b":
            self.b_asked.set()
        self._slots.acquire()

    def __exit__(self, *exc: object) -> None:
        self._slots.release()


def test_streams_take_their_slots_in_stream_order():
    run = Run()
    started: list[str] = []
    streams = [
        Stream(name, [lambda name=name: started.append(name), write(make_lines(name, 4 * CAP))])
        for name in "ab"
    ]
    sync = run.build(streams, max_parallel=1)
    slots = LateFirstSlots(sync._slots)
    sync._slots = slots  # type: ignore[assignment]
    runner = threading.Thread(target=sync.run, daemon=True)
    runner.start()
    runner.join(60)
    assert not runner.is_alive(), "the replay deadlocked"
    assert slots.b_asked_before_a is False
    assert started == ["a", "b"]
    assert run.lines() == make_lines("a", 4 * CAP) + make_lines("b", 4 * CAP)
