"""Unit and property tests for tap_intercom.conformer and tap_intercom.records."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator, FormatChecker

from tap_intercom.conformer import compile_conformer
from tap_intercom.dates import format_datetime, parse_datetime
from tap_intercom.records import stitch_record_hash, unwrap_list

CANONICAL = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")

FORMAT_CHECKER = FormatChecker(formats=())


@FORMAT_CHECKER.checks("date-time", raises=ValueError)
def _is_canonical_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not CANONICAL.fullmatch(value):
        return False
    parse_datetime(value)
    return True


def validate(instance: object, schema: dict) -> None:
    Draft4Validator(schema, format_checker=FORMAT_CHECKER).validate(instance)


class Issues:
    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def __call__(self, kind: str, path: str) -> None:
        self.items.append((kind, path))


def nullable(*types: str, **extra: Any) -> dict:
    return {"type": ["null", *types], **extra}


DT = nullable("string", format="date-time")


# ------------------------------------------------------------------ objects and pruning

COMPANY_SCHEMA = {
    "type": ["null", "object"],
    "properties": {
        "id": nullable("string"),
        "name": nullable("string"),
        "user_count": nullable("integer"),
        "monthly_spend": nullable("number"),
        "updated_at": DT,
        "plan": {
            "type": ["null", "object"],
            "properties": {"id": nullable("string"), "name": nullable("string")},
        },
        # Stitch's catalog shape for denested lists
        "segments": {
            "anyOf": [
                {
                    "type": "array",
                    "items": {"type": ["null", "object"], "properties": {"id": nullable("string")}},
                },
                {"type": "null"},
            ]
        },
        "custom_attributes": {"type": ["null", "object"]},
        "tags": nullable("array", items=nullable("object", properties={"id": nullable("string")})),
    },
}


def test_prunes_unknown_keys_at_every_depth_and_reports_once() -> None:
    issues = Issues()
    conform = compile_conformer(COMPANY_SCHEMA, on_issue=issues)
    record = {
        "id": "c1",
        "surprise": 1,
        "plan": {"id": "p", "name": "Pro", "price": 10},
        "segments": [{"id": "s1", "extra": True}, {"id": "s2", "extra": False}],
        "tags": [{"id": "t1", "name": "vip"}],
    }
    assert conform(record) == {
        "id": "c1",
        "plan": {"id": "p", "name": "Pro"},
        "segments": [{"id": "s1"}, {"id": "s2"}],
        "tags": [{"id": "t1"}],
    }
    assert sorted(issues.items) == [
        ("dropped", "plan.price"),
        ("dropped", "segments[].extra"),
        ("dropped", "surprise"),
        ("dropped", "tags[].name"),
    ]
    conform(record)  # the same paths again: not reported twice
    assert len(issues.items) == 4


def test_object_without_properties_passes_through() -> None:
    custom = {"anything": {"nested": [1, "x"]}, "n": 1}
    out = compile_conformer(COMPANY_SCHEMA)({"custom_attributes": custom})
    assert out["custom_attributes"] == custom
    assert out["custom_attributes"] is custom


def test_additional_properties_true_keeps_unknown_keys() -> None:
    schema = nullable(
        "object",
        properties={"ca": nullable("object", additionalProperties=True, properties={"n": DT})},
    )
    issues = Issues()
    out = compile_conformer(schema, on_issue=issues)(
        {"ca": {"n": 946684800, "free": {"x": [1]}, "other": "v"}}
    )
    assert out == {"ca": {"n": "2000-01-01T00:00:00.000000Z", "free": {"x": [1]}, "other": "v"}}
    assert issues.items == []


def test_additional_properties_schema_conforms_unknown_keys() -> None:
    schema = nullable("object", properties={}, additionalProperties=nullable("integer"))
    assert compile_conformer(schema)({"a": "5", "b": 2}) == {"a": 5, "b": 2}


def test_additional_properties_false_drops() -> None:
    schema = nullable("object", properties={"a": nullable("string")}, additionalProperties=False)
    assert compile_conformer(schema)({"a": "x", "b": 2}) == {"a": "x"}


def test_untyped_schema_with_properties_still_prunes() -> None:
    schema = {"properties": {"a": {"properties": {"b": nullable("integer")}}}}
    assert compile_conformer(schema)({"a": {"b": "3", "c": 1}, "z": 0}) == {"a": {"b": 3}}
    assert compile_conformer(schema)({"a": "scalar"}) == {"a": "scalar"}


def test_returns_new_record_and_does_not_mutate_input() -> None:
    record = {
        "id": 7,
        "plan": {"id": 1, "x": 2},
        "segments": [{"id": 3, "y": 4}],
        "updated_at": 946684800,
    }
    original = copy.deepcopy(record)
    out = compile_conformer(COMPANY_SCHEMA)(record)
    assert record == original
    assert out is not record
    assert out["plan"] is not record["plan"]
    assert out["segments"] is not record["segments"]
    # an untyped root schema still returns a new dict
    assert compile_conformer({})(record) is not record
    assert compile_conformer({})(record) == record


def test_declared_keys_never_dropped_even_when_invalid() -> None:
    issues = Issues()
    out = compile_conformer(COMPANY_SCHEMA, on_issue=issues)(
        {"monthly_spend": {"not": 1}, "user_count": "many", "updated_at": "soon", "plan": 5}
    )
    assert out == {"monthly_spend": None, "user_count": None, "updated_at": None, "plan": None}
    assert sorted(issues.items) == [  # (within a record, reported in the schema's key order)
        ("invalid", "updated_at"),
        ("mismatch", "monthly_spend"),
        ("mismatch", "plan"),
        ("mismatch", "user_count"),
    ]


def test_missing_keys_are_not_added() -> None:
    assert compile_conformer(COMPANY_SCHEMA)({"id": "x"}) == {"id": "x"}


# ------------------------------------------------------------------ anyOf / oneOf


@pytest.mark.parametrize("keyword", ["anyOf", "oneOf"])
def test_any_of_picks_branch_by_json_type(keyword: str) -> None:
    schema = nullable(
        "object",
        properties={
            "v": {
                keyword: [
                    {"type": "array", "items": nullable("object", properties={"id": DT})},
                    {"type": "object", "properties": {"k": {"type": "integer"}}},
                    {"type": "string", "format": "date-time"},
                    {"type": "null"},
                ]
            }
        },
    )
    conform = compile_conformer(schema)
    assert conform({"v": [{"id": 0, "x": 1}]}) == {"v": [{"id": "1970-01-01T00:00:00.000000Z"}]}
    assert conform({"v": {"k": "4", "x": 1}}) == {"v": {"k": 4}}
    assert conform({"v": "2021-01-01"}) == {"v": "2021-01-01T00:00:00.000000Z"}
    assert conform({"v": None}) == {"v": None}
    # no branch has type integer: the first branch that can take it (date-time) wins
    assert conform({"v": 946684800}) == {"v": "2000-01-01T00:00:00.000000Z"}


def test_any_of_coercion_falls_through_branches_in_order() -> None:
    schema = nullable(
        "object", properties={"v": {"anyOf": [{"type": "integer"}, {"type": "string"}]}}
    )
    conform = compile_conformer(schema)
    assert conform({"v": 2.0}) == {"v": 2}
    assert conform({"v": 2.5}) == {"v": "2.5"}
    assert conform({"v": True}) == {"v": "true"}
    issues = Issues()
    assert compile_conformer(schema, on_issue=issues)({"v": None, "w": 1}) == {"v": None}
    assert issues.items == [("mismatch", "v"), ("dropped", "w")]


def test_any_of_integer_value_uses_number_branch() -> None:
    schema = {"anyOf": [{"type": "null"}, {"type": "number"}]}
    assert compile_conformer(nullable("object", properties={"v": schema}))({"v": 3}) == {"v": 3}


def test_any_of_prefers_a_branch_the_value_already_satisfies() -> None:
    schema = nullable(
        "object",
        properties={
            "v": {
                "anyOf": [
                    nullable("integer", "string", format="date-time"),
                    nullable("number"),
                ]
            },
            "w": {
                "anyOf": [
                    {"type": "array", "items": nullable("integer")},
                    {"type": "array", "items": nullable("string")},
                ]
            },
        },
    )
    conform = compile_conformer(schema)
    assert conform({"v": 0, "w": ["a", ""]}) == {"v": 0, "w": ["a", ""]}
    assert conform({"v": "0", "w": [1, "2"]}) == {
        "v": "1970-01-01T00:00:00.000000Z",
        "w": [1, 2],  # valid under neither branch: the first one is used
    }


def test_any_of_of_untyped_branches_passes_through() -> None:
    schema = nullable("object", properties={"v": {"anyOf": [{}, {}]}})
    value = {"x": [1]}
    assert compile_conformer(schema)({"v": value})["v"] is value


def test_any_of_without_matching_branch_reports_mismatch() -> None:
    schema = nullable("object", properties={"v": {"anyOf": [{"type": "array"}, {"type": "null"}]}})
    issues = Issues()
    assert compile_conformer(schema, on_issue=issues)({"v": {"a": 1}}) == {"v": None}
    assert issues.items == [("mismatch", "v")]


# ------------------------------------------------------------------ date-time


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (946684800, "2000-01-01T00:00:00.000000Z"),
        (-1, "1969-12-31T23:59:59.000000Z"),
        (1640760200000, "2021-12-29T06:43:20.000000Z"),
        (1.5, "1970-01-01T00:00:01.500000Z"),
        (Decimal("946684800.25"), "2000-01-01T00:00:00.250000Z"),
        ("946684800", "2000-01-01T00:00:00.000000Z"),
        ("2021-01-01T10:00:00-05:00", "2021-01-01T15:00:00.000000Z"),
        ("2021-01-01T10:00:00.000000Z", "2021-01-01T10:00:00.000000Z"),
        (None, None),
        ("", None),
    ],
)
def test_datetime_values(value: object, expected: str | None) -> None:
    issues = Issues()
    out = compile_conformer(COMPANY_SCHEMA, on_issue=issues)({"updated_at": value})
    assert out == {"updated_at": expected}
    assert issues.items == []


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("not a date", "invalid"),
        (10**20, "invalid"),
        (float("nan"), "invalid"),
        ("2021-02-30T00:00:00Z", "invalid"),
        (True, "mismatch"),
        ({"a": 1}, "mismatch"),
        ([946684800], "mismatch"),
    ],
)
def test_bad_datetime_values_become_none(value: object, kind: str) -> None:
    issues = Issues()
    out = compile_conformer(COMPANY_SCHEMA, on_issue=issues)({"updated_at": value})
    assert out == {"updated_at": None}
    assert issues.items == [(kind, "updated_at")]


def test_datetime_inside_arrays_and_multi_type_fields() -> None:
    schema = nullable(
        "object",
        properties={
            "tags": nullable("array", items=nullable("object", properties={"applied_at": DT})),
            "ca": nullable("integer", "string", format="date-time"),
        },
    )
    out = compile_conformer(schema)({"tags": [{"applied_at": 0}, {"applied_at": None}], "ca": 5})
    assert out == {
        "tags": [{"applied_at": "1970-01-01T00:00:00.000000Z"}, {"applied_at": None}],
        "ca": "1970-01-01T00:00:05.000000Z",
    }


def test_nested_and_listed_epochs_take_every_path_the_top_level_takes() -> None:
    """Epoch ints inside objects and arrays (converted without the type dispatch) give what a
    top-level field gives, and a failure among them is still reported at its own path."""
    schema = nullable(
        "object",
        properties={
            "parts": nullable(
                "array",
                items=nullable(
                    "object", properties={"at": DT, "seen": nullable("array", items=DT)}
                ),
            ),
        },
    )
    issues = Issues()
    record = {"parts": [{"at": 1640760200000, "seen": [-1, 10**20, 0, "0"]}, {"at": 10**20}]}
    out = compile_conformer(schema, on_issue=issues)(record)
    assert out == {
        "parts": [
            {
                "at": "2021-12-29T06:43:20.000000Z",
                "seen": [
                    "1969-12-31T23:59:59.000000Z",
                    None,
                    "1970-01-01T00:00:00.000000Z",
                    "1970-01-01T00:00:00.000000Z",
                ],
            },
            {"at": None},
        ]
    }
    assert issues.items == [("invalid", "parts[].seen[]"), ("invalid", "parts[].at")]


def test_datetime_without_string_type_is_not_converted() -> None:
    schema = nullable("object", properties={"v": nullable("integer", format="date-time")})
    assert compile_conformer(schema)({"v": 946684800}) == {"v": 946684800}


# ------------------------------------------------------------------ scalar coercion

STR, INT, NUM, BOOL = "string", "integer", "number", "boolean"


@pytest.mark.parametrize(
    ("types", "value", "expected"),
    [
        # already the right type: kept
        ([STR], "x", "x"),
        ([INT], 5, 5),
        ([NUM], 5, 5),
        ([NUM], 1.5, 1.5),
        ([NUM], Decimal("1.50"), Decimal("1.50")),
        ([BOOL], False, False),
        ([INT, STR], "abc", "abc"),
        ([INT, STR], 7, 7),
        # -> string
        ([STR], 5, "5"),
        ([STR], 1.5, "1.5"),
        ([STR], Decimal("1.50"), "1.50"),
        ([STR], True, "true"),
        ([STR], False, "false"),
        ([STR], "", ""),
        # -> integer
        ([INT], "12", 12),
        ([INT], " -12 ", -12),
        ([INT], "12.0", 12),
        ([INT], "1e3", 1000),
        ([INT], 3.0, 3),
        ([INT], Decimal("4.00"), 4),
        ([INT], "", None),
        # -> number
        ([NUM], "12", 12),
        ([NUM], "1.50", Decimal("1.50")),
        ([NUM], "-.5", Decimal("-0.5")),
        ([NUM], "2E2", Decimal("2E+2")),
        # -> boolean
        ([BOOL], "true", True),
        ([BOOL], "FALSE", False),
        ([BOOL], " True ", True),
        # declared order decides between coercions
        ([INT, STR], 2.5, "2.5"),
        ([STR, INT], 2.0, "2.0"),
        ([INT, STR], 2.0, 2),
        ([BOOL, INT], "1", 1),
        # None stays None
        ([STR], None, None),
        ([INT], None, None),
    ],
)
def test_scalar_coercion(types: list[str], value: object, expected: object) -> None:
    issues = Issues()
    schema = nullable("object", properties={"v": nullable(*types)})
    out = compile_conformer(schema, on_issue=issues)({"v": value})
    assert out == {"v": expected}
    assert type(out["v"]) is type(expected)
    assert issues.items == []


@pytest.mark.parametrize(
    ("types", "value"),
    [
        ([INT], 2.5),
        ([INT], "2.5"),
        ([INT], "twelve"),
        ([INT], True),
        ([INT], "1,000"),
        ([INT], float("inf")),
        ([INT], Decimal("NaN")),
        ([INT], "9" * 5000),
        ([INT], "1e99999"),
        ([INT], "1e9999999999999999999"),  # beyond what Decimal can hold: must not raise
        ([NUM], True),
        ([NUM], "NaN"),
        ([NUM], float("nan")),
        ([NUM], Decimal("Infinity")),
        ([NUM], "1_000"),
        ([NUM], "1e9999999999999999999"),
        ([BOOL], 1),
        ([BOOL], "yes"),
        ([BOOL], "t"),
        ([INT, NUM, BOOL], "abc"),
        (["object"], "x"),
        (["array"], {"a": 1}),
    ],
)
def test_uncoercible_values_become_none(types: list[str], value: object) -> None:
    issues = Issues()
    schema = nullable("object", properties={"v": nullable(*types)})
    assert compile_conformer(schema, on_issue=issues)({"v": value}) == {"v": None}
    assert issues.items == [("mismatch", "v")]


def test_none_in_non_nullable_field_is_reported() -> None:
    issues = Issues()
    schema = {"type": "object", "properties": {"v": {"type": "string"}}}
    assert compile_conformer(schema, on_issue=issues)({"v": None}) == {"v": None}
    assert issues.items == [("mismatch", "v")]


def test_single_type_string_and_unknown_types() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "weird"}, "c": {"$ref": "#/x"}},
    }
    assert compile_conformer(schema)({"a": "1", "b": [1], "c": {"z": 1}}) == {
        "a": 1,
        "b": [1],
        "c": {"z": 1},
    }


def test_no_callback_means_silent() -> None:
    assert compile_conformer(COMPANY_SCHEMA)({"user_count": "x", "junk": 1}) == {"user_count": None}


# ------------------------------------------------------------------ unwrap_list


def test_unwrap_list() -> None:
    tags = [{"id": "1"}]
    assert unwrap_list({"type": "tag.list", "tags": tags}, "tags") is tags
    data = [{"id": "c"}]
    wrapper = {"type": "list", "data": data, "url": "/x", "total_count": 1, "has_more": False}
    assert unwrap_list(wrapper, "data") is data
    assert unwrap_list(None, "tags") is None
    assert unwrap_list(tags, "tags") is tags
    assert unwrap_list([], "tags") == []
    assert unwrap_list({"type": "tag.list"}, "tags") is None
    assert unwrap_list({"type": "tag.list", "tags": None}, "tags") is None


@pytest.mark.parametrize("value", ["x", 5, {"tags": {"id": 1}}])
def test_unwrap_list_passes_malformed_shapes_through(value: object) -> None:
    """Never raises (a sync must not stop on one odd record); conformance nulls it instead."""
    assert unwrap_list(value, "tags") is value
    schema = {
        "type": "object",
        "properties": {"tags": {"type": ["null", "array"], "items": {"type": "object"}}},
    }
    issues: list[tuple[str, str]] = []
    out = compile_conformer(schema, on_issue=lambda k, p: issues.append((k, p)))(
        {"tags": unwrap_list(value, "tags")}
    )
    assert out == {"tags": None}
    assert issues and issues[0][0] == "mismatch"


# ------------------------------------------------------------------ stitch_record_hash

# Known answers obtained by running Stitch's tap-intercom 2.2.5 (generate_record_hash)
# on these inputs.
STITCH_HASHES = [
    (
        {"name": "name", "description": "d"},
        "a157d36a739191c1826419da5c87aedf3dd0cd6828565ada2a38a6b68ed741e5",
    ),
    ({"id": 5, "name": "c"}, "f4df435df41a53e0ed8d0e16397d0287705803e94328316ef5b5ca97a9820e67"),
    ({}, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    (
        {"id": None, "name": None, "description": None},
        "d5c4d2ebc764345f4f62e3771c29189ea66e844ba6871968607858027e4c4fb0",
    ),
    (
        {"id": "123", "name": "The One Ring", "description": "Ünïcødé ✓"},
        "0f721dc1d57a8fc0701fbd5a086fc741df996e14dec51204c058a68874b2e7d4",
    ),
    (
        {"id": 12345678, "name": "paid_subscriber", "description": "", "label": "x"},
        "12a02db336d757d6f4a9bfba36055964f0df067d18a808adb4ae538eb0d1f64b",
    ),
    (
        {"name": "email", "description": "The email of a user", "full_name": "email"},
        "19f063141ab789e121afdc6e9aad359ab7c5ec4f5fb78104dd71457c5fea8099",
    ),
    (
        {"id": 1.5, "name": True, "description": ["a"]},
        "6279c3e74e5045294e59b714e60f14613579ed509728be66bc1d68d02e0452cd",
    ),
]


@pytest.mark.parametrize(("record", "expected"), STITCH_HASHES)
def test_stitch_record_hash_known_answers(record: dict, expected: str) -> None:
    original = copy.deepcopy(record)
    assert stitch_record_hash(record) == expected
    assert record == original


def test_stitch_record_hash_missing_vs_none_differ() -> None:
    assert stitch_record_hash({"id": None}) != stitch_record_hash({})
    assert stitch_record_hash({"id": "5"}) == stitch_record_hash({"id": 5})


# ------------------------------------------------------------------ properties

KEYS = st.sampled_from(["id", "name", "a", "b.c", "with space", "updated_at"])


def _object(properties: dict, additional: bool) -> dict:
    schema: dict[str, Any] = {"type": ["null", "object"], "properties": properties}
    if additional:
        schema["additionalProperties"] = True
    return schema


SCALAR_SCHEMAS = st.one_of(
    st.lists(st.sampled_from([STR, INT, NUM, BOOL]), min_size=1, max_size=3, unique=True).map(
        lambda types: {"type": ["null", *types]}
    ),
    st.just(DT),
    st.just(nullable("integer", "string", format="date-time")),
    st.just({}),
    st.just({"type": ["null", "object"]}),
)

SCHEMAS = st.recursive(
    SCALAR_SCHEMAS,
    lambda children: st.one_of(
        st.builds(_object, st.dictionaries(KEYS, children, max_size=4), st.booleans()),
        children.map(lambda item: {"type": ["null", "array"], "items": item}),
        children.map(lambda item: {"anyOf": [{"type": "array", "items": item}, {"type": "null"}]}),
        st.tuples(children, children).map(lambda pair: {"anyOf": [*pair, {"type": "null"}]}),
    ),
    max_leaves=10,
)

ROOT_SCHEMAS = st.builds(
    _object, st.dictionaries(KEYS, SCHEMAS, min_size=1, max_size=5), st.booleans()
)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**12), max_value=10**15),
    st.floats(allow_nan=False),
    st.decimals(allow_nan=False, places=3),
    st.text(max_size=8),
    st.integers().map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
    st.sampled_from(
        ["true", "FALSE", "", " 1 ", "1e3", "2021-01-01T10:00:00+02:00", "2021-02-30", "NaN"]
    ),
)

VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.one_of(KEYS, st.text(max_size=4)), children, max_size=4),
    ),
    max_leaves=12,
)

RECORDS = st.dictionaries(st.one_of(KEYS, st.text(max_size=4)), VALUES, max_size=8)


def _strict(schema: Any) -> Any:
    """``schema`` with ``additionalProperties: false`` wherever properties are declared and
    extra keys are not explicitly allowed -- the conformer's pruning contract."""
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    strict = {key: _strict(value) for key, value in schema.items()}
    if "properties" in schema:
        strict["properties"] = {k: _strict(v) for k, v in schema["properties"].items()}
        strict.setdefault("additionalProperties", False)
    return strict


