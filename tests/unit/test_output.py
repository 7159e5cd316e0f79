"""The message writer: lines that mean what the SDK's writer wrote, records flushed by the
next STATE (or any other message), never left behind it."""

from __future__ import annotations

import datetime
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from singer_sdk.io_base import SingerWriter
from singer_sdk.singerlib import RecordMessage, SchemaMessage, StateMessage

from tap_intercom.output import IntercomMessageWriter


class RecordingBuffer(io.RawIOBase):
    """stdout's binary layer: what was written, and what had been flushed at each flush."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.flushed: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.data += bytes(data)
        return len(data)

    def flush(self) -> None:
        self.flushed.append(bytes(self.data))


class FakeStdout:
    def __init__(self) -> None:
        self.buffer = RecordingBuffer()

    def write(self, text: str) -> int:
        return self.buffer.write(text.encode())

    def flush(self) -> None:
        self.buffer.flush()


def fake_stdout(monkeypatch) -> FakeStdout:
    """Called in the test itself: pytest's capture sets `sys.stdout` again after fixtures."""
    fake = FakeStdout()
    monkeypatch.setattr("sys.stdout", fake)
    return fake


def writer() -> IntercomMessageWriter:
    return IntercomMessageWriter({"contacts": "updated_at"}, on_record=lambda stream: None)


EXTRACTED = datetime.datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=datetime.timezone.utc)


def record(n: int, **extra) -> RecordMessage:
    return RecordMessage(
        stream="contacts",
        record={"id": str(n), "name": "Zoë 王", "score": Decimal("1.10"), **extra},
        time_extracted=EXTRACTED,
    )


def test_records_wait_for_the_next_state_which_flushes_them(monkeypatch):
    stdout = fake_stdout(monkeypatch)
    out = writer()
    out.write_message(record(1))
    out.write_message(record(2))
    assert stdout.buffer.flushed == []  # no flush (no write system call) per record
    state = {"bookmarks": {"contacts": {"replication_key": "updated_at"}}}
    out.write_message(StateMessage(value=state))
    assert len(stdout.buffer.flushed) == 1
    lines = stdout.buffer.flushed[0].decode().splitlines()
    assert [json.loads(line)["type"] for line in lines] == ["RECORD", "RECORD", "STATE"]


def test_schema_messages_are_flushed_at_once(monkeypatch):
    stdout = fake_stdout(monkeypatch)
    writer().write_message(
        SchemaMessage(stream="contacts", schema={"type": "object"}, key_properties=["id"])
    )
    assert [json.loads(stdout.buffer.flushed[-1])["type"]] == ["SCHEMA"]


@pytest.mark.parametrize(
    "message",
    [
        record(1),
        record(2, nested={"a": [1, None, True]}, text="line\u2028break"),
        RecordMessage(stream="contacts", record={"id": "1"}, version=1714560000000),
        RecordMessage(stream="contacts", record={"id": "1"}),
        SchemaMessage(
            stream="contacts",
            schema={"type": "object", "properties": {"id": {"type": "string"}}},
            key_properties=["id"],
            bookmark_properties=["updated_at"],
        ),
    ],
)
def test_each_line_means_what_the_sdks_writer_wrote(message, monkeypatch):
    stdout = fake_stdout(monkeypatch)
    writer().write_message(message)
    ours = stdout.buffer.data.decode()
    sdk = SingerWriter().format_message(message) + "\n"
    assert ours.endswith("\n")
    assert ours.count("\n") == 1
    parse = lambda text: json.loads(text, parse_float=Decimal)  # noqa: E731
    assert parse(ours) == parse(sdk)
    assert list(parse(ours)) == list(parse(sdk))  # the same keys, in the same order


