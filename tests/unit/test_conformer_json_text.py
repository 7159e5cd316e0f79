"""An object or array in a field that takes strings but not its type is written as JSON text.

Stitch's catalog declares `conversation_parts.assigned_to` a string; Intercom sends an object.
Conformance keeps the value as compact JSON text (keys in the order received), never null.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from tap_intercom.coercions import json_text
from tap_intercom.conformer import compile_conformer

STRING = {"type": ["null", "string"]}


def conform_one(schema: dict, value: Any) -> tuple[Any, list[tuple[str, str]]]:
    issues: list[tuple[str, str]] = []
    record_schema = {"type": "object", "properties": {"v": schema}}
    out = compile_conformer(record_schema, on_issue=lambda *i: issues.append(i))({"v": value})
    return out["v"], issues


@pytest.mark.parametrize(
    "value",
    [
        {"type": "admin", "id": "4423433"},
        {"type": "nobody_admin", "id": None},
        {"z": 1, "a": [1, {"y": True, "b": None}]},  # keys stay in the order received
        [1, "two", {"three": 3}],
        {},
        [],
        {"name": "Zoë ✓"},
    ],
)
def test_containers_in_a_string_field_become_compact_json_text(value: Any) -> None:
    out, issues = conform_one(STRING, value)
    assert out == json.dumps(value, separators=(",", ":"))
    assert json.loads(out) == value
    assert issues == []


def test_json_text_keeps_decimals_exact() -> None:
    value = {"amount": Decimal("12345678901234567890.123456789"), "n": 2}
    assert json_text(value) == '{"amount":12345678901234567890.123456789,"n":2}'


def test_a_string_only_field_of_items_and_of_any_of_branches() -> None:
    items = {"type": ["null", "array"], "items": STRING}
    out, _ = conform_one(items, [{"a": 1}, "b", [2]])
    assert out == ['{"a":1}', "b", "[2]"]
    any_of = {"anyOf": [{"type": "integer"}, STRING]}
    out, issues = conform_one(any_of, {"type": "team", "id": "7"})
    assert out == '{"type":"team","id":"7"}'
    assert issues == []


def test_fields_that_take_the_container_keep_it() -> None:
    object_or_string = {"type": ["null", "object", "string"]}
    value = {"type": "admin", "id": "1"}
    assert conform_one(object_or_string, value)[0] == value
    assert conform_one(object_or_string, "text")[0] == "text"
    array_or_string = {"type": ["array", "string"]}
    assert conform_one(array_or_string, [1, 2])[0] == [1, 2]


def test_an_array_in_a_string_or_object_field_is_text_and_vice_versa() -> None:
    object_schema = {"type": ["null", "object", "string"], "properties": {"id": STRING}}
    assert conform_one(object_schema, [1])[0] == "[1]"
    array_schema = {"type": ["null", "array", "string"], "items": STRING}
    assert conform_one(array_schema, {"a": 1})[0] == '{"a":1}'


def test_fields_that_take_no_strings_still_reject_containers() -> None:
    for schema in ({"type": ["null", "integer"]}, {"type": ["null", "boolean", "number"]}):
        out, issues = conform_one(schema, {"a": 1})
        assert out is None
        assert issues == [("mismatch", "v")]


def test_a_date_time_field_does_not_take_json_text() -> None:
    out, issues = conform_one({"type": ["null", "string"], "format": "date-time"}, {"a": 1})
    assert out is None
    assert issues == [("mismatch", "v")]
