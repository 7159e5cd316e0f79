"""Progress lines: count, total, rate and ETA."""

from __future__ import annotations

from tap_intercom.progress import ProgressBoard, StreamProgress, format_seconds
from tap_intercom.run_stats import RunStats
from tests.unit.fake_clock import FakeClock


def test_progress_line_has_count_total_rate_and_eta():
    clock = FakeClock(now=0.0)
    progress = StreamProgress("contacts", every=10, clock=clock)
    progress.set_total(1000)
    for _ in range(100):
        progress.tick()
        clock.now += 0.1
    line = progress.line()
    assert line.startswith("contacts: 100 records of ~1,000, 10/s")
    assert "ETA 1m30s" in line
    assert format_seconds(3700) == "1h01m"


def test_the_board_counts_each_stream_s_records_from_its_first() -> None:
    board = ProgressBoard(RunStats())
    for _ in range(3):
        board.tick("contacts")
    board.tick("tags")
    assert board.of("contacts").records == 3
    assert board.of("tags").records == 1
