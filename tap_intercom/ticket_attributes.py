"""JSON schema of a ticket's ``ticket_attributes``, typed from its ticket types' attributes.

``GET /ticket_types`` lists every ticket type with its attributes (``ticket_type_attributes``,
the list under ``data`` as Intercom sends it, or under ``ticket_type_attributes`` as its
descriptions spell it), each with a ``name`` (the key in ``ticket_attributes``) and a
``data_type`` (``string``, ``list``, ``integer``, ``decimal``, ``boolean``, ``datetime``,
``files``). Typed as custom attributes are (``custom_attributes.custom_attribute_subschema``):
datetimes become date-times, numbers numbers; ``list`` and ``files`` values pass as they are.
``additionalProperties: true`` keeps attributes created after discovery.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tap_intercom.custom_attributes import typed_attributes_schema


def attributes_of_type(ticket_type: Mapping[str, Any]) -> list[dict]:
    """A ticket type's attributes, from either spelling of the list."""
    listing = ticket_type.get("ticket_type_attributes")
    if isinstance(listing, list):
        items = listing
    elif isinstance(listing, Mapping):
        items = listing.get("data")
        if not isinstance(items, list):
            items = listing.get("ticket_type_attributes")
    else:
        items = None
    return [item for item in items or [] if isinstance(item, dict)]


def ticket_attributes_schema(ticket_types: Iterable[Mapping[str, Any]]) -> dict:
    """The ``ticket_attributes`` schema for every attribute of every ticket type (archived ones
    too: tickets keep their values). A name typed differently by two types accepts anything."""
    return typed_attributes_schema(
        (attribute["name"], attribute.get("data_type"))
        for ticket_type in ticket_types
        if isinstance(ticket_type, Mapping)
        for attribute in attributes_of_type(ticket_type)
        if isinstance(attribute.get("name"), str) and attribute["name"]
    )
