"""Date-time helpers: epoch conversion, ISO-8601 parsing and the Stitch output format.

Every date-time the tap emits (records and bookmarks) uses :data:`DATETIME_FORMAT`:
UTC, six-digit microseconds and a literal ``Z`` -- the format Stitch's tap writes
(``singer.utils.strftime``), so warehouse columns do not change type or shape.

Intercom sends timestamps as integer epoch **seconds**. Stitch's tap guesses the unit from
the number of digits and therefore reads every 9-digit value (any date before 2001-09-09)
as milliseconds. Here the unit is decided by magnitude instead; see :func:`epoch_to_datetime`.

All calendar work goes through pendulum. The only arithmetic done by hand is integer
splitting of an epoch into whole days and seconds of the day (POSIX time has exactly
86 400 seconds per day), which lets the per-day calendar lookup be cached.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import time
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

import pendulum

from tap_intercom.numeric_text import INTEGER_RE, NUMERIC_RE, decimal_from_text

__all__ = [
    "DATETIME_FORMAT",
    "MAX_EPOCH_SECONDS",
    "MILLISECONDS_THRESHOLD",
    "MIN_EPOCH_SECONDS",
    "datetime_to_epoch",
    "epoch_seconds_to_datetime",
    "epoch_to_datetime",
    "format_datetime",
    "normalize_datetime_string",
    "parse_datetime",
]

#: Output convention for every emitted date-time (strftime notation, for documentation;
#: :func:`format_datetime` builds the string itself so that years < 1000 keep 4 digits,
#: which glibc's ``%Y`` does not do).
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

#: An epoch whose absolute value is at least this is read as **milliseconds**.
#: 10**11 seconds is 5138-11-16T09:46:40Z, far beyond any real Intercom timestamp, while
#: 10**11 milliseconds is only 1973-03-03T09:46:40Z. So any value of that magnitude is
#: almost certainly milliseconds. The price: millisecond values between 1966-10-31T14:13:20Z and
#: 1973-03-03T09:46:40Z (|ms| < 10**11) are read as seconds, and seconds values past the year 5138
#: cannot be expressed (they are read as milliseconds).
MILLISECONDS_THRESHOLD = 10**11

#: 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z as epoch seconds (inclusive bounds).
MIN_EPOCH_SECONDS = -62_135_596_800
MAX_EPOCH_SECONDS = 253_402_300_799

_SECONDS_PER_DAY = 86_400
_MICROS_PER_SECOND = 1_000_000
_EPOCH_DATE = pendulum.date(1970, 1, 1)
_UTC = pendulum.UTC

# ISO-8601 date-times start with a four-digit year. This rejects time-only strings
# (pendulum would silently put them on today's date) and durations.
_ISO_START_RE = re.compile(r"\d{4}")
#: The tap's own output format (`format_datetime`), with year, month, day, h, m, s as groups.
CANONICAL_RE = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.\d{6}Z")

_MIN_SECONDS_DEC = Decimal(MIN_EPOCH_SECONDS)
_MAX_SECONDS_DEC = Decimal(MAX_EPOCH_SECONDS + 1)  # exclusive
_THRESHOLD_DEC = Decimal(MILLISECONDS_THRESHOLD)


def _out_of_range(value: object) -> ValueError:
    return ValueError(
        f"epoch timestamp {value!r} is outside the supported range "
        "(0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z)"
    )


@lru_cache(maxsize=8192)
def _day_string(days_since_epoch: int) -> str:
    """``YYYY-MM-DD`` of the UTC day ``days_since_epoch`` days after 1970-01-01."""
    day = _EPOCH_DATE.add(days=days_since_epoch)
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


#: ``THH:MM`` of each minute of the day, and ``:SS.000000Z`` of each second of a minute.
_HOURS_MINUTES = tuple(f"T{h:02d}:{m:02d}" for h in range(24) for m in range(60))
_SECONDS = tuple(f":{sec:02d}.000000Z" for sec in range(60))


def epoch_seconds_to_datetime(value: int) -> str:
    """:func:`epoch_to_datetime` of a non-negative ``int`` below MILLISECONDS_THRESHOLD
    (what Intercom sends for every date-time): the same string, built from the cached day
    and two table lookups instead of the general path's arithmetic and formatting."""
    days, second_of_day = divmod(value, _SECONDS_PER_DAY)
    minute_of_day, second = divmod(second_of_day, 60)
    return _day_string(days) + _HOURS_MINUTES[minute_of_day] + _SECONDS[second]


