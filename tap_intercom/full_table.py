"""Full-table streams as table versions: what vanished from Intercom vanishes downstream.

A stream read in full each run is wrapped in ACTIVATE_VERSION messages (the Singer convention
for a full-table replace, as Stitch's tap writes them: version = epoch milliseconds): one before
its first record, one after its last. A target that supports them then soft-deletes
(`_sdc_deleted_at`) or hard-deletes every row of an older version, i.e. whatever was deleted in
Intercom. The closing message is written only after a complete read: a version replaces the
table only if every live row is in it (a stream skipped on 403 writes none).
"""

from __future__ import annotations

import time
import typing as t

from tap_intercom.client import IntercomStream

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from singer_sdk.helpers.types import Context


class TableVersion:
    """One run's table version of one stream: opened before its first record, closed once the
    read is complete (never for a stream skipped on 403: an empty version would delete it).
    Also the full-table bridges' (`bridges`)."""

    def __init__(self, stream: IntercomStream) -> None:
        self.stream = stream
        self.version: int | None = None

    def open(self) -> None:
        """Before a record: the opening ACTIVATE_VERSION, once."""
        if self.version is None:
            self.version = int(time.time() * 1000)
            self.stream.write_activate_version(self.version)

    def close(self) -> None:
        """After the last record of a complete read (an empty table is opened first: every
        row downstream is gone)."""
        if self.stream.name in self.stream.run.stats.skipped_streams:
            return
        self.open()
        self.stream.write_activate_version(t.cast("int", self.version))


def as_table_version(stream: IntercomStream, records: Iterable[dict]) -> Iterator[dict]:
    """`records` (all of the table) wrapped in one table version of `stream`."""
    table = TableVersion(stream)
    for record in records:
        table.open()
        yield record
    # Resumed after the last record was written: the read is complete.
    table.close()


class FullTableStream(IntercomStream):
    """A stream whose every run writes one complete table version."""

    def table_records(self, context: Context | None) -> Iterable[dict]:
        """Every record of the table (default: the SDK's request loop)."""
        yield from super().get_records(context)

    def writes_table_versions(self) -> bool:
        return self.selected

    def get_records(self, context: Context | None) -> Iterable[dict]:
        if not self.writes_table_versions():
            yield from self.table_records(context)
            return
        yield from as_table_version(self, self.table_records(context))
