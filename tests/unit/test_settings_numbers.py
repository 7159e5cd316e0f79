"""Numeric settings: fractional rates work, and numbers written as text (every
`TAP_INTERCOM_*` variable is text) are read as numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tap_intercom.errors import ConfigError
from tap_intercom.rate_limit import RateLimitGovernor, own_cap_windows
from tap_intercom.settings import Settings
from tests.unit.fake_clock import FakeClock

BASE = {"access_token": "t", "api_url": "http://127.0.0.1:9"}


#: A multiple of 10, 60 and 120: the governor's windows start here.
START = 1_200_000.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (600.5, 600.5),
        (Decimal("0.5"), 0.5),
        ("7.5", 7.5),
        (" 5000 ", 5000.0),
        (0, None),
        ("0", None),
        (-3, None),
        ("", None),
    ],
)
def test_max_requests_per_minute_takes_fractions_and_numeric_text(value, expected) -> None:
    settings = Settings.from_config({**BASE, "max_requests_per_minute": value})
    assert settings.max_requests_per_minute == expected


@pytest.mark.parametrize(("value", "expected"), [("5", 5.0), ("0.25", 0.25), (Decimal("2.5"), 2.5)])
def test_max_retry_wait_takes_numeric_text(value, expected) -> None:
    assert Settings.from_config({**BASE, "max_retry_wait": value}).max_retry_wait == expected


@pytest.mark.parametrize("value", ["fast", True, "nan", "inf", [1]])
def test_a_rate_that_is_no_number_is_one_clear_error(value) -> None:
    with pytest.raises(ConfigError, match=r"max_requests_per_minute .* is not a number"):
        Settings.from_config({**BASE, "max_requests_per_minute": value})


@pytest.mark.parametrize("value", ["soon", "0", "-1", False, "nan"])
def test_a_retry_wait_that_is_no_positive_number_is_one_clear_error(value) -> None:
    with pytest.raises(ConfigError, match=r"max_retry_wait .* is not a number of seconds > 0"):
        Settings.from_config({**BASE, "max_retry_wait": value})


@pytest.mark.parametrize(
    ("rate", "windows"),
    [
        (None, (10.0, None)),
        (60, (10.0, 10)),
        (600.5, (10.0, 100)),
        (7.5, (10.0, 1)),
        (6, (10.0, 1)),
        (3, (20.0, 1)),
        (0.5, (120.0, 1)),
    ],
)
def test_own_cap_windows_never_exceed_the_rate(rate, windows) -> None:
    assert own_cap_windows(rate) == windows
    if rate:
        seconds, per_window = windows
        assert per_window * 60 / seconds <= rate


def test_a_rate_below_one_a_minute_spaces_requests_by_its_period() -> None:
    clock = FakeClock(START)
    governor = RateLimitGovernor(max_requests_per_minute=0.5, clock=clock, sleep=clock.sleep)
    governor.acquire()
    governor.release(None)
    assert clock.slept == []
    governor.acquire()  # one request per 120 s
    assert clock.slept == [pytest.approx(120.05)]


def test_a_fractional_rate_as_decimal_paces_like_its_float() -> None:
    clock = FakeClock(START)
    governor = RateLimitGovernor(
        max_requests_per_minute=Decimal("90.5"), clock=clock, sleep=clock.sleep
    )
    for _ in range(15):  # floor(90.5 / 6) = 15 per 10-second window
        governor.acquire()
        governor.release(None)
    assert clock.slept == []
    governor.acquire()
    assert clock.slept == [pytest.approx(10.05)]