def _assert_declared_keys_kept(value: object, output: object, schema: dict) -> None:
    """Declared keys present in an input object are present in the output object."""
    if not isinstance(value, dict) or not isinstance(output, dict) or "anyOf" in schema:
        return  # (anyOf: the branch was chosen by the conformer; validity is checked elsewhere)
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        assert output == value  # no properties: passed through
        return
    for key, subschema in properties.items():
        if key in value:
            assert key in output, key
            _assert_declared_keys_kept(value[key], output[key], subschema)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ROOT_SCHEMAS, RECORDS)
def test_output_always_validates_and_keeps_declared_keys(schema: dict, record: dict) -> None:
    original = copy.deepcopy(record)
    issues = Issues()
    out = compile_conformer(schema, on_issue=issues)(record)
    validate(out, _strict(schema))
    assert record == original
    _assert_declared_keys_kept(record, out, schema)
    assert {kind for kind, _ in issues.items} <= {"dropped", "invalid", "mismatch"}
    # idempotent: conforming the output changes nothing and reports nothing
    again = Issues()
    assert compile_conformer(schema, on_issue=again)(out) == out
    assert again.items == []


def _valid_value(schema: dict) -> st.SearchStrategy[Any]:
    """Values that already satisfy ``schema`` (date-times in canonical form)."""
    if "anyOf" in schema:
        return st.one_of([_valid_value(branch) for branch in schema["anyOf"]])
    types = schema.get("type")
    if types is None:
        return VALUES
    if isinstance(types, str):
        types = [types]
    is_datetime = "string" in types and schema.get("format") == "date-time"
    if is_datetime:  # numbers in a date-time field are converted, by design
        types = [typ for typ in types if typ not in ("integer", "number")]
    options: list[st.SearchStrategy[Any]] = []
    for typ in types:
        if typ == "null":
            options.append(st.none())
        elif typ == "string" and is_datetime:
            options.append(st.datetimes().map(format_datetime))
        elif typ == "string":
            options.append(st.text(max_size=8))
        elif typ == "integer":
            options.append(st.integers())
        elif typ == "number":
            options.append(st.integers() | st.floats(allow_nan=False, allow_infinity=False))
        elif typ == "boolean":
            options.append(st.booleans())
        elif typ == "array":
            options.append(st.lists(_valid_value(schema.get("items", {})), max_size=3))
        elif typ == "object":
            properties = schema.get("properties")
            if properties is None:
                options.append(st.dictionaries(st.text(max_size=4), VALUES, max_size=3))
            else:
                options.append(
                    st.fixed_dictionaries(
                        {}, optional={k: _valid_value(v) for k, v in properties.items()}
                    )
                )
    return st.one_of(options)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_valid_records_are_a_fixed_point(data: st.DataObject) -> None:
    schema = data.draw(ROOT_SCHEMAS)
    record = data.draw(_valid_value(schema).filter(lambda v: v is not None))
    validate(record, schema)
    issues = Issues()
    assert compile_conformer(schema, on_issue=issues)(record) == record
    assert issues.items == []
