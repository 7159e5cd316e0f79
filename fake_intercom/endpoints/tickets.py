"""``POST /tickets/search``, ticket details (with their parts), ticket types and states."""

from __future__ import annotations

from typing import Any

from fake_intercom.data import ticket_catalog
from fake_intercom.data.ids import TICKET_BASE, parse_num_id
from fake_intercom.endpoints.paging import Paging
from fake_intercom.errors import HTTPError
from fake_intercom.versions import version_at_least

#: GET /ticket_states, and a ticket type's `ticket_states`, exist from API 2.12 (custom states).
TICKET_STATES_SINCE = (2, 12)


class TicketEndpoints(Paging):
    def ep_tickets_search(self, body: Any, **_: Any) -> tuple[int, Any]:
        return self.do_search("tickets", body, 20, "id", self.ds.ticket, "tickets", "ticket.list")

    def ep_ticket(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        i = parse_num_id(params["id"], TICKET_BASE, self.ds.tickets.count)
        if i is None:
            raise HTTPError(404, "ticket_not_found", "Ticket not found")
        return 200, self.ds.ticket(i, with_parts=True)

    def ep_ticket_types(self, version: Any = None, **_: Any) -> tuple[int, Any]:
        with_states = version_at_least(version, TICKET_STATES_SINCE)
        return 200, {"type": "list", "data": ticket_catalog.ticket_types(with_states=with_states)}

    def ep_ticket_states(self, version: Any = None, **_: Any) -> tuple[int, Any]:
        if not version_at_least(version, TICKET_STATES_SINCE):
            raise HTTPError(404, "not_found", "Resource Not Found")
        return 200, {"type": "list", "data": ticket_catalog.ticket_states()}
