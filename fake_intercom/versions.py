"""What the fake answers differently per ``Intercom-Version``, the way Intercom's OpenAPI
descriptions (2.14, 2.15, 2.16, Preview) and real workspaces' responses show it.

The generators in ``data/`` build 2.14 objects; a request without the header, or with
2.12 to 2.14, gets them unchanged. Other versions:

- up to 2.11: a ticket's ``ticket_state`` is its category string, with
  ``ticket_state_internal_label`` / ``ticket_state_external_label`` beside it;
- 2.15+: a conversation carries its ``company`` (a company object, or null) and email metadata
  its ``message_id``;
- 2.16+: ``GET /data_attributes?model=conversation`` is 422 (and no model lists no conversation
  attributes), ``GET /conversations/attributes`` lists them; a search ``sort.order`` other than
  ``ascending``/``descending`` is 400 ``invalid_sort_order``; new fields on conversations
  (``channel``, ``sales_agent*``, ``external_references``, ``source.recipients``), companies
  (``notes``), tickets (``previous_ticket_state_id``, ``channel``; integer assignee ids), parts
  (``translations``; an unassignment is ``{"type": "nobody_admin", "id": null}``), contacts
  (``owner_id`` as a string), admins (``role``), help centers (``default``, ``locales``) and
  articles (``body_markdown``, the AI availability flags);
- 2.17+ (and Preview): contact search compares standard timestamps to the second, and accepts
  ``>=`` / ``<=`` on them.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import HTTPError

Version = tuple[int, int]
DEFAULT: Version = (2, 14)
#: Preview behaves as the newest version the fake knows.
PREVIEW: Version = (2, 17)
_VERSION_RE = re.compile(r"(\d+)\.(\d+)")

#: Endpoint handler name → the key of its list of objects (None: the body is one object).
_COMPANIES = {"companies_scroll": "data", "companies": "data", "companies_list_post": "data"}
_COMPANIES |= {"company": None, "contact_companies": "data"}
_CONVERSATIONS = {"conversations": "conversations", "conversations_search": "conversations"}
_CONVERSATIONS |= {"conversation": None}
_TICKETS = {"tickets_search": "tickets", "ticket": None}
_CONTACTS = {"contacts": "data", "contacts_search": "data", "contact": None}
_ADMINS = {"admins": "admins", "admin": None}
_HELP_CENTERS = {"help_centers": "data", "help_center": None}
_ARTICLES = {"articles": "data", "article": None}
_CONVERSATION_DATA_TYPES = {"float": "decimal", "date": "datetime"}


def parse(version: str | None) -> Version:
    """The version a request asks for (the header was checked to be valid)."""
    if version is None:
        return DEFAULT
    if version == "Preview":
        return PREVIEW
    match = _VERSION_RE.fullmatch(version)
    return (int(match[1]), int(match[2])) if match else DEFAULT


def contact_search_by_second(version: Version) -> bool:
    return version >= (2, 17)


def check_request(name: str | None, query: dict[str, str], body: Any, version: Version) -> None:
    """Refuse, as that version does, a request the 2.14 handlers would answer."""
    if version < (2, 16):
        if name == "conversation_attributes":
            raise HTTPError(404, "not_found", "Resource Not Found")
        return
    if name == "data_attributes" and query.get("model") == "conversation":
        raise HTTPError(
            422,
            "parameter_invalid",
            "model=conversation is no longer supported. Use GET /conversations/attributes instead",
        )
    if name is not None and name.endswith("_search") and isinstance(body, dict):
        sort = body.get("sort")
        order = sort.get("order") if isinstance(sort, dict) else None
        if order is not None and order not in ("ascending", "descending"):
            raise HTTPError(
                400,
                "invalid_sort_order",
                f"Invalid sort order {order!r}. Must be one of: ascending, descending",
            )


def conversation_attribute(attribute: dict[str, Any], admin_id: str) -> dict[str, Any]:
    """A custom conversation data attribute as ``GET /conversations/attributes`` lists it."""
    data_type = attribute["data_type"]
    out: dict[str, Any] = {
        "type": "conversation_attribute",
        "id": attribute["id"],
        "name": attribute["name"],
        "description": attribute["description"],
        "data_type": "list"
        if attribute.get("options")
        else _CONVERSATION_DATA_TYPES.get(data_type, data_type),
        "required": False,
        "visible_to_team_ids": [],
        "archived": attribute["archived"],
        "created_at": attribute["created_at"],
        "updated_at": attribute["updated_at"],
        "admin_id": admin_id,
    }
    if attribute.get("options"):
        out["options"] = [
            {"id": f"opt-{attribute['id']}-{k}", "label": label, "archived": False}
            for k, label in enumerate(attribute["options"])
        ]
    elif data_type == "string":
        out["multiline"] = False
    return out


def adapt(name: str | None, body: Any, version: Version, company_of: Any) -> Any:
    """The 2.14 ``body`` of endpoint ``name`` as ``version`` sends it (the same object when
    nothing differs). ``company_of(conversation_id)`` gives a conversation's company or None."""
    if name is None or not isinstance(body, dict) or (2, 12) <= version <= (2, 14):
        return body
    body = dict(body)
    for table, adapt_one in (
        (_COMPANIES, _company),
        (_CONVERSATIONS, lambda obj, v: _conversation(obj, v, company_of)),
        (_TICKETS, _ticket),
        (_CONTACTS, _contact),
        (_ADMINS, _admin),
        (_HELP_CENTERS, _help_center),
        (_ARTICLES, _article),
    ):
        if name in table:
            key = table[name]
            if key is None:
                return adapt_one(body, version)
            body[key] = [adapt_one(dict(obj), version) for obj in body.get(key) or []]
            return body
    return body


