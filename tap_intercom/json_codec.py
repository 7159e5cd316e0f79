"""JSON in and out of the tap: msgspec where it gives the same values, the standard library
(and the SDK's simplejson) for whatever msgspec declines.

Parsing every response body and serialising every RECORD line are most of a Python tap's CPU
per record; msgspec does both several times faster than `json` and simplejson, with the same
meaning:

- `loads`: numbers with a fraction or exponent become exact `Decimal`s (msgspec's
  `float_hook` gets the number's text), integers of any size stay `int`, the last of duplicate
  keys wins -- as `json.loads(..., parse_float=Decimal)`. A body msgspec refuses (a lone
  surrogate escape, `NaN` literals, UTF-16) is handed to `json.loads`, which then parses it or
  raises the error it always raised.
- `dumps_line`: compact JSON and a newline, as the SDK's `serialize_json`, except that
  non-ASCII text is written as UTF-8 rather than `\\uXXXX` escapes (the same JSON value; a
  Singer stream is UTF-8). U+2028, U+2029 and U+0085 stay escaped: `str.splitlines` breaks
  lines there, and some readers of Singer streams split that way. Values msgspec cannot write
  (a non-finite `Decimal`, an integer past Python's digit limit, a type it does not know) go
  through `serialize_json`, as before. (Messages hold JSON values, `Decimal`s and text only;
  the Python types msgspec writes its own way -- sets, dates, UUIDs -- never occur in them.)
"""

from __future__ import annotations

import json
import typing as t
from decimal import Decimal

import msgspec
from singer_sdk.singerlib.json import serialize_json

__all__ = ["dumps_line", "loads"]

_decoder = msgspec.json.Decoder(float_hook=Decimal)
_encoder = msgspec.json.Encoder(decimal_format="number")
#: UTF-8 of the line breaks `str.splitlines` knows beyond the ASCII controls (which msgspec
#: escapes itself), and their JSON escapes.
_LINE_BREAKS = (
    (b"\xe2\x80\xa8", b"\\u2028"),
    (b"\xe2\x80\xa9", b"\\u2029"),
    (b"\xc2\x85", b"\\u0085"),
)


def loads(data: bytes | str) -> t.Any:
    """The JSON value of `data` (see the module docstring); raises ValueError if not JSON."""
    try:
        return _decoder.decode(data)
    except msgspec.DecodeError:
        return json.loads(data, parse_float=Decimal)


def dumps_line(value: t.Any) -> bytes:
    """`value` as one line of compact JSON, newline included (see the module docstring)."""
    try:
        data = _encoder.encode(value)
    except (TypeError, ValueError, OverflowError):
        return serialize_json(value).encode() + b"\n"
    if not data.isascii() and _has_line_break(data):
        for raw, escaped in _LINE_BREAKS:
            data = data.replace(raw, escaped)
    return data + b"\n"


def _has_line_break(data: bytes) -> bool:
    """Whether UTF-8 `data` holds U+2028, U+2029 or U+0085. A one-byte search is a memchr;
    a search for two or more bytes walks the line (about 2 µs for a 2.3 KB contact line), so
    each longer search runs only where one byte of its sequence occurs at all."""
    return (b"\xe2" in data and (b"\xe2\x80\xa8" in data or b"\xe2\x80\xa9" in data)) or (
        b"\x85" in data and b"\xc2\x85" in data
    )
