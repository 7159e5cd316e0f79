"""Child streams whose bookmark follows the parent (conversation_parts, company_segments).

A child's records have no useful cursor of their own: the parent's `updated_at` decides which
parents to expand. So the child keeps one flat bookmark (`state_partitioning_keys = []`, never
one partition per parent), and it advances that bookmark itself once all the records of one
parent are written. The hand-off from parent to child is the child context (built by
`ParentStream.child_context`): the parent's id and the bookmark its `updated_at` allows.
A parent's bridge streams (`bridges`) get the parent's record itself instead, with the same
bookmark, and write their rows without a sync of their own.
"""

from __future__ import annotations

import abc
import typing as t

import pendulum
from singer_sdk.exceptions import AbortedSyncFailedException, AbortedSyncPausedException

from tap_intercom import bounds
from tap_intercom.bridges import BridgeParent, advance_bookmark
from tap_intercom.client import IntercomStream
from tap_intercom.dates import epoch_to_datetime, format_datetime
from tap_intercom.errors import IntercomForbiddenError
from tap_intercom.sdk_seams import ParentBookmarkedSeams

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from singer_sdk.helpers.types import Context

#: Child-context key holding the bookmark the child may save once this parent is complete:
#: the parent's `updated_at` (a normalised date-time string), held back by the parent's
#: `bookmark_ceiling` (search lag), or the bookmark the parent holds while it reads out of
#: order (`held_bookmark`: search slices).
PARENT_BOOKMARK = "parent_bookmark"


class ParentBookmarkedChildStream(ParentBookmarkedSeams, IntercomStream):
    """A child stream whose bookmark is the `updated_at` of the last complete parent."""

    replication_key = "updated_at"
    state_partitioning_keys: t.ClassVar[list[str]] = []
    #: True when the parent emits records sorted by `updated_at` (the bookmark may advance per
    #: parent); False for a full scan in no particular order (committed at the end).
    parent_is_sorted: t.ClassVar[bool] = True

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending_bookmark: str | None = None
        #: Parents whose records this stream has written completely this run.
        self.parents_completed = 0

    def get_replication_key_signpost(self, context: Context | None = None) -> None:
        """No signpost: the bookmark is advanced explicitly (`advance_bookmark`)."""
        return

    def advance_bookmark(self, value: str) -> None:
        """Move the bookmark forward to `value` (a parent's `updated_at`), never backward."""
        advance_bookmark(self.stream_state, self.replication_key, value)

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
        self.parents_completed += 1
        value = context[PARENT_BOOKMARK]
        if self.parent_is_sorted:
            self.advance_bookmark(value)
        elif self._pending_bookmark is None or value > self._pending_bookmark:
            self._pending_bookmark = value

    def parents_announced(self, raw_parents: list[dict]) -> None:
        """A page of raw parents this child is about to be asked for (any thread): a hook to
        start per-parent requests early. Must only read what is fixed for the run."""

    def parents_finished(self, *, complete: bool, scan_started: str) -> None:
        """The parent has no more records. After a complete unsorted scan, the bookmark moves
        to the highest parent seen, but never past `scan_started` (when the parent's scan
        began): a parent edited during the scan after the scan passed it carries a newer
        `updated_at` than the bookmark, so the next run still expands it."""
        if complete and not self.parent_is_sorted and self._pending_bookmark is not None:
            self.advance_bookmark(min(self._pending_bookmark, scan_started))
        self._pending_bookmark = None


