"""`tap_intercom.ticket_attributes`: the `ticket_attributes` schema from ticket types."""

from __future__ import annotations

from tap_intercom.ticket_attributes import attributes_of_type, ticket_attributes_schema


def _type(*attributes: tuple[str, str], key: str = "data") -> dict:
    return {
        "type": "ticket_type",
        "ticket_type_attributes": {
            "type": "list",
            key: [{"name": n, "data_type": d} for n, d in attributes],
        },
    }


def test_attributes_from_either_spelling_of_the_list():
    assert attributes_of_type(_type(("a", "string")))[0]["name"] == "a"
    assert (
        attributes_of_type(_type(("b", "integer"), key="ticket_type_attributes"))[0]["name"] == "b"
    )
    assert attributes_of_type({"ticket_type_attributes": [{"name": "c"}, "x"]}) == [{"name": "c"}]
    assert attributes_of_type({}) == [] == attributes_of_type({"ticket_type_attributes": "?"})


def test_each_data_type_is_typed():
    schema = ticket_attributes_schema(
        [
            _type(
                ("title", "string"),
                ("hours", "decimal"),
                ("points", "integer"),
                ("urgent", "boolean"),
                ("due", "datetime"),
                ("tier", "list"),
                ("files", "files"),
            )
        ]
    )
    assert schema["additionalProperties"] is True
    assert schema["properties"] == {
        "due": {"type": ["null", "string"], "format": "date-time"},
        "files": {},
        "hours": {"type": ["null", "number"]},
        "points": {"type": ["null", "integer"]},
        "tier": {},
        "title": {"type": ["null", "string"]},
        "urgent": {"type": ["null", "boolean"]},
    }


def test_a_name_typed_differently_by_two_types_accepts_anything():
    schema = ticket_attributes_schema([_type(("x", "integer")), _type(("x", "string"))])
    assert schema["properties"]["x"] == {}
    same = ticket_attributes_schema([_type(("y", "boolean")), _type(("y", "boolean"))])
    assert same["properties"]["y"] == {"type": ["null", "boolean"]}


def test_unusable_entries_are_ignored():
    schema = ticket_attributes_schema(["x", {"ticket_type_attributes": {"data": [{"name": ""}]}}])
    assert schema["properties"] == {}
