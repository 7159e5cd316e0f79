"""``POST /tickets/search`` and ticket details (with their parts)."""

from __future__ import annotations

from typing import Any

from fake_intercom.data.ids import TICKET_BASE, parse_num_id
from fake_intercom.endpoints.paging import Paging
from fake_intercom.errors import HTTPError


class TicketEndpoints(Paging):
    def ep_tickets_search(self, body: Any, **_: Any) -> tuple[int, Any]:
        return self.do_search("tickets", body, 20, "id", self.ds.ticket, "tickets", "ticket.list")

    def ep_ticket(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        i = parse_num_id(params["id"], TICKET_BASE, self.ds.tickets.count)
        if i is None:
            raise HTTPError(404, "ticket_not_found", "Ticket not found")
        return 200, self.ds.ticket(i, with_parts=True)
