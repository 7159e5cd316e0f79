"""Unit tests for tap_intercom.coercions (the conformer's tests cover them in context)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tap_intercom.coercions import (
    MISMATCH,
    json_type,
    to_boolean,
    to_integer,
    to_number,
    to_string,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("x", "string"),
        (True, "boolean"),
        (0, "integer"),
        (1.5, "number"),
        (Decimal("1.5"), "number"),
        ({}, "object"),
        ([], "array"),
        (None, "null"),
        ((1,), None),
        (dt.date(2020, 1, 1), None),
        (b"x", None),
    ],
)
def test_json_type(value: object, expected: str | None) -> None:
    assert json_type(value) == expected


@pytest.mark.parametrize(
    ("coerce", "value", "expected"),
    [
        (to_string, False, "false"),
        (to_string, Decimal("1.50"), "1.50"),
        (to_integer, Decimal("1E+3"), 1000),
        (to_integer, " 7 ", 7),
        (to_number, "007", 7),
        (to_number, "1" * 4001, Decimal("1" * 4001)),
        (to_boolean, "False", False),
    ],
)
def test_coercion_results(coerce: Callable[[Any], Any], value: object, expected: object) -> None:
    result = coerce(value)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("coerce", "value"),
    [
        (to_string, None),
        (to_string, "already"),  # not a conversion: strings never need one
        (to_integer, True),
        (to_integer, Decimal("1E+4000")),
        (to_number, 1.5),  # numbers already satisfy a number field
        (to_number, "1e"),
        (to_integer, "1e9999999999999999999"),
        (to_number, "-1e-9999999999999999999"),
        (to_boolean, 1),
        (to_boolean, "1"),
    ],
)
def test_coercion_mismatches(coerce: Callable[[Any], Any], value: object) -> None:
    assert coerce(value) is MISMATCH
