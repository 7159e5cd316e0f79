"""Where the tap's Singer messages go, and in which shape.

Every message of the run passes through `IntercomMessageWriter` (the SDK's `message_writer_class`
hook): on a stream syncing in parallel it goes into that stream's spool (`parallel_sync`), else
to stdout. On the way:

- STATE is written in the shape both this tap and Stitch's tap resume from (`stitch.state`),
  and only when it changed;
- SCHEMA is written once per stream and schema (the SDK writes a child's for every parent);
- every RECORD is counted for the progress lines.
"""

from __future__ import annotations

import copy
import sys
import typing as t

from singer_sdk.io_base import SingerWriter
from singer_sdk.singerlib import RecordMessage, SchemaMessage, StateMessage

from tap_intercom.spool import current_spool
from tap_intercom.stitch import to_external_state

if t.TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from singer_sdk.singerlib import Message


class IntercomMessageWriter(SingerWriter):
    """The SDK's writer, plus the routing and shaping described in the module docstring."""

    def __init__(
        self,
        replication_keys: Mapping[str, str | None],
        on_record: Callable[[str], None],
    ) -> None:
        super().__init__()
        self._replication_keys = replication_keys
        self._on_record = on_record
        self._schemas: dict[str, SchemaMessage] = {}
        self._last_state: dict | None = None

    def write_message(self, message: Message) -> None:
        if isinstance(message, SchemaMessage):
            if _same_schema(self._schemas.get(message.stream), message):
                return
            self._schemas[message.stream] = message
        elif isinstance(message, RecordMessage):
            self._on_record(message.stream)
        spool = current_spool()
        if spool is not None:
            if isinstance(message, StateMessage):
                # The main thread writes it, in order, merged into the emitted state.
                spool.add_state(message.value, emit=True)
            else:
                spool.add_line(self.format_message(message))
            return
        if isinstance(message, StateMessage):
            self.write_state(message.value)
            return
        super().write_message(message)

    def write_state(self, state: Mapping[str, t.Any]) -> None:
        """Write `state` (the SDK's shape) as a Stitch-compatible STATE, unless unchanged."""
        external = to_external_state(state, self._replication_keys)
        if external != self._last_state:
            super().write_message(StateMessage(value=external))
            self._last_state = copy.deepcopy(external)


def _same_schema(previous: SchemaMessage | None, message: SchemaMessage) -> bool:
    """Whether `message` repeats `previous` (the SDK hands the same schema dict each time, so
    identity answers at once; no serialisation, which cost seconds over 5,000 parents)."""
    if previous is None:
        return False
    return (
        (previous.schema is message.schema or previous.schema == message.schema)
        and previous.key_properties == message.key_properties
        and previous.bookmark_properties == message.bookmark_properties
    )


def write_stdout(text: str) -> None:
    """Write all of `text` to stdout. Unbuffered (PYTHONUNBUFFERED) text writes to a pipe can
    end early when a signal arrives mid-write; the binary layer's count is checked here."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # e.g. a StringIO in tests
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    sys.stdout.flush()
    view = memoryview(text.encode(sys.stdout.encoding or "utf-8", sys.stdout.errors or "strict"))
    while view:
        written = buffer.write(view)
        view = view[written or 0 :]
    buffer.flush()