#: The last second `utc_now_isoformat` wrote, and its text (one tuple: threads swap it whole).
_last_second: list[tuple[int, str]] = [(-1, "")]


def utc_now_isoformat() -> str:
    """`datetime.now(timezone.utc).isoformat()`: the text the SDK writes as a RECORD's
    `time_extracted`. The text of the current second is kept, as many records are written
    each second; the microseconds are appended (left out at a whole second, as `isoformat`
    leaves them out)."""
    seconds, micros = divmod(time.time_ns() // 1000, _MICROS_PER_SECOND)
    last = _last_second[0]
    if last[0] != seconds:
        text = _dt.datetime.fromtimestamp(seconds, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        last = _last_second[0] = (seconds, text)
    return f"{last[1]}.{micros:06d}+00:00" if micros else f"{last[1]}+00:00"


def _format_epoch_micros(total_micros: int, original: object) -> str:
    """Format an epoch expressed in whole microseconds."""
    seconds, micros = divmod(total_micros, _MICROS_PER_SECOND)
    if not MIN_EPOCH_SECONDS <= seconds <= MAX_EPOCH_SECONDS:
        raise _out_of_range(original)
    days, second_of_day = divmod(seconds, _SECONDS_PER_DAY)
    hours, rest = divmod(second_of_day, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{_day_string(days)}T{hours:02d}:{minutes:02d}:{secs:02d}.{micros:06d}Z"


def _decimal_epoch_to_datetime(number: Decimal, original: object) -> str:
    if not number.is_finite():
        raise ValueError(f"epoch timestamp {original!r} is not a finite number")
    # milliseconds -> seconds (exact: only the exponent changes)
    seconds = number.scaleb(-3) if abs(number) >= _THRESHOLD_DEC else number
    # Range check before scaling to an integer, so 1E+999999 cannot allocate a huge int.
    if not _MIN_SECONDS_DEC - 1 <= seconds <= _MAX_SECONDS_DEC:
        raise _out_of_range(original)
    total_micros = int(seconds.scaleb(6).to_integral_value(rounding=ROUND_HALF_EVEN))
    return _format_epoch_micros(total_micros, original)


def epoch_to_datetime(value: int | float | Decimal | str | None) -> str | None:
    """Convert an epoch timestamp (seconds; see below) to a :data:`DATETIME_FORMAT` string.

    - ``int``: epoch seconds, any sign. If ``abs(value) >= MILLISECONDS_THRESHOLD``
      (10**11 -- in seconds that would be the year 5138) the value is read as
      **milliseconds**; Intercom sends seconds, but milliseconds do turn up in
      hand-made data and other tools' exports.
    - ``float`` / ``Decimal``: the same rule; the fraction is kept to the microsecond,
      rounded half-to-even. Floats are read via their shortest ``repr`` so that
      ``1.1`` means 1.1 s and not the binary approximation.
    - ``str``: a plain decimal number (``"946684800"``, ``"1.5"``, ``"-3e2"``) is treated
      as that number; anything else must be ISO 8601 and is normalised (see
      :func:`parse_datetime`).
    - ``None`` -> ``None``.

    Raises:
        ValueError: for ``bool`` (not a timestamp), NaN/infinity, unparseable strings,
            unsupported types, or results outside years 1..9999. The message contains
            the offending value.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is a boolean, not an epoch timestamp")
    if isinstance(value, int):
        if type(value) is int and 0 <= value < MILLISECONDS_THRESHOLD:
            return epoch_seconds_to_datetime(value)
        scale = 1_000 if abs(value) >= MILLISECONDS_THRESHOLD else _MICROS_PER_SECOND
        return _format_epoch_micros(value * scale, value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"epoch timestamp {value!r} is not a finite number")
        return _decimal_epoch_to_datetime(Decimal(repr(value)), value)
    if isinstance(value, Decimal):
        return _decimal_epoch_to_datetime(value, value)
    if isinstance(value, str):
        text = value.strip()
        if INTEGER_RE.fullmatch(text) and len(text) <= 30:
            number = int(text)
            scale = 1_000 if abs(number) >= MILLISECONDS_THRESHOLD else _MICROS_PER_SECOND
            return _format_epoch_micros(number * scale, value)
        if NUMERIC_RE.fullmatch(text):
            number_dec = decimal_from_text(text)
            if number_dec is None:
                raise ValueError(f"{value!r} is not a number")
            return _decimal_epoch_to_datetime(number_dec, value)
        return normalize_datetime_string(value)
    raise ValueError(f"{value!r} ({type(value).__name__}) is not an epoch timestamp")


def parse_datetime(value: str) -> pendulum.DateTime:
    """Parse an ISO-8601 / RFC-3339 date-time (or date) string into a UTC DateTime.

    Accepts ``Z``, ``+00:00``, ``-00:00`` and any other offset; a missing offset means UTC;
    a date-only string means midnight UTC. Surrounding whitespace is ignored.

    Raises:
        ValueError: if ``value`` is not a string, not ISO 8601, or its UTC equivalent
            falls outside years 1..9999.
    """
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not an ISO 8601 date-time string")
    text = value.strip()
    if not _ISO_START_RE.match(text):
        raise ValueError(f"{value!r} is not an ISO 8601 date-time")
    try:
        parsed = pendulum.parse(text, tz=_UTC)
    except (ValueError, TypeError, OverflowError) as exc:  # ParserError is a ValueError
        raise ValueError(f"{value!r} is not an ISO 8601 date-time") from exc
    if not isinstance(parsed, pendulum.DateTime):
        raise ValueError(f"{value!r} is not an ISO 8601 date-time")
    try:
        return parsed.in_timezone(_UTC)
    except OverflowError as exc:
        raise ValueError(f"{value!r} is outside the supported range in UTC") from exc


def _to_utc(dt: _dt.datetime) -> pendulum.DateTime:
    """Any datetime (naive = UTC) as a pendulum UTC DateTime."""
    if not isinstance(dt, _dt.datetime):
        raise ValueError(f"{dt!r} is not a datetime")
    try:
        return pendulum.instance(dt, tz=_UTC).in_timezone(_UTC)
    except OverflowError as exc:
        raise ValueError(f"{dt!r} is outside the supported range in UTC") from exc


def format_datetime(dt: _dt.datetime) -> str:
    """Format a datetime as :data:`DATETIME_FORMAT` after converting it to UTC.

    Naive datetimes are taken to be UTC. Years are always four digits.
    """
    utc = _to_utc(dt)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond:06d}Z"
    )


@lru_cache(maxsize=8192)
def _is_valid_date(year: int, month: int, day: int) -> bool:
    try:
        pendulum.date(year, month, day)
    except ValueError:
        return False
    return True


def normalize_datetime_string(value: str) -> str:
    """Parse an ISO-8601 string and re-emit it in :data:`DATETIME_FORMAT` (UTC)."""
    if isinstance(value, str):
        # Fast path: already canonical (the common case for bookmarks and re-read data).
        match = CANONICAL_RE.fullmatch(value)
        if (
            match is not None
            and int(match[4]) < 24
            and int(match[5]) < 60
            and int(match[6]) < 60
            and _is_valid_date(int(match[1]), int(match[2]), int(match[3]))
        ):
            return value
    return format_datetime(parse_datetime(value))


def datetime_to_epoch(dt: _dt.datetime) -> int:
    """Epoch seconds of ``dt`` (naive = UTC), rounded down (floor, also before 1970)."""
    return _to_utc(dt).int_timestamp
