"""Progress lines: count, total, rate and ETA."""

from __future__ import annotations

from tap_intercom.progress import StreamProgress, format_seconds
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
