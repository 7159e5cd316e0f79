"""Unit tests for tap_intercom.numeric_text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tap_intercom.numeric_text import INTEGER_RE, NUMERIC_RE, decimal_from_text


@pytest.mark.parametrize("text", ["0", "-12", "+7", "1.", ".5", "1.50", "2E2", "-3e-2"])
def test_numeric_re_accepts_plain_numbers(text: str) -> None:
    assert NUMERIC_RE.fullmatch(text)


@pytest.mark.parametrize("text", ["", ".", "1_000", "1,000", "NaN", "Infinity", "0x10", "1e", " 1"])
def test_numeric_re_rejects_everything_else(text: str) -> None:
    assert not NUMERIC_RE.fullmatch(text)


@pytest.mark.parametrize(("text", "matches"), [("12", True), ("-12", True), ("12.0", False)])
def test_integer_re(text: str, matches: bool) -> None:
    assert bool(INTEGER_RE.fullmatch(text)) is matches


def test_decimal_from_text_is_exact() -> None:
    assert decimal_from_text("1.50") == Decimal("1.50")
    assert str(decimal_from_text("1.50")) == "1.50"
    assert decimal_from_text("1e999999999999999999") == Decimal("1E+999999999999999999")


@pytest.mark.parametrize("text", ["1e9999999999999999999", "1e-9999999999999999999"])
def test_decimal_from_text_out_of_decimal_range(text: str) -> None:
    assert NUMERIC_RE.fullmatch(text)
    assert decimal_from_text(text) is None
