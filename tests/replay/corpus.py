"""The corpus of real Intercom response bodies, and what a replay of it serves at one version.

The bodies live in `shared/reference/real-responses/` beside the repository (CI has it; they
are not part of the project). Each file wraps one response body (or one object) with where it
came from and at which API version (`SOURCES.md` there lists them all).

A body is replayed at the supported versions it belongs to (`replay_versions`): a documentation
example at each supported version its description lists, a recording at the version it was
recorded with. `workspace` gathers what one replay serves: every object of every body of that
version, in the list of the stream that reads it, with ids made unique across bodies (the same
example admin appears in many bodies; the tap would rightly merge them). The corpus holds no
`GET /ticket_types` or `GET /ticket_states` body: the ticket types and states the tickets carry
inline (the same objects, per Intercom's descriptions) are served as those lists.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tap_intercom.api_versions import NEWEST, OLDEST, SUPPORTED

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "real-responses"
_VERSION_RE = re.compile(r"\b2\.\d+\b")

#: Object types of bodies that are not records of any stream the tap syncs, and why.
NOT_RECORDS = {
    "error": "an error body: no records",
    "me": "GET /me: the tap never calls it",
    "note_list": "a contact's notes list: the tap does not expand notes",
}
#: Recordings whose version the source did not record, and the version they are replayed at.
INFERRED_VERSIONS = {
    "2.2": ("2.11", "older than the oldest supported version"),
    "2.x (Airbyte": ("2.11", "its tickets have 2.11's string ticket_state"),
    "unknown 2.x (Nango": ("2.11", "Nango's later recordings say 2.11"),
    "unknown: no Intercom-Version": ("2.16", "the app's default; it carries 2.16's fields"),
}
#: Object type → (stream list it is served in, key of its objects; None: the body is one object).
SERVED_IN: dict[str, tuple[str, str | None]] = {
    "activity_log": ("activity_logs", None),
    "activity_log_list": ("activity_logs", "activity_logs"),
    "admin": ("admins", None),
    "admin_list": ("admins", "admins"),
    "article": ("articles", None),
    "article_list": ("articles", "data"),
    "collection": ("collections", None),
    "collection_list": ("collections", "data"),
    "company": ("companies", None),
    "company_list": ("companies", "data"),
    "company_scroll_page": ("companies", "data"),
    "contact_company_list": ("companies", "data"),
    "company_segment_list": ("company_segment_lists", None),
    "company_contact_list": ("contacts", "data"),
    "contact": ("contacts", None),
    "contact_list": ("contacts", "data"),
    "contact_search_page": ("contacts", "data"),
    "contact_tag_list": ("contact_tag_lists", None),
    "conversation": ("conversations", None),
    "conversation_list": ("conversations", "conversations"),
    "conversation_list_item": ("conversations", None),
    "conversation_search_page": ("conversations", "conversations"),
    "conversation_part": ("loose_parts", None),
    "conversation_attribute": ("conversation_attributes", None),
    "data_attribute": ("data_attributes", None),
    "data_attribute_list": ("data_attributes", "data"),
    "help_center": ("help_centers", None),
    "help_center_list": ("help_centers", "data"),
    "segment": ("segments", None),
    "segment_list": ("segments", "segments"),
    "tag": ("tags", None),
    "tag_list": ("tags", "data"),
    "team": ("teams", None),
    "team_list": ("teams", "teams"),
    "ticket": ("tickets", None),
    "ticket_search_page": ("tickets", "tickets"),
}
#: Served lists whose objects are looked up by id (so an id must name one object).
KEYED = (
    "admins",
    "companies",
    "contacts",
    "conversations",
    "tickets",
    "ticket_types",
    "ticket_states",
)


@dataclass(frozen=True)
class Body:
    """One file of the corpus."""

    name: str
    object_type: str
    api_version: str
    capture: str
    body: Any

    @property
    def real(self) -> bool:
        return self.capture.startswith("real-workspace")


def load_bodies() -> list[Body]:
    """Every body of the corpus; a clear error naming the folder when it is missing."""
    files = sorted(CORPUS.glob("*.json")) if CORPUS.is_dir() else []
    if not files:
        msg = (
            f"the real-response corpus is missing: expected *.json files in {CORPUS} "
            "(the shared/ reference folder beside the repository, as in CI)"
        )
        raise FileNotFoundError(msg)
    bodies = []
    for path in files:
        wrapped = json.loads(path.read_text(encoding="utf-8"))
        bodies.append(
            Body(
                path.name,
                wrapped["object_type"],
                wrapped["api_version"],
                wrapped["capture"],
                wrapped["body"],
            )
        )
    return bodies


def replay_versions(body: Body) -> tuple[str, ...]:
    """The supported versions a body is replayed at (see the module docstring)."""
    supported = {str(v) for v in SUPPORTED}
    for prefix, (version, _why) in INFERRED_VERSIONS.items():
        if body.api_version.startswith(prefix):
            return (version,)
    listed = set(_VERSION_RE.findall(body.api_version))
    versions = sorted(listed & supported, key=lambda v: int(v.split(".")[1]))
    if versions:
        return tuple(versions)
    if "2.10" in listed:
        return (str(OLDEST),)
    if "Preview" in body.api_version:
        return (str(NEWEST),)
    msg = f"{body.name}: no supported version for {body.api_version!r}"
    raise ValueError(msg)


@dataclass
class Workspace:
    """What one replay serves: objects by the list that serves them, with their body's name."""

    version: str
    served: dict[str, list[tuple[str, dict]]] = field(default_factory=dict)
    bodies: list[str] = field(default_factory=list)

    def objects(self, name: str) -> list[dict]:
        return [obj for _, obj in self.served.get(name, [])]

    def add(self, name: str, body: str, obj: dict) -> None:
        self.served.setdefault(name, []).append((body, obj))


