"""Interrupted syncs: SIGKILL the tap after its N-th RECORD, resume from the last STATE it
wrote, and the two runs together must emit every record of the ground truth, for more than
twenty values of N spread over a sync of every stream. A kill late in a long stream resumes
from its last checkpoint, not from the beginning.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from fake_intercom import FakeIntercom
from tests import oracle
from tests.singer_run import TAP_EXECUTABLE, base_config, discover, run_tap, select_streams

START = "2023-01-01T00:00:00Z"
COUNTS = {"contacts": 500, "companies": 80, "conversations": 80, "tickets": 30, "activity_logs": 60}
KILL_POINTS = 20


class Killed:
    """What a target saw of a run killed after its N-th record: records and the last STATE."""

    def __init__(self) -> None:
        self.records: dict[str, list[dict]] = {}
        self.last_state: dict | None = None
        self.count = 0


def run_until_killed(config: dict, catalog: dict, kill_after: int, tmp: Path) -> Killed:
    """Start the tap, read its stdout line by line, SIGKILL it when RECORD `kill_after` arrives.

    Only messages read up to that record count: that is what a target had received.
    """
    (tmp / "config.json").write_text(json.dumps(config))
    (tmp / "catalog.json").write_text(json.dumps(catalog))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAP_INTERCOM_")}
    seen = Killed()
    with (tmp / "stderr.txt").open("w") as stderr:
        proc = subprocess.Popen(
            [
                TAP_EXECUTABLE,
                "--config",
                str(tmp / "config.json"),
                "--catalog",
                str(tmp / "catalog.json"),
            ],
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
            cwd=tmp,
        )
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                message = json.loads(line)
                if message["type"] == "STATE":
                    seen.last_state = message["value"]
                elif message["type"] == "RECORD":
                    seen.records.setdefault(message["stream"], []).append(message["record"])
                    seen.count += 1
                    if seen.count == kill_after:
                        proc.send_signal(signal.SIGKILL)
                        break
        finally:
            proc.kill()
            proc.stdout.close()
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, (tmp / "stderr.txt").read_text()[-2000:]
    assert seen.count == kill_after
    return seen


@pytest.fixture(scope="module")
def fake():
    with FakeIntercom(scale="small", seed=21, **COUNTS) as server:
        # A killed run leaves its companies scroll open; let it lapse quickly (Intercom: 60 s).
        server.control(scroll_idle_seconds=1)
        yield server


@pytest.fixture(scope="module")
def setup(fake):
    # Resumed runs may find the killed run's scroll still open: short retry waits for that.
    config = base_config(fake.base_url, start_date=START, max_retry_wait=0.5, max_retries=12)
    catalog = select_streams(discover(config))
    streams = [entry["tap_stream_id"] for entry in catalog["streams"]]
    reference = run_tap(config, catalog=catalog, timeout=120)
    assert reference.returncode == 0, reference.stderr[-3000:]
    order = [m["stream"] for m in reference.record_messages()]
    return config, catalog, streams, order


def _kill_points(order: list[str]) -> list[int]:
    total = len(order)
    # Evenly over the whole sync, plus the first record of the long streams (a kill right
    # after a stream starts), plus 90 % into contacts.
    points = {max(1, round(total * k / KILL_POINTS)) for k in range(1, KILL_POINTS)}
    points |= {1, total - 1}
    for stream in ("companies", "conversations", "conversation_parts", "contacts"):
        points.add(order.index(stream) + 1)
    points.add(_contacts_90(order))
    return sorted(p for p in points if 1 <= p < total)


def _contacts_90(order: list[str]) -> int:
    positions = [i + 1 for i, s in enumerate(order) if s == "contacts"]
    return positions[int(len(positions) * 0.9)]


def test_every_kill_point_resumes_without_loss(fake, setup, tmp_path):
    config, catalog, streams, order = setup
    points = _kill_points(order)
    assert len(points) >= 20, points
    contacts_total = order.count("contacts")
    assert contacts_total > 300  # several checkpoints inside the stream
    total_missing: Counter = Counter()
    resumed_contacts_at_90 = None
    started = time.monotonic()
    for n in points:
        tmp = tmp_path / f"kill_{n}"
        tmp.mkdir()
        killed = run_until_killed(config, catalog, n, tmp)
        resumed = run_tap(config, catalog=catalog, state=killed.last_state, timeout=120)
        assert resumed.returncode == 0, (n, resumed.stderr[-3000:])
        for stream in streams:
            # A killed run may not have reached the stream yet.
            union = killed.records.get(stream, []) + resumed.records(stream)
            # The resumed run re-emits what followed the last STATE: duplicates are expected.
            result = oracle.compare(fake, stream, union, START)
            lost = result.missing
            total_missing[stream] += len(lost)
            assert not lost, f"kill at {n}: {stream} lost {len(lost)}, e.g. {sorted(lost)[:3]}"
            extra = result.unexpected
            assert not extra, f"kill at {n}: {stream} has {len(extra)} unexpected records"
        if n == _contacts_90(order):
            resumed_contacts_at_90 = len(resumed.records("contacts"))
    assert sum(total_missing.values()) == 0
    # Killed at 90 % of contacts, the resumed run starts from the last checkpoint (every 150
    # records), not from the first contact.
    assert resumed_contacts_at_90 is not None
    assert resumed_contacts_at_90 < contacts_total * 0.5, (resumed_contacts_at_90, contacts_total)
    assert time.monotonic() - started < 100
