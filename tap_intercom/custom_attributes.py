"""JSON schema for a model's ``custom_attributes`` object, built from Intercom data attributes.

Intercom describes custom data attributes (CDAs) through ``GET /data_attributes?model=...``, and
from API version 2.16 on a conversation's through ``GET /conversations/attributes`` (objects of
type ``conversation_attribute``: all custom, keyed by ``name``, without ``full_name``).
Records carry their values under ``custom_attributes[<name>]`` (keyed by ``name``, which may
contain spaces and dots). The schema built here types the known attributes so that the
record conformer can coerce them (and turn date epochs into date-times), while
``additionalProperties: true`` keeps values of attributes the list does not (yet) mention.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["CUSTOM_ATTRIBUTES_PREFIX", "custom_attribute_subschema", "custom_attributes_schema"]

CUSTOM_ATTRIBUTES_PREFIX = "custom_attributes."

_DATETIME: dict[str, Any] = {"type": ["null", "string"], "format": "date-time"}
_BY_DATA_TYPE: dict[str, dict[str, Any]] = {
    "string": {"type": ["null", "string"]},
    "integer": {"type": ["null", "integer"]},
    "float": {"type": ["null", "number"]},
    "decimal": {"type": ["null", "number"]},
    "boolean": {"type": ["null", "boolean"]},
    # Contacts and companies send epoch seconds, conversations may send ISO strings; the
    # conformer turns both into date-time strings.
    "date": _DATETIME,
    "datetime": _DATETIME,
}


def custom_attribute_subschema(data_type: object) -> dict[str, Any]:
    """Schema of one custom attribute's value for an Intercom ``data_type``.

    Unknown types (``options``, ``list``, ``relationship``, ``files`` ...) accept anything.
    A fresh dict is returned each time, so callers may modify it.
    """
    if isinstance(data_type, str):
        return copy.deepcopy(_BY_DATA_TYPE.get(data_type.strip().lower(), {}))
    return {}


def _is_custom(attribute: Mapping[str, Any], model: str) -> bool:
    if attribute.get("type") == "conversation_attribute":
        name = attribute.get("name")
        return model == "conversation" and isinstance(name, str) and bool(name)
    if attribute.get("custom") is not True:
        return False
    full_name = attribute.get("full_name")
    if not isinstance(full_name, str) or not full_name.startswith(CUSTOM_ATTRIBUTES_PREFIX):
        return False
    name = attribute.get("name")
    if not isinstance(name, str) or not name:
        return False
    attribute_model = attribute.get("model")
    return attribute_model is None or attribute_model == model


def custom_attributes_schema(data_attributes: Iterable[Mapping[str, Any]], model: str) -> dict:
    """Build the ``custom_attributes`` schema for ``model`` (``contact``, ``company`` ...).

    Only attributes with ``custom: true`` and a ``full_name`` starting with
    ``custom_attributes.``, and conversation attributes, are used (archived ones too: records
    keep their values), keyed by ``name`` exactly as Intercom spells it. Attributes whose
    ``model`` is present and differs from ``model`` are ignored. If one name appears twice with
    different types, its schema widens to ``{}`` (any), so no value is ever rejected.
    Properties are sorted by name.
    """
    return typed_attributes_schema(
        (attribute["name"], attribute.get("data_type"))
        for attribute in data_attributes
        if isinstance(attribute, Mapping) and _is_custom(attribute, model)
    )


def typed_attributes_schema(named_types: Iterable[tuple[str, Any]]) -> dict:
    """An open object schema with one property per (name, Intercom data type), sorted by name;
    a name given two different types accepts anything (``{}``). Also ``ticket_attributes``'."""
    by_name: dict[str, dict[str, Any]] = {}
    for name, data_type in named_types:
        subschema = custom_attribute_subschema(data_type)
        previous = by_name.get(name)
        by_name[name] = subschema if previous is None or previous == subschema else {}
    return {
        "type": ["null", "object"],
        "additionalProperties": True,
        "properties": {name: by_name[name] for name in sorted(by_name)},
    }