def _company(company: dict[str, Any], version: Version) -> dict[str, Any]:
    if version >= (2, 16):
        company["notes"] = {
            "type": "note.list",
            "data": [],
            "url": f"/companies/{company['id']}/notes",
            "total_count": 0,
            "has_more": False,
        }
    return company


def _conversation(conv: dict[str, Any], version: Version, company_of: Any) -> dict[str, Any]:
    conv = dict(conv)
    if version < (2, 15):
        return conv
    company = company_of(conv["id"])
    conv["company"] = None if company is None else _company(dict(company), version)
    number = int(conv["id"])
    listing = conv.get("conversation_parts")
    if isinstance(listing, dict):
        parts = [
            _part(dict(p), version, number + k) for k, p in enumerate(listing["conversation_parts"])
        ]
        conv["conversation_parts"] = {**listing, "conversation_parts": parts}
    if version < (2, 16):
        return conv
    channel = "email" if conv["source"]["type"] == "email" else "messenger"
    conv["channel"] = {"initial": channel, "current": channel}
    conv["sales_agent_participated"] = number % 7 == 0
    conv["sales_agent"] = (
        {
            "outcome": "qualified",
            "routing_outcome": "routed_to_team",
            "collected_data": {"budget": "10k"},
        }
        if number % 7 == 0
        else None
    )
    conv["external_references"] = (
        [{"type": "jira_issue", "id": f"PROJ-{number % 1000}"}] if number % 5 == 0 else []
    )
    conv["source"] = {
        **conv["source"],
        "recipients": [{"type": "to", "email": "support@intercom.example", "drop_reason": None}]
        if channel == "email"
        else None,
    }
    return conv


def _part(part: dict[str, Any], version: Version, number: int) -> dict[str, Any]:
    if part.get("body") and number % 5 == 0:
        part["email_message_metadata"] = {
            "subject": "Re: your question",
            "email_address_headers": [
                {"type": "from", "email_address": "user@example.com", "name": None}
            ],
            "message_id": f"<{part['id']}@mail.intercom.example>",
        }
    if version >= (2, 16):
        part["translations"] = (
            {"original": "en", "en": part["body"], "fr": part["body"]}
            if part.get("body") and number % 4 == 0
            else None
        )
        if part.get("part_type") == "assignment" and number % 3 == 0:
            part["assigned_to"] = {"type": "nobody_admin", "id": None}
    return part


def _ticket(ticket: dict[str, Any], version: Version) -> dict[str, Any]:
    ticket = dict(ticket)
    state = ticket.get("ticket_state")
    if version <= (2, 11) and isinstance(state, dict):
        ticket["ticket_state"] = state["category"]
        ticket["ticket_state_internal_label"] = state["internal_label"]
        ticket["ticket_state_external_label"] = state["external_label"]
    if version >= (2, 16):
        for key in ("admin_assignee_id", "team_assignee_id"):
            ticket[key] = int(ticket[key])
        ticket["previous_ticket_state_id"] = "7000" if isinstance(state, dict) else None
        ticket["channel"] = "messenger"
    return ticket


def _contact(contact: dict[str, Any], version: Version) -> dict[str, Any]:
    if version >= (2, 16) and contact.get("owner_id") is not None:
        contact["owner_id"] = str(contact["owner_id"])
    return contact


def _admin(admin: dict[str, Any], version: Version) -> dict[str, Any]:
    if version >= (2, 16):
        admin["role"] = {"type": "role", "id": "1", "name": "Admin"}
    return admin


def _help_center(help_center: dict[str, Any], version: Version) -> dict[str, Any]:
    if version >= (2, 16):
        help_center["default"] = str(help_center.get("id", "")).endswith("0")
        help_center["locales"] = ["en"]
    return help_center


def _article(article: dict[str, Any], version: Version) -> dict[str, Any]:
    if version >= (2, 16):
        article["body_markdown"] = article.get("body")
        for flag in ("ai_chatbot_availability", "ai_copilot_availability"):
            article[flag] = True
    return article


def version_at_least(version: Version | str | None, minimum: Version) -> bool:
    """Whether a request's version (parsed, or the raw `Intercom-Version` header; a missing
    header is the app's default, 2.14 here; Preview is the newest) is `minimum` or newer."""
    asked = version if isinstance(version, tuple) else parse(version)
    return asked >= minimum
