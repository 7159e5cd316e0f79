"""The unrolled object conformer against the general loop it stands in for (`object_conformer`)."""

from __future__ import annotations

import copy
import functools
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings

import tap_intercom.conformer as conformer_module
from tap_intercom.conformer import compile_conformer
from tap_intercom.object_conformer import MAX_UNROLLED_KEYS, object_conformer
from tests.unit.test_records import RECORDS, ROOT_SCHEMAS, Issues

UNROLLED_FILE = "<tap_intercom.object_conformer>"


def _both(schema: dict, record: dict) -> tuple[tuple[Any, list], tuple[Any, list]]:
    """(output, issues) of the conformer as it is, and with the general loop everywhere."""
    issues = Issues()
    unrolled = compile_conformer(schema, on_issue=issues)(copy.deepcopy(record))
    general_issues = Issues()
    general_loop = functools.partial(object_conformer, unroll=False)
    with mock.patch.object(conformer_module, "object_conformer", general_loop):
        general = compile_conformer(schema, on_issue=general_issues)(copy.deepcopy(record))
    return (unrolled, issues.items), (general, general_issues.items)


def _keys_in_order(value: Any) -> Any:
    """Every object's keys, in order, at every depth (== on dicts ignores order)."""
    if isinstance(value, dict):
        return [(key, _keys_in_order(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_keys_in_order(item) for item in value]
    return value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ROOT_SCHEMAS, RECORDS)
def test_unrolled_and_general_loop_give_the_same_output_and_issues(schema, record) -> None:
    (unrolled, issues), (general, general_issues) = _both(schema, record)
    assert unrolled == general
    assert _keys_in_order(unrolled) == _keys_in_order(general)
    assert sorted(issues) == sorted(general_issues)  # within a record: in schema order


NAMES = ["plan tier", "a.b", "def", "k0", "f0", "out", "value", "get", "missing", "'\"\\", ""]


def test_any_property_name_is_safe() -> None:
    schema = {
        "type": "object",
        "properties": {
            name: {"type": ["null", "string", "integer"], "format": "date-time"} for name in NAMES
        },
    }
    record = dict.fromkeys(reversed(NAMES), 0)
    (unrolled, issues), (general, _) = _both(schema, record)
    assert unrolled == general == dict.fromkeys(NAMES, "1970-01-01T00:00:00.000000Z")
    assert list(unrolled) == list(reversed(NAMES))  # the input's key order
    assert issues == []


def test_an_undeclared_key_takes_the_general_loop_and_is_reported() -> None:
    schema = {"type": "object", "properties": {"id": {"type": "string"}, "n": {"type": "integer"}}}
    issues = Issues()
    conform = compile_conformer(schema, on_issue=issues)
    assert conform({"id": "1", "n": "7"}) == {"id": "1", "n": 7}
    assert conform({"extra": 1, "id": "2", "n": 3}) == {"id": "2", "n": 3}
    assert issues.items == [("dropped", "extra")]


def test_kept_extra_keys_are_copied_and_declared_ones_conformed() -> None:
    schema = {
        "type": "object",
        "properties": {"at": {"type": ["null", "string"], "format": "date-time"}},
        "additionalProperties": True,
    }
    record = {"other": {"x": 1}, "at": 86400}
    out = compile_conformer(schema)(record)
    assert out == {"other": {"x": 1}, "at": "1970-01-02T00:00:00.000000Z"}
    assert record == {"other": {"x": 1}, "at": 86400}  # the input is not changed
    assert out is not record


def _conformer_of(properties: int):
    children = {f"p{i}": (frozenset({str}), str, None, None) for i in range(properties)}
    return object_conformer(
        children, keep_extra=False, extra_fn=None, prefix="", report_dropped=print
    )


@pytest.mark.parametrize(
    ("properties", "unrolled"), [(MAX_UNROLLED_KEYS, True), (MAX_UNROLLED_KEYS + 1, False)]
)
def test_very_wide_objects_keep_the_general_loop(properties: int, unrolled: bool) -> None:
    conform = _conformer_of(properties)
    assert (conform.__code__.co_filename == UNROLLED_FILE) is unrolled
    assert conform({"p0": 5, "p1": "x"}) == {"p0": "5", "p1": "x"}
