"""The tap piped into real Singer targets, each in its own venv (`.venvs/<name>`).

- target-jsonl: one file per stream, with the expected number of records;
- target-stitch==4.0.3 posting to a loopback server that plays Stitch's Import API
  (`POST /v2/import/batch`, JSON body `{table_name, schema, key_names, messages, ...}`, answered
  with 202 `{"status": "OK", "message": "Batch accepted!"}` as Stitch does): every batch accepted,
  table names, key names, schemas and records checked;
- `target-stitch --dry-run` (Draft 4 validation + key properties) on the full output.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker

from fake_intercom import FakeIntercom
from tap_intercom.streams import BRIDGE_STREAM_TYPES, REPLICATION_KEYS
from tests import aux_venvs, oracle
from tests.singer_run import base_config, discover, run_tap, select_streams

pytestmark = pytest.mark.slow

START_DATE = "2000-01-01T00:00:00Z"
STITCH_TOKEN = "stitch-import-token"


class TapOutput:
    def __init__(self, path: Path, messages: list[dict], fake: FakeIntercom) -> None:
        self.path = path
        self.messages = messages
        self.schemas = {m["stream"]: m for m in messages if m["type"] == "SCHEMA"}
        self.counts = Counter(m["stream"] for m in messages if m["type"] == "RECORD")
        self.final_state = [m["value"] for m in messages if m["type"] == "STATE"][-1]
        self.fake = fake

    def assert_ground_truth(self, stream: str, rows: list[dict]) -> None:
        """The rows a target wrote for `stream` are exactly the fake's ground truth."""
        oracle.assert_ground_truth(self.fake, stream, rows, START_DATE)


@pytest.fixture(scope="module")
def tap_output(fake_intercom: FakeIntercom, tmp_path_factory: pytest.TempPathFactory) -> TapOutput:
    config = base_config(fake_intercom.base_url, start_date=START_DATE)
    catalog = select_streams(discover(config))
    run = run_tap(config, catalog=catalog)
    assert run.returncode == 0, run.stderr[-5000:]
    path = tmp_path_factory.mktemp("tap") / "singer.jsonl"
    path.write_text(run.stdout)
    out = TapOutput(path, run.messages, fake_intercom)
    assert len(out.schemas) >= 11, sorted(out.schemas)
    for stream in out.schemas:
        assert out.counts[stream] > 0, f"no records for {stream}"
    return out


def pipe(argv: list[str], input_path: Path, cwd: Path) -> subprocess.CompletedProcess:
    with input_path.open("rb") as stdin:
        return subprocess.run(
            argv, stdin=stdin, capture_output=True, cwd=cwd, timeout=300, check=False
        )