class ParentStream(BridgeParent):
    """A stream with parent-bookmarked children and bridges.

    The API is asked for records from the lowest bound anything selected needs
    (`bounds.query_bound`). A record at or after the stream's own bound is written; a record
    a selected child still needs has that child synced first, from `child_context`; a record
    a selected bridge needs is handed to it (`BridgeParent.write_bridges`).
    """

    #: Child-context key holding the parent's id.
    child_context_key: t.ClassVar[str]

    #: The selected children while the parent's records are read (fixed for a scan; asked
    #: for every record), else None.
    _scan_children: list[ParentBookmarkedChildStream] | None = None

    def selected_children(self) -> list[ParentBookmarkedChildStream]:
        if self._scan_children is not None:
            return self._scan_children
        return [
            child
            for child in self.child_streams
            if isinstance(child, ParentBookmarkedChildStream) and child.selected
        ]

    @property
    def query_lower_bound(self) -> bounds.Epoch:
        return bounds.query_bound(
            self.lower_bound,
            self.selected,
            [child.lower_bound for child in self.selected_children()]
            + [bridge.parents_from for bridge in self.selected_bridges()],
        )

    def needs_children(self, record: dict) -> bool:
        """Whether a selected child still needs the children of this (raw or written) record."""
        epoch = bounds.epoch_of(record.get("updated_at"))
        return epoch is not None and any(
            epoch >= child.lower_bound for child in self.selected_children()
        )

    def child_context(self, raw: dict, record: dict) -> dict:
        """What a child needs of one parent: its id and the bookmark the child may save after
        it (a stream adds more)."""
        held = self.held_bookmark()
        return {
            self.child_context_key: record["id"],
            PARENT_BOOKMARK: (
                bounds.capped(record["updated_at"], self.bookmark_ceiling) if held is None else held
            ),
        }

    def sync_children_of(self, child_context: dict) -> None:
        """Sync the selected parent-bookmarked children for one parent (bridges are written
        by `write_bridges`); an aborted child does not stop the others, as in the SDK."""
        for child in self.selected_children():
            try:
                child.sync(context=dict(child_context))
            except (AbortedSyncFailedException, AbortedSyncPausedException):
                continue

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """The parent's records; then each selected child hears that its parents are done."""
        children = self.selected_children()
        scan_started = format_datetime(pendulum.now("UTC"))
        complete = False
        self._scan_children = children
        try:
            yield from self.records_with_bridges(self.parent_records(context))
            complete = True
        finally:
            self._scan_children = None
            for child in children:
                child.parents_finished(complete=complete, scan_started=scan_started)

    def parent_records(self, context: Context | None) -> Iterable[dict]:
        """The raw parent records (default: the SDK's request loop)."""
        yield from super().get_records(context)

    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        epoch = bounds.epoch_of(row.get("updated_at"))
        own = epoch is None or (self.selected and epoch >= self.lower_bound)
        needed = self.needs_children(row)
        bridged = self.open_bridges and (
            epoch is None or any(epoch >= b.parents_from for b in self.open_bridges)
        )
        if not (own or needed or bridged):
            return None
        transformed = self.transform_record(row, context)
        if transformed is None:
            return None
        record = self.conformer(transformed)
        if needed:
            # Before the parent's own RECORD, as the SDK orders a parent and its children.
            self.sync_children_of(self.child_context(row, record))
        if bridged:
            updated = record.get("updated_at")
            self.write_bridges(epoch, transformed, updated, self._bridge_bookmark(epoch, updated))
        # A deselected parent's record is not written by the SDK.
        return record if own or not self.selected else None

    def parents_caught_up(self, bookmark: str) -> None:
        for child in self.selected_children():
            if child.parents_completed:
                child.advance_bookmark(bookmark)
        for bridge in self.open_bridges:
            bridge.caught_up(bookmark)

    def _bridge_bookmark(self, epoch: bounds.Epoch | None, updated: t.Any) -> str | None:
        """The bookmark a bridge may save after this parent: its `updated_at`, held back by
        the ceiling (`bounds.capped`, without parsing the date-time again), or while the
        parent reads out of order (slices) what their completed prefix allows."""
        if epoch is None or not isinstance(updated, str):
            return None
        held = self.held_bookmark()
        if held is not None:
            return held
        ceiling = self.bookmark_ceiling
        return updated if ceiling is None or epoch <= ceiling else epoch_to_datetime(ceiling)