def _run_probe(probe: str, out: Path, *, unbuffered: bool) -> tuple[str, bytes]:
    """Run `probe` in a new Python with stdout on the file `out` (its path the probe's only
    argument), PYTHONUNBUFFERED set or not: what it wrote to stderr, and the file's bytes."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    with out.open("wb") as stdout:
        proc = subprocess.run(
            [sys.executable, "-c", probe, str(out)],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            check=True,
        )
    return proc.stderr, out.read_bytes()


_BUFFER_PROBE = """
import os, sys
from tap_intercom.output import enlarge_stdout_buffer, write_stdout_bytes
enlarge_stdout_buffer()
path = sys.argv[1]
write_stdout_bytes(b"x" * 99 + b"\\n", flush=False)  # one RECORD line
sizes = [os.path.getsize(path)]
for _ in range(999):
    write_stdout_bytes(b"x" * 99 + b"\\n", flush=False)
sizes.append(os.path.getsize(path))
write_stdout_bytes(b'{"type": "STATE"}\\n', flush=True)
sizes.append(os.path.getsize(path))
sys.stderr.write(" ".join(map(str, sizes)))
"""


@pytest.mark.parametrize("unbuffered", [False, True])
def test_the_command_s_stdout_holds_records_until_a_state(tmp_path, unbuffered):
    """100 KB of RECORD lines stay in the command's 256 KB stdout buffer (the default 8 KB
    one would have made a dozen writes; PYTHONUNBUFFERED one write per line) until the STATE."""
    stderr, written = _run_probe(_BUFFER_PROBE, tmp_path / "out.jsonl", unbuffered=unbuffered)
    assert [int(n) for n in stderr.split()] == [0, 0, 100_018]
    assert written.endswith(b'{"type": "STATE"}\n')


_PRINT_PROBE = """
import os, sys
from tap_intercom.output import enlarge_stdout_buffer, write_stdout_bytes
enlarge_stdout_buffer()
write_stdout_bytes(b"record\\n", flush=False)
print("text")
sys.stderr.write(str(os.path.getsize(sys.argv[1])))
"""


@pytest.mark.parametrize(("unbuffered", "expected"), [(False, 0), (True, 12)])
def test_under_pythonunbuffered_printed_text_is_still_flushed_at_once(
    tmp_path, unbuffered, expected
):
    """The buffer holds RECORD lines only: a line printed to stdout in an unbuffered run
    reaches the file at once, after the lines written before it."""
    stderr, written = _run_probe(_PRINT_PROBE, tmp_path / "out.txt", unbuffered=unbuffered)
    assert int(stderr) == expected
    assert written == b"record\ntext\n"


@pytest.mark.parametrize("version", [None, 1714560000000])
def test_write_record_writes_the_line_of_the_record_message(version, monkeypatch):
    """`write_record` (the plain record path) and `write_message` of the RecordMessage the SDK
    would build give the same line, but for the moment of extraction."""
    data = {"id": "1", "name": "Zoë 王", "score": Decimal("1.10"), "text": "a\u2028b"}
    counted: list[str] = []
    out = IntercomMessageWriter({"contacts": "updated_at"}, on_record=counted.append)
    stdout = fake_stdout(monkeypatch)
    monkeypatch.setattr("tap_intercom.output.utc_now_isoformat", EXTRACTED.isoformat)
    out.write_record("contacts", data, version)
    plain = stdout.buffer.data
    stdout.buffer.data = b""
    message = RecordMessage(
        stream="contacts", record=data, version=version, time_extracted=EXTRACTED
    )
    out.write_message(message)
    assert plain == stdout.buffer.data
    assert b"\\u2028" in plain
    assert counted == ["contacts", "contacts"]


def test_write_record_goes_to_the_stream_s_spool(monkeypatch):
    lines: list[str] = []

    class Spool:
        def add_line(self, line: str) -> None:
            lines.append(line)

    monkeypatch.setattr("tap_intercom.output.current_spool", Spool)
    stdout = fake_stdout(monkeypatch)
    writer().write_record("contacts", {"id": "1"}, None)
    assert stdout.buffer.data == b""
    [line] = lines
    assert json.loads(line)["record"] == {"id": "1"}
    assert not line.endswith("\n")
