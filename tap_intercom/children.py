"""Child streams whose bookmark follows the parent (conversation_parts, company_segments).

A child's records have no useful cursor of their own: the parent's `updated_at` decides which
parents to expand. So the child keeps one flat bookmark (`state_partitioning_keys = []`, never
one partition per parent), and the *parent* advances it once a parent record's children are
complete. The child never writes STATE or SCHEMA per parent: the SDK would otherwise emit
both for every one of, say, 100,000 conversations.
"""

from __future__ import annotations

import abc
import typing as t

from tap_intercom.client import IntercomStream
from tap_intercom.errors import IntercomForbiddenError

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from singer_sdk.helpers.types import Context, Record


class ParentBookmarkedChildStream(IntercomStream):
    """A child stream whose bookmark is the parent's `updated_at` (set by the parent)."""

    replication_key = "updated_at"
    state_partitioning_keys: t.ClassVar[list[str]] = []
    #: Context key holding the parent's `updated_at` (normalised date-time string).
    parent_updated_at_key: t.ClassVar[str] = "parent_updated_at"

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._schema_written = False
        self._pending_bookmark: str | None = None

    def get_replication_key_signpost(self, context: Context | None = None) -> None:
        """No signpost: the bookmark is set explicitly by the parent."""
        return

    def _increment_stream_state(
        self, latest_record: Record, *, context: Context | None = None
    ) -> None:
        """The child's records do not move its bookmark; see `advance_bookmark`."""

    def _write_schema_message(self) -> None:
        """One SCHEMA per run, not one per parent record."""
        if not self._schema_written:
            super()._write_schema_message()
            self._schema_written = True

    def advance_bookmark(self, value: str) -> None:
        """Move the bookmark forward to `value` (a parent's `updated_at`), never backward."""
        state = self.stream_state
        current = state.get("replication_key_value")
        if current is None or value > current:
            state["replication_key"] = self.replication_key
            state["replication_key_value"] = value

    #: True when the parent emits records sorted by `updated_at` (bookmark may advance per
    #: parent); False for a full scan in no particular order (commit only at the end).
    parent_is_sorted: t.ClassVar[bool] = True

    @abc.abstractmethod
    def child_records(self, context: Context) -> Iterable[dict]:
        """The raw records of one parent."""

    def get_records(self, context: Context | None) -> Iterable[dict]:
        if context is None:
            return
        try:
            yield from self.child_records(context)
        except IntercomForbiddenError as exc:
            self.skip_forbidden(exc)
            return
        # Resumed after the last record was written: this parent is complete.
        value = context[self.parent_updated_at_key]
        if self.parent_is_sorted:
            self.advance_bookmark(value)
        elif self._pending_bookmark is None or value > self._pending_bookmark:
            self._pending_bookmark = value

    def commit_pending_bookmark(self, cap: str | None) -> None:
        """End of an unsorted parent's scan: advance to the highest parent seen, at most `cap`."""
        if self._pending_bookmark is None:
            return
        value = self._pending_bookmark
        if cap is not None and value > cap:
            value = cap
        self.advance_bookmark(value)
        self._pending_bookmark = None


class ParentStream(IntercomStream):
    """A stream with parent-bookmarked children.

    The API is asked for records from min(own bookmark, children's bookmarks). A record at or
    after its own bound is emitted (and the SDK syncs its children); a record that only the
    children still need has its children synced here and is not emitted.
    """

    child_context_key: t.ClassVar[str]

    def selected_children(self) -> list[ParentBookmarkedChildStream]:
        return [
            child
            for child in self.child_streams
            if isinstance(child, ParentBookmarkedChildStream) and child.selected
        ]

    def child_bound(self, child: ParentBookmarkedChildStream) -> str:
        return child.start_bound()

    def query_lower_bound(self, context: Context | None) -> str:
        bounds = [self.start_bound(context)] if self.selected else []
        bounds += [self.child_bound(child) for child in self.selected_children()]
        return min(bounds) if bounds else self.start_bound(context)

    def needs_children(self, record: dict) -> bool:
        value = record.get(self.replication_key or "updated_at")
        return value is not None and any(
            value >= self.child_bound(child) for child in self.selected_children()
        )

    def get_child_context(self, record: dict, context: Context | None) -> dict:
        return {
            self.child_context_key: record["id"],
            ParentBookmarkedChildStream.parent_updated_at_key: record["updated_at"],
        }

    def generate_child_contexts(
        self, record: dict, context: Context | None
    ) -> Iterable[dict | None]:
        if self.needs_children(record):
            yield self.get_child_context(record, context)

    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        record = self.transform_record(row, context)
        if record is None:
            return None
        record = self.conformer(record)
        value = record.get(self.replication_key or "updated_at")
        if value is None or (self.selected and value >= self.start_bound(context)):
            return record
        if not self.selected and self.needs_children(record):
            return record  # not written (stream deselected); the SDK still syncs children
        if self.needs_children(record):
            self._sync_children(self.get_child_context(record, context))
        return None
