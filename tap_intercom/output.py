"""Where the tap's Singer messages go, and in which shape.

Every message of the run passes through `IntercomMessageWriter` (the SDK's `message_writer_class`
hook): on a stream syncing in parallel it goes into that stream's spool (`parallel_sync`), else
to stdout. On the way:

- STATE is written in the shape both this tap and Stitch's tap resume from (`stitch.state`),
  and only when it changed;
- SCHEMA is written once per stream and schema (the SDK writes a child's for every parent);
- every RECORD is counted for the progress lines.

Every message is serialised by `json_codec.dumps_line` and written to stdout's binary layer.
A RECORD is not flushed on its own (the SDK's writer flushes after every message: a write
system call per record); any other message -- STATE above all -- flushes what came before it,
so a STATE on stdout is always preceded by every record it covers, and a run killed
between two STATEs loses only records that the next run reads again. The command
(`cli`) gives stdout a larger buffer (`enlarge_stdout_buffer`), also under PYTHONUNBUFFERED:
with the default 8 KB, a write system call every three contacts (unbuffered: every record)
let a request thread take the GIL each time.
"""

from __future__ import annotations

import copy
import io
import sys
import typing as t

from singer_sdk.io_base import SingerWriter
from singer_sdk.singerlib import RecordMessage, SchemaMessage, StateMessage

from tap_intercom.dates import utc_now_isoformat
from tap_intercom.json_codec import dumps_line
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
        write_stdout_bytes(self.message_line(message), flush=not isinstance(message, RecordMessage))

    def write_record(self, stream: str, record: dict[str, t.Any], version: int | None) -> None:
        """`write_message` of the RecordMessage the SDK would build for `record` (the same
        line), without building it: for a stream whose SDK record passes change nothing
        (`sdk_seams.StreamSeams._write_record_message`)."""
        self._on_record(stream)
        line = dumps_line(record_dict(stream, record, version, utc_now_isoformat()))
        spool = current_spool()
        if spool is not None:
            spool.add_line(line[:-1].decode())
        else:
            write_stdout_bytes(line, flush=False)

    def serialize_message(self, message: Message) -> str:
        """The message as JSON text (without the newline), for a spool."""
        return self.message_line(message)[:-1].decode()

    @staticmethod
    def message_line(message: Message) -> bytes:
        """The message's line, newline included (`json_codec.dumps_line`)."""
        if isinstance(message, RecordMessage):
            return dumps_line(record_message_dict(message))
        return dumps_line(message.to_dict())

    def write_state(self, state: Mapping[str, t.Any]) -> None:
        """Write `state` (the SDK's shape) as a Stitch-compatible STATE, unless unchanged."""
        external = to_external_state(state, self._replication_keys)
        if external != self._last_state:
            write_stdout_bytes(self.message_line(StateMessage(value=external)), flush=True)
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


def record_message_dict(message: RecordMessage) -> dict[str, t.Any]:
    """`RecordMessage.to_dict()`, with `time_extracted` in the SDK's text form (`record_dict`)."""
    extracted = message.time_extracted
    return record_dict(
        message.stream,
        message.record,
        message.version,
        None if extracted is None else extracted.isoformat(sep="T"),
    )


def record_dict(
    stream: str,
    record: dict[str, t.Any],
    version: int | None,
    time_extracted: str | None,
) -> dict[str, t.Any]:
    """A RECORD message as a dict, keys in `RecordMessage.to_dict()`'s order; `time_extracted`
    is the text the SDK's `serialize_json` writes (`isoformat`; msgspec would write `Z`)."""
    out: dict[str, t.Any] = {"type": "RECORD", "stream": stream, "record": record}
    if version is not None:
        out["version"] = version
    if time_extracted is not None:
        out["time_extracted"] = time_extracted
    return out


def write_stdout_bytes(data: bytes, *, flush: bool) -> None:
    """Write all of `data` to stdout's binary layer, after anything written as text; flush
    it to the file too if `flush` (see the module docstring)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # e.g. a StringIO in tests
        sys.stdout.write(data.decode())
        if flush:
            sys.stdout.flush()
        return
    view = memoryview(data)
    while view:  # a raw (PYTHONUNBUFFERED) stream may write only a part
        written = buffer.write(view)
        view = view[written or 0 :]
    if flush:
        buffer.flush()


def write_stdout(text: str) -> None:
    """Write all of `text` to stdout. Unbuffered (PYTHONUNBUFFERED) text writes to a pipe can
    end early when a signal arrives mid-write; the binary layer's count is checked here."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # e.g. a StringIO in tests
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    sys.stdout.flush()
    view = memoryview(text.encode("utf-8"))  # Singer streams are UTF-8 (`json_codec`)
    while view:
        written = buffer.write(view)
        view = view[written or 0 :]
    buffer.flush()


#: stdout's buffer for the command's run (RECORD lines wait in it until a STATE flushes).
STDOUT_BUFFER_BYTES = 256 * 1024


def enlarge_stdout_buffer() -> None:
    """Give `sys.stdout` a `STDOUT_BUFFER_BYTES` buffer on the same file (same encoding), unless
    it is not a file.

    Also when Python runs unbuffered (PYTHONUNBUFFERED, set in many container images): there
    each RECORD line would be a write system call of its own, and each call lets a request
    thread take the GIL. The Singer stream is flushed where it matters either way (before every
    message that is not a RECORD, and at exit), so a buffer changes no guarantee. Text written
    to stdout (a `print`) is still flushed at each newline when the run is unbuffered, as the
    user asked, and in order with the Singer lines (`write_through`)."""
    stdout = sys.stdout
    buffer = getattr(stdout, "buffer", None)
    unbuffered = isinstance(buffer, io.FileIO)
    if not isinstance(stdout, io.TextIOWrapper) or not (
        unbuffered or isinstance(buffer, io.BufferedWriter)
    ):
        return
    try:
        fileno = stdout.fileno()
    except (OSError, ValueError):
        return
    stdout.flush()
    raw = io.FileIO(fileno, "w", closefd=False)
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(raw, buffer_size=STDOUT_BUFFER_BYTES),
        encoding=stdout.encoding,
        errors=stdout.errors,
        line_buffering=stdout.line_buffering or unbuffered,
        write_through=unbuffered,
    )
