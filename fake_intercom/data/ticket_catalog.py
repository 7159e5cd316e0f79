"""The workspace's ticket types (with their attributes) and ticket states, fixed per dataset.

Shapes as Intercom's descriptions and real workspaces send them: a ticket type's attributes
under ``ticket_type_attributes.data``; ``GET /ticket_states`` lists archived states too, each
with the ticket types that use it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fake_intercom.data.ids import WORKSPACE_ID

CATEGORIES = ("Customer", "Back-office", "Tracker")
STATE_CATEGORIES = ("submitted", "in_progress", "waiting_on_customer", "resolved")
TYPE_BASE = 1700
STATE_BASE = 7000
#: An archived state no ticket is in: listed by GET /ticket_states all the same.
ARCHIVED_STATE = STATE_BASE + len(STATE_CATEGORIES)
#: (name, data_type) of every ticket type's attributes, as a ticket's `ticket_attributes` holds
#: them; `data_type` is one of Intercom's ticket-type attribute types.
ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("_default_title_", "string"),
    ("_default_description_", "string"),
    ("Priority level", "list"),
    ("Estimated hours", "decimal"),
    ("Customer impacted", "boolean"),
    ("Components", "list"),
    ("Screenshot", "files"),
    ("Due date", "datetime"),
    ("Story points", "integer"),
)
CREATED = 1_700_000_000


def type_id(category: str) -> str:
    return str(TYPE_BASE + CATEGORIES.index(category))


def state_id(category: str) -> str:
    return str(STATE_BASE + STATE_CATEGORIES.index(category))


def _attribute(type_number: int, order: int, name: str, data_type: str) -> dict[str, Any]:
    return {
        "type": "ticket_type_attribute",
        "id": str(type_number * 100 + order),
        "workspace_id": WORKSPACE_ID,
        "name": name,
        "description": "",
        "data_type": data_type,
        "input_options": {"multiline": False} if data_type == "string" else None,
        "order": order,
        "required_to_create": False,
        "required_to_create_for_contacts": False,
        "visible_on_create": True,
        "visible_to_contacts": order < 2,
        "default": name.startswith("_default_"),
        "ticket_type_id": type_number,
        "archived": False,
        "created_at": CREATED,
        "updated_at": CREATED + order,
    }


def state(number: int) -> dict[str, Any]:
    """A ticket state as a ticket carries it (2.12+)."""
    if number == ARCHIVED_STATE:
        category, label = "in_progress", "Escalated"
    else:
        category = STATE_CATEGORIES[number - STATE_BASE]
        label = category.replace("_", " ").title()
    return {
        "type": "ticket_state",
        "id": str(number),
        "category": category,
        "internal_label": label,
        "external_label": label.lower(),
    }


@cache
def ticket_type(category: str, *, with_states: bool) -> dict[str, Any]:
    """A ticket type with its attributes (and, from 2.12, its states); one shared object per
    arguments, which every ticket of that type carries (callers must not modify it)."""
    number = TYPE_BASE + CATEGORIES.index(category)
    out: dict[str, Any] = {
        "type": "ticket_type",
        "id": str(number),
        "category": category,
        "name": f"{category} ticket",
        "description": f"A {category} ticket",
        "icon": "🎟️",
        "workspace_id": WORKSPACE_ID,
        "ticket_type_attributes": {
            "type": "list",
            "data": [
                _attribute(number, order, name, data_type)
                for order, (name, data_type) in enumerate(ATTRIBUTES)
            ],
        },
        "archived": False,
        "is_internal": category == "Back-office",
        "created_at": CREATED,
        "updated_at": CREATED,
    }
    if with_states:
        out["ticket_states"] = {
            "type": "list",
            "data": [state(STATE_BASE + k) for k in range(len(STATE_CATEGORIES))],
        }
    return out


def ticket_types(*, with_states: bool) -> list[dict[str, Any]]:
    return [ticket_type(category, with_states=with_states) for category in CATEGORIES]


def ticket_states() -> list[dict[str, Any]]:
    """GET /ticket_states: every state, archived included, with the types that use it."""
    summaries = [
        {
            "type": "ticket_type",
            "id": type_id(category),
            "name": f"{category} ticket",
            "description": f"A {category} ticket",
            "icon": "🎟️",
            "archived": False,
            "is_internal": category == "Back-office",
            "category": category,
        }
        for category in CATEGORIES
    ]
    out = []
    for number in range(STATE_BASE, ARCHIVED_STATE + 1):
        archived = number == ARCHIVED_STATE
        out.append(
            {
                **state(number),
                "archived": archived,
                "ticket_types": {"type": "list", "data": [] if archived else summaries},
            }
        )
    return out


def state_ids() -> list[str]:
    return [str(n) for n in range(STATE_BASE, ARCHIVED_STATE + 1)]


def type_ids() -> list[str]:
    return [type_id(c) for c in CATEGORIES]