def test_tap_into_target_jsonl(tap_output: TapOutput, tmp_path: Path) -> None:
    target = aux_venvs.venv_bin("target-jsonl", "target-jsonl")
    out_dir = tmp_path / "out"
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"destination_path": str(out_dir), "do_timestamp_file": False}))
    proc = pipe([str(target), "--config", str(config)], tap_output.path, tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()[-5000:]
    files = {p.stem: p for p in out_dir.glob("*.jsonl")}
    assert set(files) == set(tap_output.schemas), "expected exactly one file per stream"
    for stream, path in files.items():
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        assert len(rows) == tap_output.counts[stream], stream
        tap_output.assert_ground_truth(stream, rows)
    # target-jsonl echoes the last STATE it saw
    echoed = [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]
    assert echoed[-1] == tap_output.final_state


class StitchImportAPI:
    """A loopback stand-in for Stitch's Import API `POST /v2/import/batch`."""

    def __init__(self) -> None:
        self.batches: list[dict] = []
        self.errors: list[str] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, reply = api.handle(self.path, dict(self.headers), body)
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def handle(self, path: str, headers: dict, body: bytes) -> tuple[int, dict]:
        problems = []
        if path != "/v2/import/batch":
            problems.append(f"unexpected path {path}")
        if headers.get("Authorization") != f"Bearer {STITCH_TOKEN}":
            problems.append(f"bad Authorization header {headers.get('Authorization')!r}")
        if not headers.get("Content-Type", "").startswith("application/json"):
            problems.append(f"bad Content-Type {headers.get('Content-Type')!r}")
        try:
            batch = json.loads(body)
        except ValueError as exc:
            problems.append(f"body is not JSON: {exc}")
            batch = {}
        for field in ("table_name", "schema", "messages", "key_names"):
            if field not in batch:
                problems.append(f"batch without {field}")
        if problems:
            self.errors.extend(problems)
            return 400, {"error": "; ".join(problems)}
        self.batches.append(batch)
        return 202, {"status": "OK", "message": "Batch accepted!"}

    def __enter__(self) -> StitchImportAPI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stitch_api() -> Iterator[StitchImportAPI]:
    with StitchImportAPI() as api:
        yield api


def test_tap_into_target_stitch_import_api(
    tap_output: TapOutput, stitch_api: StitchImportAPI, tmp_path: Path
) -> None:
    target = aux_venvs.venv_bin("target-stitch", "target-stitch")
    config = tmp_path / "stitch.json"
    url = f"{stitch_api.url}/v2/import/batch"
    config.write_text(
        json.dumps(
            {
                "token": STITCH_TOKEN,
                "client_id": 4242,
                "small_batch_url": url,
                "big_batch_url": url,
                "batch_size_preferences": {},
                "disable_collection": True,  # never phone home: loopback only
            }
        )
    )
    proc = pipe([str(target), "--config", str(config)], tap_output.path, tmp_path)
    stderr = proc.stderr.decode()
    assert proc.returncode == 0, stderr[-5000:]
    assert not stitch_api.errors, stitch_api.errors
    assert stitch_api.batches, "target-stitch sent nothing"

    received: dict[str, list[dict]] = {}
    # Every incremental stream's SCHEMA names its bookmark, which must reach Stitch below.
    bookmarked = {s for s, m in tap_output.schemas.items() if m.get("bookmark_properties")}
    assert bookmarked == {s for s in tap_output.schemas if REPLICATION_KEYS[s]}
    for batch in stitch_api.batches:
        table = batch["table_name"]
        assert table in tap_output.schemas, f"unexpected table {table}"
        schema_msg = tap_output.schemas[table]
        assert batch["key_names"] == schema_msg["key_properties"], table
        assert batch["key_names"], f"{table}: no key names"
        assert batch["schema"] == schema_msg["schema"], f"{table}: schema changed in transit"
        if schema_msg.get("bookmark_properties"):
            assert batch.get("bookmark_names") == schema_msg["bookmark_properties"], table
        validator = Draft4Validator(batch["schema"], format_checker=FormatChecker())
        for message in batch["messages"]:
            assert message["action"] in {"upsert", "activate_version"}, message
            assert isinstance(message["sequence"], int)
            if message["action"] == "upsert":
                errors = [e.message for e in validator.iter_errors(message["data"])]
                assert not errors, f"{table}: {errors[:3]}"
                for key in batch["key_names"]:
                    assert key in message["data"], f"{table}: record without {key}"
                received.setdefault(table, []).append(message["data"])

    assert set(received) == set(tap_output.schemas)
    for table, rows in received.items():
        assert len(rows) == tap_output.counts[table], table
        tap_output.assert_ground_truth(table, rows)
    # STATE is echoed only after the batches before it were accepted
    echoed = [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]
    assert echoed, "target-stitch emitted no STATE"
    assert echoed[-1] == tap_output.final_state


def test_target_stitch_dry_run_accepts_full_output(tap_output: TapOutput, tmp_path: Path) -> None:
    target = aux_venvs.venv_bin("target-stitch", "target-stitch")
    proc = pipe([str(target), "--dry-run"], tap_output.path, tmp_path)
    stderr = proc.stderr.decode()
    assert proc.returncode == 0, stderr[-5000:]
    assert "Batch is valid" in stderr
    for stream in tap_output.schemas:
        assert f"{stream} (" in stderr, f"dry run never validated {stream}"


def test_target_stitch_dry_run_accepts_every_bridge(tap_output: TapOutput, tmp_path: Path) -> None:
    """The bridge streams (not in Stitch's tap) pass its validation too, table versions and all."""
    bridges = [stream_type.name for stream_type in BRIDGE_STREAM_TYPES]
    lines = [
        line
        for line in tap_output.path.read_text().splitlines()
        if json.loads(line).get("stream") in bridges
    ]
    assert {json.loads(line)["type"] for line in lines} >= {"SCHEMA", "RECORD", "ACTIVATE_VERSION"}
    only_bridges = tmp_path / "bridges.jsonl"
    only_bridges.write_text("\n".join(lines) + "\n")
    proc = pipe(
        [str(aux_venvs.venv_bin("target-stitch", "target-stitch")), "--dry-run"],
        only_bridges,
        tmp_path,
    )
    stderr = proc.stderr.decode()
    assert proc.returncode == 0, stderr[-5000:]
    for bridge in bridges:
        assert tap_output.counts[bridge] > 0, bridge
        assert f"{bridge} (" in stderr, f"dry run never validated {bridge}"
