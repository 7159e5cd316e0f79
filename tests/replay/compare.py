"""What the tap should emit for a workspace's objects, and how an emitted record may differ.

`expected_records` turns the served objects into the records the tap should write, by the
reshapes the README documents (lists denested to bare arrays as Stitch does, avatars
normalised, parts carrying their conversation's or ticket's fields, a ticket's parts and contacts
as rows of their own); everything else must arrive as it came.
`differences` then compares one expected record with the emitted one, guided by the stream's
schema: every key of the body is kept, no value changes meaning (a number may arrive as the
same number written as text, or the other way round), and a date-time is the same instant
(epoch seconds, or milliseconds above 10^11, become `YYYY-MM-DDTHH:MM:SS.ffffffZ`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tap_intercom.api_versions import ApiVersion, ticket_states_endpoint

from .corpus import Workspace

UTC = dt.timezone.utc


def _unwrap(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) and isinstance(value.get(key), list) else value


def _company(company: dict) -> dict:
    return {
        **company,
        "segments": _unwrap(company.get("segments"), "segments"),
        "tags": _unwrap(company.get("tags"), "tags"),
    }


def _contact(contact: dict) -> dict:
    avatar = contact.get("avatar")
    return {
        **contact,
        "avatar": avatar.get("image_url") if isinstance(avatar, dict) else avatar,
        "tags": _unwrap(contact.get("tags"), "data"),
        "companies": _unwrap(contact.get("companies"), "data"),
    }


def _conversation(conversation: dict) -> dict:
    out = {k: v for k, v in conversation.items() if k != "conversation_parts"}
    out["tags"] = _unwrap(out.get("tags"), "tags")
    out["contacts"] = _unwrap(out.get("contacts"), "contacts")
    if isinstance(out.get("company"), dict):
        out["company"] = _company(out["company"])
    return out


def _parts(conversation: dict) -> list[dict]:
    listing = conversation.get("conversation_parts") or {}
    parts = listing.get("conversation_parts") or []
    total = listing.get("total_count")
    return [
        {
            **part,
            "id": None if part.get("id") is None else str(part["id"]),
            "conversation_id": str(conversation["id"]),
            "conversation_created_at": conversation.get("created_at"),
            "conversation_updated_at": conversation.get("updated_at"),
            "conversation_total_parts": total if isinstance(total, int) else len(parts),
        }
        for part in parts
    ]


def _ticket_parts(ticket: dict) -> list[dict]:
    listing = ticket.get("ticket_parts") or {}
    parts = listing.get("ticket_parts") or []
    total = listing.get("total_count")
    return [
        {
            **part,
            "id": None if part.get("id") is None else str(part["id"]),
            "ticket_id": str(ticket["id"]),
            "ticket_updated_at": ticket.get("updated_at"),
            "ticket_total_parts": total if isinstance(total, int) else len(parts),
        }
        for part in parts
    ]


def _ticket_contacts(ticket: dict) -> list[dict]:
    contacts = _unwrap(ticket.get("contacts"), "contacts") or []
    ids = dict.fromkeys(str(c["id"]) for c in contacts if c.get("id") is not None)
    return [
        {
            "ticket_id": str(ticket["id"]),
            "contact_id": cid,
            "ticket_updated_at": ticket["updated_at"],
        }
        for cid in ids
    ]


def _links(columns: tuple[str, str, str | None], parent: dict, entries: Any) -> list[dict]:
    """The bridge rows of one parent: one per distinct linked id, carrying the parent's
    `updated_at` under `columns[2]` (None: a full-table bridge without it)."""
    parent_key, link_key, version_key = columns
    if parent.get("id") is None or not isinstance(entries, list):
        return []
    linked = (e.get("id") if isinstance(e, dict) else e for e in entries)
    ids = dict.fromkeys(str(i) for i in linked if isinstance(i, (str, int)) and i is not True)
    rows = []
    for linked_id in ids:
        row = {parent_key: str(parent["id"]), link_key: linked_id}
        if version_key is not None:
            row[version_key] = parent.get("updated_at")
        rows.append(row)
    return rows


def _teammates(conversation: dict) -> Any:
    teammates = conversation.get("teammates")
    if isinstance(teammates, dict):
        return teammates.get("admins", teammates.get("teammates"))
    return teammates


def expected_records(space: Workspace) -> dict[str, list[tuple[str, dict]]]:
    """Stream → (body name, expected record) in the order the tap emits them."""
    out: dict[str, list[tuple[str, dict]]] = {}

    def add(stream: str, body: str, record: dict) -> None:
        out.setdefault(stream, []).append((body, record))

    carriers = {id(entry["carrier"]): entry["tags"] for entry in space.objects("tag_carriers")}
    synthetic_parents = {id(c) for c in space.objects("part_carriers")}
    for body, admin in space.served.get("admins", []):
        avatar = admin.get("avatar")
        add(
            "admins",
            body,
            {**admin, "avatar": {"image_url": avatar}} if isinstance(avatar, str) else admin,
        )
    for body, company in space.served.get("companies", []):
        record = _company(company)
        add("companies", body, record)
        for segment in record.get("segments") or []:
            add("company_segments", body, {**segment, "company_id": str(company["id"])})
        for link in _links(("company_id", "tag_id", "company_updated_at"), company, record["tags"]):
            add("company_tags", body, link)
    for body, contact in space.served.get("contacts", []):
        if id(contact) in carriers:  # a synthetic contact: only its fetched tags are real
            record = {"tags": carriers[id(contact)]}
            add("contacts", body, record)
        else:
            record = _contact(contact)
            add("contacts", body, record)
        for stream, key, field in (
            ("contact_tags", "tag_id", "tags"),
            ("contact_companies", "company_id", "companies"),
        ):
            for link in _links(
                ("contact_id", key, "contact_updated_at"), contact, record.get(field)
            ):
                add(stream, body, link)
    for body, conversation in space.served.get("conversations", []):
        if id(conversation) not in synthetic_parents:
            add("conversations", body, _conversation(conversation))
        else:
            add("conversations", body, {})
        for part in _parts(conversation):
            add("conversation_parts", body, part)
        for stream, key, entries in (
            ("conversation_tags", "tag_id", _unwrap(conversation.get("tags"), "tags")),
            (
                "conversation_contacts",
                "contact_id",
                _unwrap(conversation.get("contacts"), "contacts"),
            ),
            ("conversation_teammates", "admin_id", _teammates(conversation)),
        ):
            columns = ("conversation_id", key, "conversation_updated_at")
            for link in _links(columns, conversation, entries):
                add(stream, body, link)
    for body, ticket in space.served.get("tickets", []):
        record = {k: v for k, v in ticket.items() if k != "ticket_parts"}
        add("tickets", body, {**record, "contacts": _unwrap(ticket.get("contacts"), "contacts")})
        for part in _ticket_parts(ticket):
            add("ticket_parts", body, part)
        for link in _ticket_contacts(ticket):
            add("ticket_contacts", body, link)
    by_model: dict[str, list[tuple[str, dict]]] = {}
    for body, row in space.served.get("data_attributes", []):
        by_model.setdefault(row["model"], []).append((body, row))
    for body, row in space.served.get("conversation_attributes", []):
        by_model.setdefault("conversation", []).append((body, {**row, "model": "conversation"}))
    for model in ("contact", "company", "conversation"):
        for body, row in by_model.get(model, []):
            add("data_attributes", body, row)
            if model in ("contact", "company"):
                add(f"{model}_attributes", body, row)
    logs = sorted(space.served.get("activity_logs", []), key=lambda entry: entry[1]["created_at"])
    for body, log in logs:
        add("activity_logs", body, log)
    if version_has_ticket_states(space.version):
        for body, state in space.served.get("ticket_states", []):
            add("ticket_states", body, state)
    for stream in (
        "teams",
        "tags",
        "segments",
        "articles",
        "collections",
        "help_centers",
        "ticket_types",
    ):
        for body, obj in space.served.get(stream, []):
            add(stream, body, obj)
    for body, team in space.served.get("teams", []):
        for link in _links(("team_id", "admin_id", None), team, team.get("admin_ids")):
            add("team_admins", body, link)
    return out


def version_has_ticket_states(version: str) -> bool:
    parsed = ApiVersion.parse(version)
    return parsed is not None and ticket_states_endpoint(parsed)


# --------------------------------------------------------------------------- comparison


def iso(epoch: float) -> str:
    seconds = epoch / 1000 if abs(epoch) >= 10**11 else epoch
    return dt.datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def instant(text: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        return Decimal(str(value).strip())
    except ArithmeticError:
        return None


def _child(schema: dict, key: str) -> dict:
    properties = schema.get("properties") or {}
    if key in properties:
        return properties[key]
    extra = schema.get("additionalProperties")
    return extra if isinstance(extra, dict) else {}


def _same_scalar(expected: Any, emitted: Any) -> bool:
    if type(expected) is type(emitted) and expected == emitted:
        return True
    if isinstance(expected, bool) or isinstance(emitted, bool):
        spelled = {True: "true", False: "false"}
        return spelled.get(expected, expected) == spelled.get(emitted, emitted)
    a, b = _number(expected), _number(emitted)
    return a is not None and b is not None and a == b


def differences(expected: Any, emitted: Any, schema: dict, path: str = "") -> list[str]:
    """How `emitted` fails to carry `expected` (see the module docstring); [] when it does."""
    if expected is None:
        return [] if emitted is None else [f"{path}: null became {emitted!r}"]
    if emitted is None:
        return [f"{path}: {expected!r} became null"]
    if schema.get("format") == "date-time" and not isinstance(expected, (dict, list, bool)):
        if isinstance(expected, str) and _number(expected) is None:
            same = instant(expected) is not None and instant(expected) == instant(str(emitted))
        else:
            same = emitted == iso(float(expected))
        return [] if same else [f"{path}: {expected!r} became {emitted!r}, another instant"]
    if isinstance(expected, dict):
        if not isinstance(emitted, dict):
            return [f"{path}: an object became {emitted!r}"]
        found = []
        for key, value in expected.items():
            where = f"{path}.{key}" if path else key
            if key not in emitted:
                found.append(f"{where}: dropped")
            else:
                found += differences(value, emitted[key], _child(schema, key), where)
        return found
    if isinstance(expected, list):
        if not isinstance(emitted, list) or len(emitted) != len(expected):
            return [f"{path}: {len(expected)} items became {emitted!r}"]
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        return [
            diff
            for a, b in zip(expected, emitted, strict=True)
            for diff in differences(a, b, items, f"{path}[]")
        ]
    return [] if _same_scalar(expected, emitted) else [f"{path}: {expected!r} became {emitted!r}"]


def epoch_dates(expected: Any, schema: dict) -> int:
    """How many epoch numbers `expected` holds where the schema declares a date-time."""
    if schema.get("format") == "date-time":
        return int(_number(expected) is not None and not isinstance(expected, str))
    if isinstance(expected, dict):
        return sum(epoch_dates(v, _child(schema, k)) for k, v in expected.items())
    if isinstance(expected, list):
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        return sum(epoch_dates(item, items) for item in expected)
    return 0