def workspace(version: str, bodies: list[Body]) -> Workspace:
    """Everything the bodies of `version` hold, as one workspace (see the module docstring)."""
    space = Workspace(version)
    for body in bodies:
        if body.object_type in NOT_RECORDS or version not in replay_versions(body):
            continue
        space.bodies.append(body.name)
        name, key = SERVED_IN[body.object_type]
        objects = [body.body] if key is None else body.body.get(key) or []
        for obj in objects:
            space.add(name, body.name, json.loads(json.dumps(obj)))
    _carry_loose_parts(space)
    _carry_contact_tag_lists(space)
    _carry_ticket_types_and_states(space)
    for name in KEYED:
        _unique_ids(space.served.get(name, []))
    return space


def _carry_loose_parts(space: Workspace) -> None:
    """Parts stored without their conversation (connector output) arrive in a conversation of
    their own, as Intercom sends parts. The connector's `conversation_id` is not Intercom's."""
    for n, (body, part) in enumerate(space.served.pop("loose_parts", [])):
        part.pop("conversation_id", None)
        times = [part.get("created_at"), part.get("updated_at")]
        carrier = {
            "type": "conversation",
            "id": f"replay-carrier-{n}",
            "created_at": times[0],
            "updated_at": max((t for t in times if isinstance(t, int)), default=times[0]),
            "conversation_parts": {
                "type": "conversation_part.list",
                "conversation_parts": [part],
                "total_count": 1,
            },
        }
        space.add("part_carriers", body, carrier)
        space.add("conversations", body, carrier)


def _carry_contact_tag_lists(space: Workspace) -> None:
    """A contact's full tag list (`GET /contacts/{id}/tags`) arrives through a contact whose
    inline list says `has_more`, which is when the tap reads it."""
    for n, (body, listing) in enumerate(space.served.pop("contact_tag_lists", [])):
        contact_id = f"replay-carrier-{n}"
        tags = listing.get("data") or []
        carrier = {
            "type": "contact",
            "id": contact_id,
            "updated_at": max((t.get("applied_at") or 0 for t in tags), default=0) or None,
            "tags": {
                "type": "list",
                "data": [],
                "url": f"/contacts/{contact_id}/tags",
                "total_count": 1,
                "has_more": True,
            },
        }
        space.add("tag_carriers", body, {"carrier": carrier, "tags": tags})
        space.add("contacts", body, carrier)


def _carry_ticket_types_and_states(space: Workspace) -> None:
    """Every ticket's inline type, and its state where it is an object (2.12+), as the
    workspace's `GET /ticket_types` and `GET /ticket_states` lists."""
    for body, ticket in space.served.get("tickets", []):
        if isinstance(ticket.get("ticket_type"), dict):
            space.add("ticket_types", body, json.loads(json.dumps(ticket["ticket_type"])))
        if isinstance(ticket.get("ticket_state"), dict):
            space.add("ticket_states", body, json.loads(json.dumps(ticket["ticket_state"])))


def _unique_ids(entries: list[tuple[str, dict]]) -> None:
    """Give every repeated `id` a suffix, so each served object is its own record."""
    seen: dict[Any, int] = {}
    for _, obj in entries:
        key = obj.get("id")
        if key is None:
            continue
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            obj["id"] = f"{key}-{seen[key]}"
