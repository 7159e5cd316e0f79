"""Streams syncing in parallel: stdout stays exactly that of a sequential run.

Unit tests drive `ParallelStreamSync` with scripted streams (finishing out of order, writing
STATE while others are mid-way, failing); end-to-end tests run the real CLI against the fake
with `parallel_streams` 1 (sequential) and the default, through an endpoint outage and a SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import typing as t

import pytest

from tap_intercom import spool as spool_module
from tap_intercom.parallel_sync import ParallelStreamSync
from tap_intercom.rate_limit import GovernorClosedError, RateLimitGovernor
from tap_intercom.spool import (
    StopRequestedError,
    StreamSpool,
    current_spool,
    merge_bookmarks,
    snapshot_bookmarks,
)
from tests.oracle import missing, unexpected
from tests.singer_run import TAP_EXECUTABLE, base_config, discover, run_tap, select_streams

if t.TYPE_CHECKING:
    from pathlib import Path


class ScriptedStream:
    def __init__(self, name: str, steps: list[t.Callable[[], None]]) -> None:
        self.name = name
        self.steps = steps


def emit(line: str) -> t.Callable[[], None]:
    def step() -> None:
        spool = current_spool()
        assert spool is not None
        spool.add_line(line)
        spool.flush()

    return step


class Harness:
    """Runs scripted streams through ParallelStreamSync and records what reaches 'stdout'."""

    def __init__(self) -> None:
        self.state: dict[str, t.Any] = {"bookmarks": {}}
        self.out: list[str] = []
        self.states: list[dict] = []
        self.aborted = False

    def build(
        self,
        streams: list[ScriptedStream],
        max_parallel: int = 8,
        on_write: t.Callable[[], None] | None = None,
    ) -> ParallelStreamSync:
        def write_text(text: str) -> None:
            self.out.append(text)
            if on_write is not None:
                on_write()

        return ParallelStreamSync(
            streams,
            owned_names=lambda s: [s.name],
            sync_one=lambda s: [step() for step in s.steps],
            final_state=lambda: self.state,
            write_text=write_text,
            write_state=lambda st: self.states.append(json.loads(json.dumps(st))),
            emitted_state={"bookmarks": {}},
            max_parallel=max_parallel,
            on_abort=self.abort,
        )

    def run(self, streams: list[ScriptedStream], max_parallel: int = 8) -> None:
        self.build(streams, max_parallel).run()

    def abort(self) -> None:
        self.aborted = True

    def bookmark(self, name: str, value: int, *, write: bool = True) -> t.Callable[[], None]:
        def step() -> None:
            self.state["bookmarks"][name] = {"v": value}
            if write:
                spool = current_spool()
                assert spool is not None
                spool.add_state(self.state, emit=True)

        return step

    def lines(self) -> list[str]:
        return "".join(self.out).splitlines()


def wait_for(event: threading.Event) -> t.Callable[[], None]:
    def step() -> None:
        assert event.wait(10)

    return step


def set_event(event: threading.Event) -> t.Callable[[], None]:
    return event.set


def test_output_is_in_stream_order_whatever_order_streams_finish_in():
    c_done, b_done = threading.Event(), threading.Event()
    streams = [
        ScriptedStream("a", [emit("a1"), wait_for(b_done), emit("a2")]),
        ScriptedStream("b", [emit("b1"), wait_for(c_done), emit("b2"), set_event(b_done)]),
        ScriptedStream("c", [emit("c1"), emit("c2"), set_event(c_done)]),
    ]
    harness = Harness()
    harness.run(streams)
    assert harness.lines() == ["a1", "a2", "b1", "b2", "c1", "c2"]


def test_a_state_names_only_bookmarks_whose_records_are_already_out():
    """b writes STATE while a is mid-way: the replayed STATE carries a's *final* bookmark
    (a is complete on stdout by then), and a's STATEs never carry b's bookmark."""
    b_wrote, a_may_finish = threading.Event(), threading.Event()
    harness = Harness()
    streams = [
        ScriptedStream(
            "a",
            [
                harness.bookmark("a", 1),
                emit("a-record"),
                set_event(a_may_finish),
                wait_for(b_wrote),
                harness.bookmark("a", 2),
                harness.bookmark("a", 3, write=False),  # finalised without a STATE
            ],
        ),
        ScriptedStream(
            "b",
            [
                wait_for(a_may_finish),
                emit("b-record"),
                harness.bookmark("b", 10),
                set_event(b_wrote),
            ],
        ),
    ]
    harness.run(streams)
    assert harness.lines() == ["a-record", "b-record"]
    assert harness.states == [
        {"bookmarks": {"a": {"v": 1}}},
        {"bookmarks": {"a": {"v": 2}}},
        {"bookmarks": {"a": {"v": 3}, "b": {"v": 10}}},
    ]


def test_a_failing_stream_stops_the_run_after_the_streams_before_it():
    c_started = threading.Event()

    def boom() -> None:
        raise RuntimeError("tags endpoint down")

    streams = [
        ScriptedStream("a", [wait_for(c_started), emit("a1")]),
        ScriptedStream("b", [emit("b1"), boom, emit("never")]),
        ScriptedStream("c", [set_event(c_started), emit("c1")]),
    ]
    harness = Harness()
    with pytest.raises(RuntimeError, match="tags endpoint down"):
        harness.run(streams)
    assert harness.lines() == ["a1", "b1"]
    assert harness.aborted


def test_max_parallel_one_runs_streams_one_after_another():
    running: list[int] = []
    peak: list[int] = []
    lock = threading.Lock()

    def enter() -> None:
        with lock:
            running.append(1)
            peak.append(len(running))

    def leave() -> None:
        with lock:
            running.pop()

    streams = [ScriptedStream(n, [enter, emit(n), leave]) for n in "abcd"]
    harness = Harness()
    harness.run(streams, max_parallel=1)
    assert harness.lines() == list("abcd")
    assert max(peak) == 1


def test_snapshot_and_merge_touch_only_the_named_bookmarks():
    state = {"bookmarks": {"a": {"v": 1}, "b": {"v": 2}, "a_child": {"v": 3}}}
    snap = snapshot_bookmarks(state, ["a", "a_child"])
    assert snap == {"a": {"v": 1}, "a_child": {"v": 3}}
    state["bookmarks"]["a"]["v"] = 99
    assert snap["a"] == {"v": 1}  # a copy
    emitted: dict = {"bookmarks": {"a": {"v": 0}, "b": {"v": 0}, "gone": {}}}
    merge_bookmarks(emitted, ["a", "a_child", "gone"], snap)
    assert emitted == {"bookmarks": {"a": {"v": 1}, "b": {"v": 0}, "a_child": {"v": 3}}}


# --- end to end -----------------------------------------------------------------------------


def test_an_endpoint_outage_gives_the_same_output_as_a_sequential_run(make_fake):
    """/tags answers 500 for good: both runs fail with one line, after writing exactly the
    same messages (everything before tags, nothing after), so no state covers unwritten
    records."""
    fake = make_fake(scale="small", seed=8, latency_ms=3)
    fake.control(broken=["/tags"])
    config = base_config(fake.base_url, max_retries=1, max_retry_wait=0.1)
    catalog = select_streams(discover(config))
    sequential = run_tap({**config, "parallel_streams": 1}, catalog=catalog, timeout=300)
    parallel = run_tap(config, catalog=catalog, timeout=300)
    for run in (sequential, parallel):
        assert run.returncode == 1, run.stderr[-2000:]
        assert run.stderr.count("tap-intercom: error:") == 1
        assert "Traceback" not in run.stderr
        blamed = [line for line in run.stderr.splitlines() if "An unhandled error" in line]
        assert len(blamed) == 1, blamed
        assert blamed[0].endswith("while syncing 'tags'")
        assert run.stderr.rstrip().splitlines()[-1].startswith("tap-intercom: error:")
    assert parallel.comparable_messages() == sequential.comparable_messages()
    streams_written = {m["stream"] for m in parallel.messages if m["type"] == "RECORD"}
    assert {"contacts", "conversations", "companies"} <= streams_written
    assert "teams" not in streams_written  # after tags in the catalog order
    assert "tags" not in (parallel.final_state or {}).get("bookmarks", {})


def test_sigterm_mid_run_writes_a_state_that_resumes_without_loss(make_fake, tmp_path: Path):
    """SIGTERM while later streams are spooled: the state written on exit covers only what
    is on stdout; a resumed run completes every stream."""
    fake = make_fake(scale="small", seed=9, latency_ms=15)
    start = "2000-01-01T00:00:00Z"
    config = base_config(fake.base_url, start_date=start)
    catalog = select_streams(discover(config))
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAP_INTERCOM_")}
    records: dict[str, list[dict]] = {}
    last_state: dict | None = None
    signalled = False
    with subprocess.Popen(
        [TAP_EXECUTABLE, "--config", "config.json", "--catalog", "catalog.json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
        env=env,
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            message = json.loads(line)
            if message["type"] == "STATE":
                last_state = message["value"]
            elif message["type"] == "RECORD":
                records.setdefault(message["stream"], []).append(message["record"])
                if message["stream"] == "conversation_parts" and not signalled:
                    proc.send_signal(signal.SIGTERM)  # contacts etc. are spooled or running
                    signalled = True
    proc.wait(timeout=60)
    assert signalled
    assert proc.returncode == 0  # the SDK's graceful shutdown
    assert "contacts" not in records
    assert last_state is not None
    assert "contacts" not in last_state["bookmarks"]
    resumed = run_tap(config, catalog=catalog, state=last_state, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    for entry in catalog["streams"]:
        stream = entry["tap_stream_id"]
        union = records.get(stream, []) + resumed.records(stream)
        assert not missing(fake, union, stream, start), stream
        assert not unexpected(fake, union, stream, start), stream


def test_closing_the_governor_wakes_and_refuses_waiting_requests():
    """When a stream fails, the other streams' requests stop at once (even one waiting for
    a rate-limit window) instead of running on unseen."""
    governor = RateLimitGovernor()
    governor.acquire()
    governor.release({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(time.time() + 30)})
    outcome: list[BaseException] = []

    def waiting_request() -> None:
        try:
            governor.acquire()
        except GovernorClosedError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=waiting_request)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    governor.close()
    thread.join(5)
    assert not thread.is_alive()
    assert time.monotonic() - started < 2
    assert len(outcome) == 1
    with pytest.raises(GovernorClosedError):
        governor.acquire()


def test_a_spool_is_replayed_in_bounded_pieces_of_whole_lines(monkeypatch):
    """A stream that waited for its turn may have spooled gigabytes: it is read back in
    pieces of about READ_BYTES, each ending at a line end (a longer line comes whole)."""
    monkeypatch.setattr(spool_module, "READ_BYTES", 100)
    spool = StreamSpool("contacts", ["contacts"])
    lines = [f'{{"n": {i}, "pad": "{"x" * (i % 37)}"}}' for i in range(500)]
    lines.insert(250, '{"long": "' + "y" * 1000 + '"}')
    for line in lines:
        spool.add_line(line)
    spool.finish(None)
    pieces = list(spool.chunks(threading.Event()))
    spool.close()
    assert "".join(pieces).splitlines() == lines
    assert all(piece.endswith("\n") for piece in pieces)
    assert max(len(piece) for piece in pieces if "long" not in piece) <= 100
    assert len(pieces) > 100


def test_a_stop_request_ends_the_replay_between_two_writes():
    """What a SIGTERM does while streams run in parallel: the handler only asks; the replay
    stops before its next write, having written whole lines only, and the run aborts."""
    keep_going = threading.Event()
    first_written = threading.Event()
    harness = Harness()
    streams = [ScriptedStream("a", [emit("a1"), wait_for(keep_going), emit("a2")])]
    sync = harness.build(streams, max_parallel=2, on_write=first_written.set)
    assert sync.request_stop() is False  # not replaying yet: the SDK's handler applies
    sync._stop.clear()  # reset the probe above

    def stop_when_first_line_is_out() -> None:
        assert first_written.wait(10)
        assert sync.request_stop() is True
        time.sleep(0.5)
        keep_going.set()  # "a2" now arrives, after the stop: it must not be written

    stopper = threading.Thread(target=stop_when_first_line_is_out)
    stopper.start()
    with pytest.raises(StopRequestedError):
        sync.run()
    stopper.join()
    assert harness.lines() == ["a1"]
    assert harness.aborted
