"""Unit and property tests for tap_intercom.dates."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tap_intercom.dates import (
    DATETIME_FORMAT,
    MAX_EPOCH_SECONDS,
    MILLISECONDS_THRESHOLD,
    MIN_EPOCH_SECONDS,
    datetime_to_epoch,
    epoch_seconds_to_datetime,
    epoch_to_datetime,
    format_datetime,
    normalize_datetime_string,
    parse_datetime,
    utc_now_isoformat,
)

CANONICAL = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
MAX_MS = (MAX_EPOCH_SECONDS + 1) * 1000 - 1
MIN_MS = MIN_EPOCH_SECONDS * 1000


def test_format_constant() -> None:
    assert DATETIME_FORMAT == "%Y-%m-%dT%H:%M:%S.%fZ"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "1970-01-01T00:00:00.000000Z"),
        (946684800, "2000-01-01T00:00:00.000000Z"),
        # 9-digit seconds: Stitch reads these as ms (1970-01-11T22:58:04.800000Z).
        (999999999, "2001-09-09T01:46:39.000000Z"),
        (123456789, "1973-11-29T21:33:09.000000Z"),
        (1, "1970-01-01T00:00:01.000000Z"),
        (-1, "1969-12-31T23:59:59.000000Z"),
        (-86400, "1969-12-31T00:00:00.000000Z"),
        (-62135596800, "0001-01-01T00:00:00.000000Z"),
        (1700000000, "2023-11-14T22:13:20.000000Z"),
        (MILLISECONDS_THRESHOLD - 1, "5138-11-16T09:46:39.000000Z"),
        # milliseconds
        (1640760200000, "2021-12-29T06:43:20.000000Z"),
        (1640760200123, "2021-12-29T06:43:20.123000Z"),
        (MILLISECONDS_THRESHOLD, "1973-03-03T09:46:40.000000Z"),
        (-MILLISECONDS_THRESHOLD, "1966-10-31T14:13:20.000000Z"),
        (MAX_MS, "9999-12-31T23:59:59.999000Z"),
        (MIN_MS, "0001-01-01T00:00:00.000000Z"),
        # fractional seconds
        (1.5, "1970-01-01T00:00:01.500000Z"),
        (-0.5, "1969-12-31T23:59:59.500000Z"),
        (1640760200.123456, "2021-12-29T06:43:20.123456Z"),
        (1.1, "1970-01-01T00:00:01.100000Z"),
        (1640760200123.5, "2021-12-29T06:43:20.123500Z"),
        (Decimal("1640760200.1234565"), "2021-12-29T06:43:20.123456Z"),  # half-even
        (Decimal("1640760200.1234575"), "2021-12-29T06:43:20.123458Z"),
        (Decimal("0.0000015"), "1970-01-01T00:00:00.000002Z"),
        (Decimal(946684800), "2000-01-01T00:00:00.000000Z"),
        (Decimal("1640760200000"), "2021-12-29T06:43:20.000000Z"),
        (946684800.0, "2000-01-01T00:00:00.000000Z"),
        # numeric strings
        ("946684800", "2000-01-01T00:00:00.000000Z"),
        (" 946684800 ", "2000-01-01T00:00:00.000000Z"),
        ("-1", "1969-12-31T23:59:59.000000Z"),
        ("1640760200000", "2021-12-29T06:43:20.000000Z"),
        ("1.25", "1970-01-01T00:00:01.250000Z"),
        ("1e3", "1970-01-01T00:16:40.000000Z"),
        ("+5", "1970-01-01T00:00:05.000000Z"),
        # ISO strings are normalised
        ("2021-01-01T10:00:00Z", "2021-01-01T10:00:00.000000Z"),
        ("2021-01-01T10:00:00+05:30", "2021-01-01T04:30:00.000000Z"),
        ("2021-01-01", "2021-01-01T00:00:00.000000Z"),
        ("2021-12-29T06:43:20.000000Z", "2021-12-29T06:43:20.000000Z"),
    ],
)
def test_epoch_to_datetime_known_answers(value: object, expected: str) -> None:
    assert epoch_to_datetime(value) == expected  # type: ignore[arg-type]


def test_epoch_to_datetime_none() -> None:
    assert epoch_to_datetime(None) is None


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        float("nan"),
        float("inf"),
        float("-inf"),
        Decimal("NaN"),
        Decimal("-Infinity"),
        MIN_EPOCH_SECONDS - 1,
        MAX_MS + 1,
        MIN_MS - 1,
        10**40,
        -(10**40),
        "1e999999",
        "1e9999999999999999999",  # exponent beyond what Decimal can hold
        Decimal("1E+999999"),
        "NaN",
        "Infinity",
        "abc",
        "",
        "   ",
        "12:30",
        "P1D",
        "2021-13-01",
        "2021-02-30T00:00:00Z",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "1_000",
        [1],
        {"a": 1},
        b"946684800",
    ],
)
def test_epoch_to_datetime_rejects(value: object) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(value)[:20])):
        epoch_to_datetime(value)  # type: ignore[arg-type]


def test_rounding_past_the_maximum_is_rejected() -> None:
    with pytest.raises(ValueError, match="outside"):
        epoch_to_datetime(Decimal(MAX_MS) + Decimal("0.9999999"))


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=MIN_EPOCH_SECONDS, max_value=MILLISECONDS_THRESHOLD - 1))
def test_seconds_round_trip(seconds: int) -> None:
    text = epoch_to_datetime(seconds)
    assert text is not None
    assert CANONICAL.fullmatch(text)
    assert datetime_to_epoch(parse_datetime(text)) == seconds
    # cross-check the cached day arithmetic against pendulum doing all of the work
    direct = pendulum.datetime(1970, 1, 1, tz="UTC").add(seconds=seconds)
    assert text == (
        f"{direct.year:04d}-{direct.month:02d}-{direct.day:02d}T{direct.hour:02d}:"
        f"{direct.minute:02d}:{direct.second:02d}.000000Z"
    )
    # numeric-string and Decimal forms agree
    assert epoch_to_datetime(str(seconds)) == text
    assert epoch_to_datetime(Decimal(seconds)) == text


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=0, max_value=MILLISECONDS_THRESHOLD - 1))
def test_the_fast_seconds_path_is_the_general_one(seconds: int) -> None:
    """`epoch_seconds_to_datetime` (what the conformer calls for Intercom's int epochs)
    gives the string of the general path, here reached through the Decimal form."""
    assert epoch_seconds_to_datetime(seconds) == epoch_to_datetime(Decimal(seconds))


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "1970-01-01T00:00:00.000000Z"),
        (59, "1970-01-01T00:00:59.000000Z"),
        (86_399, "1970-01-01T23:59:59.000000Z"),
        (86_400, "1970-01-02T00:00:00.000000Z"),
        (951_782_400, "2000-02-29T00:00:00.000000Z"),
        (MILLISECONDS_THRESHOLD - 1, "5138-11-16T09:46:39.000000Z"),
    ],
)
def test_the_fast_seconds_path_at_day_and_minute_edges(seconds: int, expected: str) -> None:
    assert epoch_seconds_to_datetime(seconds) == expected
    assert epoch_to_datetime(seconds) == expected


def test_a_boolean_never_takes_the_fast_path() -> None:
    with pytest.raises(ValueError, match="boolean"):
        epoch_to_datetime(True)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.integers(min_value=MILLISECONDS_THRESHOLD, max_value=MAX_MS),
        st.integers(min_value=MIN_MS, max_value=-MILLISECONDS_THRESHOLD),
    )
)
def test_milliseconds_round_trip(millis: int) -> None:
    text = epoch_to_datetime(millis)
    assert text is not None
    parsed = parse_datetime(text)
    assert datetime_to_epoch(parsed) == millis // 1000
    assert parsed.microsecond == (millis % 1000) * 1000


@pytest.mark.parametrize(
    "seconds",
    [
        MIN_EPOCH_SECONDS,
        MIN_EPOCH_SECONDS + 1,
        -1,
        0,
        99_999_999,
        100_000_000,
        999_999_999,
        1_000_000_000,
        MILLISECONDS_THRESHOLD - 1,
    ],
)
def test_seconds_boundaries_round_trip(seconds: int) -> None:
    text = epoch_to_datetime(seconds)
    assert text is not None
    assert datetime_to_epoch(parse_datetime(text)) == seconds


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=MIN_EPOCH_SECONDS, max_value=MILLISECONDS_THRESHOLD - 2),
    st.integers(min_value=0, max_value=999_999),
)
def test_fractional_seconds_keep_microseconds(seconds: int, micros: int) -> None:
    value = Decimal(seconds) + Decimal(micros).scaleb(-6)
    text = epoch_to_datetime(value)
    assert text is not None
    parsed = parse_datetime(text)
    assert datetime_to_epoch(parsed) == seconds
    assert parsed.microsecond == micros
    assert epoch_to_datetime(str(value)) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-01-01T10:00:00Z", "2021-01-01T10:00:00.000000Z"),
        ("2021-01-01T10:00:00+00:00", "2021-01-01T10:00:00.000000Z"),
        ("2021-01-01T10:00:00-00:00", "2021-01-01T10:00:00.000000Z"),
        ("2021-01-01T10:00:00-05:00", "2021-01-01T15:00:00.000000Z"),
        ("2021-01-01T01:00:00+05:30", "2020-12-31T19:30:00.000000Z"),
        ("2021-01-01T10:00:00", "2021-01-01T10:00:00.000000Z"),
        ("2021-01-01 10:00:00", "2021-01-01T10:00:00.000000Z"),
        ("2021-01-01", "2021-01-01T00:00:00.000000Z"),
        ("2021-01-01T10:00:00.5Z", "2021-01-01T10:00:00.500000Z"),
        ("2021-01-01T10:00:00.123456789Z", "2021-01-01T10:00:00.123456Z"),
        ("  2021-01-01T10:00:00Z\n", "2021-01-01T10:00:00.000000Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000Z"),
        ("0999-06-01T00:00:00Z", "0999-06-01T00:00:00.000000Z"),
        ("9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z"),
        ("2024-02-29T12:00:00Z", "2024-02-29T12:00:00.000000Z"),
    ],
)
def test_normalize_datetime_string(value: str, expected: str) -> None:
    assert normalize_datetime_string(value) == expected
    parsed = parse_datetime(value)
    assert isinstance(parsed, pendulum.DateTime)
    assert parsed.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "garbage",
        "12:30:00",
        "P1D",
        "2021-13-01",
        "2023-02-29",
        "20xx-01-01",
        "Mon, 1 Jan 2021",
        # canonical-looking but impossible (exercises the fast path's validation)
        "2021-02-29T00:00:00.000000Z",
        "2021-01-01T24:00:00.000000Z",
        "2021-01-01T23:60:00.000000Z",
        "2021-01-01T23:59:60.000000Z",
        "0000-01-01T00:00:00.000000Z",
        "2021-00-10T00:00:00.000000Z",
    ],
)
def test_parse_datetime_rejects(value: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_datetime(value)


@pytest.mark.parametrize("value", [None, 1640760200, 1.5])
def test_parse_datetime_rejects_non_strings(value: object) -> None:
    with pytest.raises(ValueError, match="not an ISO 8601"):
        parse_datetime(value)  # type: ignore[arg-type]


def test_format_datetime_converts_to_utc() -> None:
    local = pendulum.datetime(2021, 1, 1, 1, 0, 0, 42, tz="Asia/Kolkata")
    assert format_datetime(local) == "2020-12-31T19:30:00.000042Z"
    stdlib = dt.datetime(2021, 6, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=-2)))
    assert format_datetime(stdlib) == "2021-06-01T14:00:00.000000Z"
    assert format_datetime(dt.datetime(5, 1, 2, 3, 4, 5)) == "0005-01-02T03:04:05.000000Z"


def test_format_datetime_rejects_non_datetimes() -> None:
    with pytest.raises(ValueError, match="not a datetime"):
        format_datetime("2021-01-01")  # type: ignore[arg-type]


def test_datetime_to_epoch_floors() -> None:
    assert datetime_to_epoch(pendulum.datetime(1969, 12, 31, 23, 59, 59, 500000)) == -1
    assert datetime_to_epoch(pendulum.datetime(1970, 1, 1, 0, 0, 0, 999999)) == 0
    assert datetime_to_epoch(dt.datetime(2000, 1, 1)) == 946684800  # naive = UTC
    assert datetime_to_epoch(pendulum.datetime(1, 1, 1)) == MIN_EPOCH_SECONDS
    assert datetime_to_epoch(pendulum.datetime(9999, 12, 31, 23, 59, 59)) == MAX_EPOCH_SECONDS


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(
        min_value=dt.datetime(1, 1, 2),
        max_value=dt.datetime(9999, 12, 30),
        timezones=st.sampled_from(
            [dt.timezone.utc, dt.timezone(dt.timedelta(hours=5, minutes=30)), None]
        ),
    )
)
def test_iso_round_trip(value: dt.datetime) -> None:
    text = format_datetime(value)
    assert CANONICAL.fullmatch(text)
    assert normalize_datetime_string(text) == text
    assert normalize_datetime_string(value.isoformat()) == text
    aware = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    assert parse_datetime(text) == aware


@pytest.mark.parametrize(
    "nanoseconds",
    [
        1_714_564_800_000_000_000,  # a whole second: no fraction, as isoformat writes it
        1_714_564_800_000_001_999,
        1_714_564_800_123_456_789,
        1_714_564_859_999_999_999,
        1_714_564_860_500_000_000,  # the next minute: the second's text is made again
    ],
)
def test_utc_now_isoformat_is_the_text_of_datetime_now(nanoseconds: int, monkeypatch) -> None:
    monkeypatch.setattr("tap_intercom.dates.time.time_ns", lambda: nanoseconds)
    expected = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(
        microseconds=nanoseconds // 1000
    )
    assert utc_now_isoformat() == expected.isoformat()
    assert utc_now_isoformat() == expected.isoformat()  # the kept second gives the same


def test_utc_now_isoformat_is_now() -> None:
    before = dt.datetime.now(dt.timezone.utc)
    text = utc_now_isoformat()
    after = dt.datetime.now(dt.timezone.utc)
    assert before <= dt.datetime.fromisoformat(text) <= after
