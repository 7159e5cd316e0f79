"""Tests for tap_intercom.custom_attributes."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from tap_intercom.conformer import compile_conformer
from tap_intercom.custom_attributes import custom_attribute_subschema, custom_attributes_schema


def attribute(name: str, data_type: str, **extra: object) -> dict:
    return {
        "type": "data_attribute",
        "name": name,
        "full_name": f"custom_attributes.{name}",
        "data_type": data_type,
        "custom": True,
        "archived": False,
        "model": "contact",
        **extra,
    }


# A slice of a realistic /data_attributes?model=contact answer.
CONTACT_ATTRIBUTES = [
    {
        "type": "data_attribute",
        "name": "email",
        "full_name": "email",
        "data_type": "string",
        "custom": False,
        "model": "contact",
    },
    {
        "type": "data_attribute",
        "name": "name",
        "full_name": "location.city",
        "data_type": "string",
        "custom": False,
        "model": "contact",
    },
    attribute("paid_subscriber", "boolean", id=1),
    attribute("monthly_spend", "float", id=2),
    attribute("team_mates", "integer", id=3),
    attribute("The One Ring", "string", id=4),
    attribute("plan.tier", "options", id=5, options=["a", "b"]),
    attribute("trial_ends", "date", id=6),
    attribute("last_order_at", "datetime", id=7),
    attribute("old_field", "string", id=8, archived=True),
    attribute("order", "relationship", id=9),
    attribute("docs", "files", id=10),
    attribute("tags_list", "list", id=11),
]

EXPECTED = {
    "type": ["null", "object"],
    "additionalProperties": True,
    "properties": {
        "The One Ring": {"type": ["null", "string"]},
        "docs": {},
        "last_order_at": {"type": ["null", "string"], "format": "date-time"},
        "monthly_spend": {"type": ["null", "number"]},
        "old_field": {"type": ["null", "string"]},
        "order": {},
        "paid_subscriber": {"type": ["null", "boolean"]},
        "plan.tier": {},
        "tags_list": {},
        "team_mates": {"type": ["null", "integer"]},
        "trial_ends": {"type": ["null", "string"], "format": "date-time"},
    },
}


def test_contact_schema() -> None:
    original = copy.deepcopy(CONTACT_ATTRIBUTES)
    schema = custom_attributes_schema(CONTACT_ATTRIBUTES, "contact")
    assert schema == EXPECTED
    assert list(schema["properties"]) == sorted(EXPECTED["properties"])
    assert json.dumps(schema) == json.dumps(EXPECTED)  # ordering is deterministic
    assert original == CONTACT_ATTRIBUTES
    Draft4Validator.check_schema(schema)


def test_order_of_input_does_not_matter() -> None:
    forward = custom_attributes_schema(CONTACT_ATTRIBUTES, "contact")
    backward = custom_attributes_schema(list(reversed(CONTACT_ATTRIBUTES)), "contact")
    assert json.dumps(forward) == json.dumps(backward)


def test_accepts_a_generator() -> None:
    schema = custom_attributes_schema((a for a in CONTACT_ATTRIBUTES), "contact")
    assert schema == EXPECTED


@pytest.mark.parametrize(
    "candidate",
    [
        attribute("x", "string", custom=False),
        attribute("x", "string", custom="true"),
        attribute("x", "string", full_name="x"),
        attribute("x", "string", full_name="plan.x"),
        attribute("x", "string", full_name=None),
        attribute("", "string"),
        attribute("x", "string", model="company"),
        {"custom": True, "full_name": "custom_attributes.x"},  # no name
        "not a dict",
    ],
)
def test_ignored_attributes(candidate: object) -> None:
    schema = custom_attributes_schema([candidate], "contact")  # type: ignore[list-item]
    assert schema["properties"] == {}


def test_attribute_without_model_is_used() -> None:
    candidate = attribute("x", "integer")
    del candidate["model"]
    schema = custom_attributes_schema([candidate], "conversation")
    assert schema["properties"] == {"x": {"type": ["null", "integer"]}}


def test_conflicting_duplicates_widen_to_any() -> None:
    schema = custom_attributes_schema(
        [
            attribute("a", "string", archived=True),
            attribute("a", "integer"),
            attribute("b", "date"),
            attribute("b", "datetime"),
        ],
        "contact",
    )
    assert schema["properties"] == {
        "a": {},
        "b": {"type": ["null", "string"], "format": "date-time"},
    }


@pytest.mark.parametrize(
    ("data_type", "expected"),
    [
        ("string", {"type": ["null", "string"]}),
        ("integer", {"type": ["null", "integer"]}),
        ("float", {"type": ["null", "number"]}),
        ("boolean", {"type": ["null", "boolean"]}),
        ("date", {"type": ["null", "string"], "format": "date-time"}),
        ("datetime", {"type": ["null", "string"], "format": "date-time"}),
        ("DATE", {"type": ["null", "string"], "format": "date-time"}),
        ("options", {}),
        ("list", {}),
        ("relationship", {}),
        ("files", {}),
        ("decimal", {"type": ["null", "number"]}),
        (None, {}),
        (5, {}),
    ],
)
def test_subschema(data_type: object, expected: dict) -> None:
    assert custom_attribute_subschema(data_type) == expected


def test_subschemas_are_independent_copies() -> None:
    first = custom_attributes_schema([attribute("d", "date")], "contact")
    first["properties"]["d"]["type"].append("integer")
    second = custom_attributes_schema([attribute("d", "date")], "contact")
    assert second["properties"]["d"] == {"type": ["null", "string"], "format": "date-time"}


def test_schema_drives_the_conformer() -> None:
    """End to end with the compiled conformer: typed values are coerced, dates converted,
    unknown attributes kept."""
    schema = {
        "type": ["null", "object"],
        "properties": {
            "custom_attributes": custom_attributes_schema(CONTACT_ATTRIBUTES, "contact")
        },
    }
    record = {
        "custom_attributes": {
            "paid_subscriber": "true",
            "monthly_spend": 155.5,
            "team_mates": "9",
            "The One Ring": 1,
            "trial_ends": 946684800,
            "last_order_at": "2021-01-01T10:00:00+01:00",
            "order": {"type": "Order.list", "instances": []},
            "not_listed_yet": [1, 2],
        }
    }
    assert compile_conformer(schema)(record) == {
        "custom_attributes": {
            "paid_subscriber": True,
            "monthly_spend": 155.5,
            "team_mates": 9,
            "The One Ring": "1",
            "trial_ends": "2000-01-01T00:00:00.000000Z",
            "last_order_at": "2021-01-01T09:00:00.000000Z",
            "order": {"type": "Order.list", "instances": []},
            "not_listed_yet": [1, 2],
        }
    }


DATA_TYPES = st.sampled_from(
    ["string", "integer", "float", "boolean", "date", "datetime", "options", "list", "files"]
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.builds(
            attribute,
            st.text(min_size=1, max_size=12),
            DATA_TYPES,
            custom=st.booleans(),
            archived=st.booleans(),
            model=st.sampled_from(["contact", "company"]),
        ),
        max_size=12,
    )
)
def test_schema_properties(attributes: list[dict]) -> None:
    schema = custom_attributes_schema(attributes, "contact")
    Draft4Validator.check_schema(schema)
    assert schema["type"] == ["null", "object"]
    assert schema["additionalProperties"] is True
    expected_names = {
        a["name"] for a in attributes if a["custom"] is True and a["model"] == "contact"
    }
    assert set(schema["properties"]) == expected_names
    assert list(schema["properties"]) == sorted(expected_names)
    shuffled = custom_attributes_schema(list(reversed(attributes)), "contact")
    assert json.dumps(shuffled) == json.dumps(schema)
