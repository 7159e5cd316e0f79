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
    from collections.abc import Iterable

    from singer_sdk.helpers.types import Context


class TableVersion:
    """One table version of a stream: ACTIVATE_VERSION before its first record and after its
    last (also used by the full-table bridges, `bridges`)."""

    def __init__(self, stream: IntercomStream) -> None:
        self.stream = stream
        self.version = int(time.time() * 1000)
        self.started = False

    def before_record(self) -> None:
        if not self.started:
            self.stream.write_activate_version(self.version)
            self.started = True

    def finish(self) -> None:
        """The read was complete: close the version (an empty table: every row is gone)."""
        self.before_record()
        self.stream.write_activate_version(self.version)


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
        table_version = TableVersion(self)
        for record in self.table_records(context):
            table_version.before_record()
            yield record
        # Resumed after the last record was written: the read is complete unless skipped.
        if self.name in self.run.stats.skipped_streams:
            return
        table_version.finish()
