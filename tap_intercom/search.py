"""Incremental reads through Intercom's search endpoints (contacts, conversations, tickets).

The query asks for `updated_at > B OR updated_at = B` with B the bookmark's second, sorted by
`updated_at` ascending, the cursor in the body. For contacts Intercom compares dates by whole
day, so this returns everything from the start of B's day; the client-side filter drops what
is older than B. Because results are sorted, the bookmark can advance record by record and
a sync killed midway resumes where it stopped.
"""

from __future__ import annotations

import typing as t

from tap_intercom.client import PAGE_SIZE, IntercomStream
from tap_intercom.dates import datetime_to_epoch, parse_datetime
from tap_intercom.pagination import CursorPaginator

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from singer_sdk.helpers.types import Context

#: Write a checkpoint STATE after this many processed records of a sorted stream.
CHECKPOINT_EVERY = PAGE_SIZE


def updated_since_query(field: str, epoch: int) -> dict[str, t.Any]:
    """`field > epoch OR field = epoch`: inclusive and valid for contact search's day semantics."""
    return {
        "operator": "OR",
        "value": [
            {"field": field, "operator": ">", "value": epoch},
            {"field": field, "operator": "=", "value": epoch},
        ],
    }


class SearchStream(IntercomStream):
    """POST /<resource>/search, sorted ascending by the replication key, resumable."""

    http_method = "POST"
    payload_as_json = True
    replication_key = "updated_at"
    client_side_filter = True
    search_field = "updated_at"
    token_is_url = False

    @property
    def is_sorted(self) -> bool:
        return True

    @property
    def check_sorted(self) -> bool:
        """Never abort a sync on an out-of-order record: the bookmark then only lags."""
        return False

    def get_new_paginator(self) -> CursorPaginator:
        return CursorPaginator()

    def query_lower_bound(self, context: Context | None) -> str:
        """Inclusive lower bound sent to the API (children may need an earlier one)."""
        return self.start_bound(context)

    def prepare_request_payload(
        self, context: Context | None, next_page_token: str | None
    ) -> dict[str, t.Any]:
        epoch = datetime_to_epoch(parse_datetime(self.query_lower_bound(context)))
        pagination: dict[str, t.Any] = {"per_page": PAGE_SIZE}
        if next_page_token:
            pagination["starting_after"] = next_page_token
        return {
            "query": updated_since_query(self.search_field, epoch),
            "sort": {"field": self.search_field, "order": "ascending"},
            "pagination": pagination,
        }

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Yield search results; every CHECKPOINT_EVERY records, write a resumable STATE.

        When this generator resumes after a `yield`, the SDK has fully processed the previous
        record (children, RECORD message, bookmark), so that is a safe checkpoint.
        """
        for processed, record in enumerate(super().get_records(context), start=1):
            yield record
            self.after_record_processed(record)
            if processed % CHECKPOINT_EVERY == 0:
                self.checkpoint()

    def after_record_processed(self, record: dict) -> None:
        """Hook: called once the SDK has finished with `record` (children included)."""

    def checkpoint(self) -> None:
        """Write the tap's current state now (deduplicated by the state writer)."""
        self._tap.state_writer.write_state(self.tap_state)
