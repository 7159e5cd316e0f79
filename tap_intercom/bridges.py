"""Bridge streams: one row per link between a parent record and an id it lists inline.

`contact_tags`, `conversation_contacts`, `team_admins` … are the relational form of the lists
inside contacts, conversations, companies and teams. Their rows come from the parent's record
as it passes through the parent's `post_process`, so they cost no request of their own: the
parent hands each record to its selected bridges (`BridgeParent.write_bridges`), and a bridge
writes its rows at once, without a sync of its own per parent (the SDK's child sync would
spend a log line, metrics, state lookups and a SCHEMA per parent, for a few small rows).

Removed links (the Singer protocol has no "row gone" message for an upsert):

- a bridge of a parent read in full each run (companies' scroll, teams) is a full table,
  written as one table version per run (`full_table.TableVersion`): a target with
  ACTIVATE_VERSION support deletes (or soft-deletes) every link of an older version;
- a bridge of an incremental parent (contacts, conversations) carries the parent's
  `updated_at` in each row (`contact_updated_at` …): every time a parent version is read,
  all its links are written with that version, so a link is current iff its version equals
  the parent row's `updated_at` (README, "Bridge tables", has the SQL).

An incremental bridge keeps its own bookmark (the newest parent whose links it wrote, held
back by the parent's `bookmark_ceiling`), so one selected later starts from `start_date`
and the parent is read from the lowest bound anything selected needs (`bounds.query_bound`).
"""

from __future__ import annotations

import datetime
import typing as t

from singer_sdk.singerlib import RecordMessage

from tap_intercom import bounds
from tap_intercom.client import IntercomStream
from tap_intercom.full_table import TableVersion
from tap_intercom.records import unwrap_list

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from singer_sdk.helpers.types import Context

#: The lowest epoch: a full-table bridge needs every parent.
EVERY_PARENT: bounds.Epoch = -(1 << 62)


def linked_ids(value: t.Any, list_key: str | None = None) -> list[str]:
    """The ids a parent's list field links to, as strings, first occurrence first.

    `value` is a list (or a wrapper `{list_key: [...]}`) of objects with an `id` or of bare
    ids (`team.admin_ids`); entries without an id are skipped, and an id listed twice is one
    link (the bridge's key is (parent id, linked id)).
    """
    entries = unwrap_list(value, list_key) if list_key else value
    if not isinstance(entries, list):
        return []
    ids: dict[str, None] = {}
    for entry in entries:
        linked = entry.get("id") if isinstance(entry, dict) else entry
        if linked is None or isinstance(linked, (dict, list, bool)):
            continue
        ids[str(linked)] = None
    return list(ids)


def advance_bookmark(state: dict, replication_key: str, value: str) -> None:
    """Move a stream's flat bookmark forward to `value` (a parent's `updated_at`), never
    backward (also the parent-bookmarked children's, `children`)."""
    current = state.get("replication_key_value")
    if current is None or value > current:
        state["replication_key"] = replication_key
        state["replication_key_value"] = value


def link_rows(
    keys: tuple[str, str, str | None], parent_id: str, ids: list[str], version: str | None
) -> list[dict]:
    """The rows of one parent: `keys` is (parent key, linked key, version key or None)."""
    parent_key, link_key, version_key = keys
    if version_key is None:
        return [{parent_key: parent_id, link_key: linked} for linked in ids]
    return [{parent_key: parent_id, link_key: linked, version_key: version} for linked in ids]


