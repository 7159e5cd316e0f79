"""Run the real `tap-intercom` CLI in a subprocess and parse the Singer messages it writes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

TAP_EXECUTABLE = str(Path(sys.executable).parent / "tap-intercom")
TOKEN = "test-token"


@dataclass
class TapRun:
    """The outcome of one tap invocation."""

    returncode: int
    stdout: str
    stderr: str
    messages: list[dict] = field(default_factory=list)

    def records(self, stream: str) -> list[dict]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    def record_messages(self, stream: str | None = None) -> list[dict]:
        return [
            m
            for m in self.messages
            if m["type"] == "RECORD" and (stream is None or m["stream"] == stream)
        ]

    def comparable_messages(self) -> list[dict]:
        """Every message without what differs between any two runs (extraction time, table
        version)."""
        return [
            {k: v for k, v in m.items() if k not in {"time_extracted", "version"}}
            for m in self.messages
        ]

    def states(self) -> list[dict]:
        return [m["value"] for m in self.messages if m["type"] == "STATE"]

    @property
    def final_state(self) -> dict:
        states = self.states()
        assert states, f"no STATE message; stderr:\n{self.stderr[-3000:]}"
        return states[-1]

    def schemas(self) -> dict[str, dict]:
        return {m["stream"]: m for m in self.messages if m["type"] == "SCHEMA"}

    def counts(self) -> Counter:
        return Counter(m["stream"] for m in self.messages if m["type"] == "RECORD")

    def streams_emitted(self) -> set[str]:
        return {m["stream"] for m in self.messages if m["type"] == "RECORD"}


def base_config(fake_url: str, **overrides: object) -> dict:
    config: dict[str, object] = {
        "access_token": TOKEN,
        "api_url": fake_url,
        "start_date": "2000-01-01T00:00:00Z",
        "request_timeout": 30,
    }
    config.update(overrides)
    return config


def run_tap(
    config: dict | None,
    *,
    catalog: dict | None = None,
    state: dict | None = None,
    args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    timeout: float = 600,
    parse: bool = True,
) -> TapRun:
    """Invoke `tap-intercom` with JSON files written from the given dicts."""
    with tempfile.TemporaryDirectory() as tmp:
        argv = [TAP_EXECUTABLE]
        for name, value in (("config", config), ("catalog", catalog), ("state", state)):
            if value is None:
                continue
            path = Path(tmp) / f"{name}.json"
            path.write_text(json.dumps(value))
            argv += [f"--{name}", str(path)]
        argv += list(args)
        run_env = {k: v for k, v in os.environ.items() if not k.startswith("TAP_INTERCOM_")}
        run_env.update(env or {})
        proc = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=run_env,
            check=False,
            cwd=tmp,
        )
    run = TapRun(proc.returncode, proc.stdout, proc.stderr)
    if parse:
        run.messages = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return run


def discover(config: dict) -> dict:
    run = run_tap(config, args=("--discover",), parse=False)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


def select_streams(catalog: dict, streams: set[str] | None = None) -> dict:
    """Mark the given streams (default: all) selected in a discovered catalog."""
    catalog = json.loads(json.dumps(catalog))
    for entry in catalog["streams"]:
        for item in entry["metadata"]:
            if item["breadcrumb"] == []:
                item["metadata"]["selected"] = streams is None or entry["tap_stream_id"] in streams
    return catalog


SUMMARY_RE = re.compile(r"requests: ([\d,]+), retries: ([\d,]+)")


def summary_counts(stderr: str) -> tuple[int, int]:
    """(requests, retries) from the end-of-run summary line."""
    found = SUMMARY_RE.findall(stderr)
    assert found, f"no end-of-run summary in stderr:\n{stderr[-2000:]}"
    requests, retries = found[-1]
    return int(requests.replace(",", "")), int(retries.replace(",", ""))
