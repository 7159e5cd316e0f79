"""Ticket types (GET /ticket_types, with their attributes inline) and ticket states
(GET /ticket_states), both read in full each run as table versions (`full_table`).

`GET /ticket_types` is read once per run (`run.ticket_types`): discovery types
`tickets.ticket_attributes` from it, and `ticket_types` writes it.

Ticket states with ids exist from API 2.12 (custom states; before, a ticket's state is its
category string and there is no state list): at 2.11 `ticket_states` is skipped with a warning,
and a 404 at any version skips it the same way.
"""

from __future__ import annotations

import typing as t

from tap_intercom.api_versions import ticket_states_endpoint
from tap_intercom.errors import IntercomForbiddenError, IntercomNotFoundError
from tap_intercom.full_table import FullTableStream
from tap_intercom.records import unwrap_list

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from singer_sdk.helpers.types import Context

#: The one key of `run.ticket_types`.
ALL = "all"


class TicketTypesStream(FullTableStream):
    """Every ticket type of the workspace, archived included, with its attributes as the API
    nests them (`ticket_type_attributes.data`) and, from 2.12, its states."""

    name = "ticket_types"
    path = "/ticket_types"

    def ticket_types(self) -> list[dict]:
        """The workspace's ticket types (one request per run)."""
        return self.run.ticket_types.get(ALL, self._fetch)

    def _fetch(self, _key: str) -> list[dict]:
        body = self.fetch_json(self.path)
        items = unwrap_list(body, "data") if isinstance(body, dict) else None
        return [item for item in items or [] if isinstance(item, dict)]

    def table_records(self, context: Context | None) -> Iterable[dict]:
        try:
            yield from self.ticket_types()
        except IntercomForbiddenError as exc:
            self.skip_forbidden(exc)


class TicketStatesStream(FullTableStream):
    """Every ticket state of the workspace, archived included, with the ticket types using it."""

    name = "ticket_states"
    path = "/ticket_states"

    def table_records(self, context: Context | None) -> Iterable[dict]:
        version = self.run.settings.version
        if not ticket_states_endpoint(version):
            self.skip_unavailable(f"API {version} has no ticket states (a ticket's state is text)")
            return
        try:
            body = self.fetch_json(self.path)
        except IntercomForbiddenError as exc:
            self.skip_forbidden(exc)
            return
        except IntercomNotFoundError as exc:
            self.skip_unavailable(f"GET /ticket_states answered 404 ({exc})")
            return
        items = unwrap_list(body, "data") if isinstance(body, dict) else None
        yield from (item for item in items or [] if isinstance(item, dict))

    def skip_unavailable(self, why: str) -> None:
        self.logger.warning(
            "Skipping stream 'ticket_states': %s; set api_version to 2.12 or later to sync it",
            why,
        )
        self.run.stats.skip(self.name, why)