class BridgeStream(IntercomStream):
    """One row per (parent id, linked id), written by its parent (see the module docstring).

    A subclass names its parent (`parent_stream_type`), the parent field it reads and its
    `columns`: (parent key, linked key[, version key]); the first two are the primary key,
    the third (the parent's `updated_at`) an incremental bridge's replication key.
    `full_table` bridges have no bookmark and write a table version per run.
    """

    #: The parent's field holding the links (in the parent's transformed record), and the key
    #: of the list inside it when the field is a wrapper (`{"admins": [...]}`).
    parent_field: t.ClassVar[str]
    list_key: t.ClassVar[str | None] = None
    columns: t.ClassVar[tuple[str, ...]]
    full_table: t.ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.primary_keys = list(cls.columns[:2])
        if not cls.full_table:
            cls.replication_key = cls.columns[2]

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        parent_key, link_key, *version_key = self.columns
        self._keys = (parent_key, link_key, version_key[0] if version_key else None)
        self._table_version: TableVersion | None = None
        self._state: dict | None = None
        #: Whether this run wrote the links of any parent (`caught_up`).
        self._wrote_links = False

    @property
    def parents_from(self) -> bounds.Epoch:
        """The oldest parent `updated_at` (epoch) whose links this run writes."""
        return EVERY_PARENT if self.full_table else self.lower_bound

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Nothing of its own to read: the parent writes the rows (`write_links`)."""
        return ()

    # --- called by the parent -------------------------------------------------------------

    def open(self) -> None:
        """Before the parent's first record: the SCHEMA, and a new table version."""
        self.write_schema()
        self._table_version = TableVersion(self) if self.full_table else None
        self._state = None if self.full_table else self.stream_state

    def rows_of(self, record: dict, version: str | None) -> list[dict]:
        """The rows of one parent record (its id in `record["id"]`, its links in
        `parent_field`) whose `updated_at` is `version`."""
        parent_id = record.get("id")
        if parent_id is None:
            return []
        ids = linked_ids(record.get(self.parent_field), self.list_key)
        return link_rows(self._keys, str(parent_id), ids, version) if ids else []

    def write_links(self, record: dict, version: str | None, bookmark: str | None) -> None:
        """Write the rows of one parent record; then, for an incremental bridge, the bookmark
        moves to `bookmark` (the parent's capped `updated_at`)."""
        rows = self.rows_of(record, version)
        if rows:
            self.write_rows(rows)
        self._wrote_links = True
        if self._state is not None and bookmark is not None:
            advance_bookmark(self._state, t.cast("str", self.replication_key), bookmark)

    def write_rows(self, rows: list[dict]) -> None:
        """RECORD messages through the stream's maps (aliases, filters), as the SDK writes."""
        if self._table_version is not None:
            self._table_version.open()
        version = None if self._table_version is None else self._table_version.version
        extracted = datetime.datetime.now(datetime.timezone.utc)
        write = self.intercom_tap.write_message
        for stream_map in self.stream_maps:
            alias = stream_map.stream_alias
            for row in rows:
                mapped = stream_map.transform(row)
                if mapped is not None:
                    write(
                        RecordMessage(
                            stream=alias, record=mapped, version=version, time_extracted=extracted
                        )
                    )

    def caught_up(self, bookmark: str) -> None:
        """The parent's out-of-order read is complete: an incremental bridge that wrote any
        parent's links saves `bookmark`, as after a sequential read."""
        if self._state is not None and self._wrote_links:
            advance_bookmark(self._state, t.cast("str", self.replication_key), bookmark)

    def close(self, *, complete: bool) -> None:
        """After the parent's last record: a complete read closes the table version."""
        if self._table_version is not None and complete:
            self._table_version.close()
        self._table_version = None
        self._state = None


class BridgeParent(IntercomStream):
    """A stream whose records feed bridge streams (its `child_streams` that are bridges)."""

    #: The bridges open during this stream's read.
    open_bridges: tuple[BridgeStream, ...] = ()

    def selected_bridges(self) -> list[BridgeStream]:
        return [c for c in self.child_streams if isinstance(c, BridgeStream) and c.selected]

    def generate_child_contexts(
        self, record: dict, context: Context | None
    ) -> Iterable[dict | None]:
        """None: bridges are written from `post_process` (and other children, if any, are
        synced there too)."""
        return ()

    def records_with_bridges(self, records: Iterable[dict]) -> Iterable[dict]:
        """`records` (the parent's read) with its selected bridges open around it; they are
        complete only when the read finished and the stream was not skipped."""
        self.open_bridges = tuple(self.selected_bridges())
        for bridge in self.open_bridges:
            bridge.open()
        complete = False
        try:
            yield from records
            complete = self.name not in self.run.stats.skipped_streams
        finally:
            for bridge in self.open_bridges:
                bridge.close(complete=complete)
            self.open_bridges = ()

    def write_bridges(
        self, epoch: bounds.Epoch | None, record: dict, version: str | None, bookmark: str | None
    ) -> None:
        """Each open bridge that wants this parent (at or after its bound) writes its links."""
        for bridge in self.open_bridges:
            if epoch is None or epoch >= bridge.parents_from:
                bridge.write_links(record, version, bookmark)
