"""Tickets, read incrementally through POST /tickets/search."""

from __future__ import annotations

import typing as t

from tap_intercom.records import unwrap_list
from tap_intercom.search import SearchStream

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


class TicketsStream(SearchStream):
    """POST /tickets/search, `updated_at` > OR = the bookmark (exact seconds), ascending.

    There is no list endpoint. A token without the tickets scope gets a 403, and the stream
    is skipped with a warning. `ticket_attributes` keeps each value's own JSON type (string,
    number, boolean, list, file object), keyed by the attribute name.
    """

    name = "tickets"
    path = "/tickets/search"
    records_jsonpath = "$.tickets[*]"

    def transform_record(self, record: dict, context: Context | None) -> dict | None:
        return {**record, "contacts": unwrap_list(record.get("contacts"), "contacts")}
