"""Tickets (POST /tickets/search), their parts (GET /tickets/{id}) and their contacts (inline)."""

from __future__ import annotations

import typing as t

from tap_intercom.children import ParentBookmarkedChildStream, ParentStream
from tap_intercom.detail_children import DetailChildStream
from tap_intercom.records import unwrap_list
from tap_intercom.search import SearchStream

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context

#: Child-context keys: the ticket's contacts (as written in `tickets.contacts`) and its
#: `updated_at` (as written), for `ticket_contacts`.
INLINE_CONTACTS = "inline_contacts"
TICKET_UPDATED_AT = "ticket_updated_at"


class TicketsStream(ParentStream, SearchStream):
    """POST /tickets/search, `updated_at` > OR = the bookmark (exact seconds), ascending.

    There is no list endpoint. A token without the tickets scope gets a 403, and the stream
    is skipped with a warning. `ticket_attributes` is typed at discovery from the ticket
    types' attributes (`ticket_attributes`), keyed by the attribute name. A ticket's parts are
    not kept here (some search pages carry a copy, most do not): they are `ticket_parts`.
    """

    name = "tickets"
    path = "/tickets/search"
    records_jsonpath = "$.tickets[*]"
    child_context_key = "ticket_id"

    def on_page_fetched(self, response: requests.Response) -> None:
        """Hand a page's tickets to the children as soon as it arrives."""
        page = list(self.page_records(response))
        for child in self.selected_children():
            child.parents_announced(page)

    def transform_record(self, record: dict, context: Context | None) -> dict | None:
        out = {k: v for k, v in record.items() if k != "ticket_parts"}
        out["contacts"] = unwrap_list(record.get("contacts"), "contacts")
        return out

    def child_context(self, raw: dict, record: dict) -> dict:
        contacts = record.get("contacts")
        return {
            **super().child_context(raw, record),
            TICKET_UPDATED_AT: record.get("updated_at"),
            INLINE_CONTACTS: contacts if isinstance(contacts, list) else [],
        }


class TicketPartsStream(DetailChildStream):
    """Every part of every changed ticket, one GET /tickets/{id} each.

    Parts carry their ticket's id, `updated_at` and total part count. Intercom returns only a
    ticket's 500 most recent parts; a warning names each ticket that was cut off.
    """

    name = "ticket_parts"
    path = "/tickets/{ticket_id}"
    parent_stream_type = TicketsStream
    parent_id_key = "ticket_id"

    def detail_path(self, parent_id: str) -> str:
        return f"/tickets/{parent_id}"

    def child_records(self, context: Context) -> Iterable[dict]:
        body = self.detail_of(context)
        if body is not None:
            yield from ticket_parts(body, self.logger)


class TicketContactsStream(ParentBookmarkedChildStream):
    """One row per ticket-contact link (key ticket_id + contact_id), from the ticket's inline
    `contacts`: no request of its own. Each row carries its ticket's `updated_at`: a link is
    current while its `ticket_updated_at` equals the ticket's `updated_at` (README)."""

    name = "ticket_contacts"
    parent_stream_type = TicketsStream
    primary_keys: t.ClassVar[list[str]] = ["ticket_id", "contact_id"]
    replication_key = TICKET_UPDATED_AT

    def child_records(self, context: Context) -> Iterable[dict]:
        yield from ticket_contacts(
            str(context["ticket_id"]), context[INLINE_CONTACTS], context[TICKET_UPDATED_AT]
        )


def ticket_parts(ticket: dict, logger: t.Any) -> Iterable[dict]:
    """The parts of a ticket detail, each with its ticket's id, `updated_at` and part count."""
    listing = ticket.get("ticket_parts") or {}
    parts = [p for p in unwrap_list(listing, "ticket_parts") or [] if isinstance(p, dict)]
    total = listing.get("total_count") if isinstance(listing, dict) else None
    if isinstance(total, int) and total > len(parts):
        logger.warning(
            "ticket_parts: ticket %s has %d parts; Intercom returned only the %d most recent",
            ticket.get("id"),
            total,
            len(parts),
        )
    for part in parts:
        yield {
            **part,
            "id": None if part.get("id") is None else str(part["id"]),
            "ticket_id": None if ticket.get("id") is None else str(ticket["id"]),
            "ticket_updated_at": ticket.get("updated_at"),
            "ticket_total_parts": total if isinstance(total, int) else len(parts),
        }


def ticket_contacts(ticket_id: str, contacts: t.Any, ticket_updated_at: t.Any) -> Iterable[dict]:
    """One link per distinct contact id of a ticket's (denested) `contacts`."""
    seen: set[str] = set()
    for contact in contacts if isinstance(contacts, list) else []:
        contact_id = contact.get("id") if isinstance(contact, dict) else None
        if contact_id is None or str(contact_id) in seen:
            continue
        seen.add(str(contact_id))
        yield {
            "ticket_id": ticket_id,
            "contact_id": str(contact_id),
            "ticket_updated_at": ticket_updated_at,
        }
