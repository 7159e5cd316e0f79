"""Scalar coercions toward a declared JSON type, and the JSON type of a parsed value.

Values come from ``json.loads(..., parse_float=Decimal)``, so they are ``str``, ``int``,
``bool``, ``Decimal``, ``dict``, ``list`` or ``None``; ``float`` is accepted too (records
built in code). Each coercion returns the converted value, or :data:`MISMATCH` when the
value cannot be read as that type. They are only called for values that do not already
have the target type (see :mod:`tap_intercom.conformer`), so none of them handles that case.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from singer_sdk.singerlib.json import serialize_json

from tap_intercom.numeric_text import INTEGER_RE, NUMERIC_RE, decimal_from_text

__all__ = [
    "COERCIONS",
    "INVALID",
    "MAX_INT_DIGITS",
    "MISMATCH",
    "json_text",
    "json_type",
    "to_boolean",
    "to_integer",
    "to_number",
    "to_string",
]

#: Coercion failure: the value is of a type the schema does not take.
MISMATCH: Any = object()
#: Conversion failure of a date-time field: the value has an accepted type but is not a
#: date-time. Kept apart from MISMATCH so the two are reported differently.
INVALID: Any = object()

#: Python ints with more digits than this cannot be turned back into text by default
#: (``sys.int_info.default_max_str_digits`` is 4300), so none is ever made from a string.
MAX_INT_DIGITS = 4000

_JSON_TYPE_OF: dict[type, str] = {
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    Decimal: "number",
    dict: "object",
    list: "array",
    type(None): "null",
}


def json_type(value: object) -> str | None:
    """JSON type name of a parsed value (exact Python type), or None if it has none."""
    return _JSON_TYPE_OF.get(type(value))


def json_text(value: dict | list) -> str:
    """An object or array as compact JSON text, keys in the order received (what
    ``json.dumps(value, separators=(",", ":"))`` writes; Decimals keep their exact digits).

    For a field whose schema takes strings but not the value's container type: an older
    catalog (Stitch's declares ``conversation_parts.assigned_to`` a string, Intercom sends
    an object) then still gets the value, as text, instead of null.
    """
    return serialize_json(value)


def _decimal_to_int(number: Decimal) -> int | Any:
    if not number.is_finite() or number.adjusted() >= MAX_INT_DIGITS:
        return MISMATCH
    if number != number.to_integral_value():
        return MISMATCH
    return int(number)


def to_string(value: Any) -> Any:
    """Numbers via ``str()``; booleans as ``"true"`` / ``"false"`` (JSON spelling)."""
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float or kind is Decimal:
        return str(value)
    return MISMATCH


def to_integer(value: Any) -> Any:
    """Integral floats and Decimals, and strings holding an integral number (``"1e3"``).

    ``1.5`` is not truncated and ``"1,000"`` is not read; booleans are not numbers.
    """
    kind = type(value)
    if kind is float:
        if math.isfinite(value) and value.is_integer():
            return int(value)
        return MISMATCH
    if kind is Decimal:
        return _decimal_to_int(value)
    if kind is str:
        text = value.strip()
        if INTEGER_RE.fullmatch(text):
            return int(text) if len(text) <= MAX_INT_DIGITS else MISMATCH
        if NUMERIC_RE.fullmatch(text):
            number = decimal_from_text(text)
            return MISMATCH if number is None else _decimal_to_int(number)
    return MISMATCH


def to_number(value: Any) -> Any:
    """Numeric strings: ``int`` when written as an integer, else the exact ``Decimal``.

    Only strings are converted: numbers that are finite already satisfy a number field, and
    NaN and infinities are not JSON numbers.
    """
    if type(value) is str:
        text = value.strip()
        if INTEGER_RE.fullmatch(text):
            return int(text) if len(text) <= MAX_INT_DIGITS else Decimal(text)
        if NUMERIC_RE.fullmatch(text):
            number = decimal_from_text(text)
            return MISMATCH if number is None else number
    return MISMATCH


def to_boolean(value: Any) -> Any:
    """``"true"`` / ``"false"`` in any case, surrounding blanks ignored; nothing else."""
    if type(value) is str:
        text = value.strip().lower()
        if text == "true":
            return True
        if text == "false":
            return False
    return MISMATCH


#: The coercion toward each scalar JSON type (``null`` has none: only None is null).
COERCIONS: dict[str, Callable[[Any], Any]] = {
    "string": to_string,
    "integer": to_integer,
    "number": to_number,
    "boolean": to_boolean,
}
