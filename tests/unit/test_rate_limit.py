"""RateLimitGovernor: admission by Intercom's `X-RateLimit-*` headers and an optional own cap."""

from __future__ import annotations

import threading
import time

import pytest

from tap_intercom.rate_limit import RateLimitGovernor
from tests.unit.fake_clock import FakeClock


def headers(remaining: int, reset: float) -> dict[str, str]:
    return {"X-RateLimit-Remaining": str(remaining), "X-RateLimit-Reset": str(reset)}


def test_governor_waits_for_the_reset_when_the_window_is_spent():
    clock = FakeClock()
    governor = RateLimitGovernor(clock=clock, sleep=clock.sleep)
    governor.acquire()
    governor.release(headers(remaining=0, reset=clock.now + 4))
    governor.acquire()  # must wait until the window resets
    assert clock.slept and clock.slept[0] == pytest.approx(4.05)


def test_governor_counts_requests_in_flight_against_the_window():
    clock = FakeClock()
    governor = RateLimitGovernor(clock=clock, sleep=clock.sleep)
    governor.acquire()
    governor.release(headers(remaining=2, reset=clock.now + 9))
    governor.acquire()
    governor.acquire()  # two in flight use the two remaining slots
    assert clock.slept == []
    governor.acquire()  # a third must wait for the reset
    assert clock.slept == [pytest.approx(9.05)]


def test_governor_a_late_response_does_not_reopen_a_spent_window():
    clock = FakeClock()
    governor = RateLimitGovernor(clock=clock, sleep=clock.sleep)
    governor.acquire()
    governor.acquire()
    governor.release(headers(remaining=0, reset=clock.now + 5))  # the newest answer
    governor.release(headers(remaining=3, reset=clock.now + 5))  # an older one, arriving late
    governor.acquire()  # the window is spent: wait for the reset
    assert clock.slept == [pytest.approx(5.05)]


def test_governor_own_cap_spreads_requests_over_ten_second_windows():
    clock = FakeClock(now=1_000_000.0)  # aligned on a window boundary
    governor = RateLimitGovernor(max_requests_per_minute=60, clock=clock, sleep=clock.sleep)
    for _ in range(10):  # 60/min = 10 per 10-second window
        governor.acquire()
        governor.release(None)
    assert clock.slept == []
    governor.acquire()
    assert clock.slept == [pytest.approx(10.05)]


def test_governor_ignores_stale_headers_from_an_older_window():
    clock = FakeClock()
    governor = RateLimitGovernor(clock=clock, sleep=clock.sleep)
    governor.acquire()
    governor.release(headers(remaining=50, reset=clock.now + 5))
    governor.acquire()
    governor.release(headers(remaining=0, reset=clock.now - 5))  # late reply, old window
    governor.acquire()
    assert clock.slept == []


def test_governor_is_thread_safe():
    governor = RateLimitGovernor()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(200):
                governor.acquire()
                governor.release(headers(remaining=10_000, reset=time.time() + 10))
        except BaseException as exc:  # pragma: no cover - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert governor.snapshot()["in_flight"] == 0
