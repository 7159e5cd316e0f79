"""Stitch's tap is run with `-c`, `-s`, `-p`, `-d`; this tap takes them too (a drop-in)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.singer_run import TAP_EXECUTABLE, base_config, discover, run_tap, select_streams


def _tap(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [TAP_EXECUTABLE, *args], capture_output=True, text=True, timeout=120, check=False, cwd=cwd
    )


def test_short_flags_discover_and_sync_like_the_long_ones(fake_intercom, tmp_path: Path) -> None:
    config = base_config(fake_intercom.base_url)
    (tmp_path / "config.json").write_text(json.dumps(config))

    short_discovery = _tap(["-c", "config.json", "-d"], tmp_path)
    assert short_discovery.returncode == 0, short_discovery.stderr[-2000:]
    assert json.loads(short_discovery.stdout) == discover(config)

    catalog = select_streams(json.loads(short_discovery.stdout), {"tags", "conversations"})
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    first = run_tap(config, catalog=catalog)
    assert first.returncode == 0, first.stderr[-2000:]
    (tmp_path / "state.json").write_text(json.dumps(first.final_state))

    short_sync = _tap(["-c", "config.json", "-p", "catalog.json", "-s", "state.json"], tmp_path)
    assert short_sync.returncode == 0, short_sync.stderr[-2000:]
    long_sync = run_tap(config, catalog=catalog, state=first.final_state)
    assert long_sync.returncode == 0, long_sync.stderr[-2000:]
    messages = [json.loads(line) for line in short_sync.stdout.splitlines() if line.strip()]
    assert {m["stream"] for m in messages if m["type"] == "RECORD"} == {"tags", "conversations"}

    def comparable(ms: list[dict]) -> list[dict]:
        # Table versions are the run's start time (epoch ms): they differ between runs.
        return [{k: v for k, v in m.items() if k not in {"time_extracted", "version"}} for m in ms]

    assert comparable(messages) == comparable(long_sync.messages)


def test_short_config_flag_reads_the_environment(fake_intercom, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"TAP_INTERCOM_ACCESS_TOKEN=test-token\nTAP_INTERCOM_API_URL={fake_intercom.base_url}\n"
    )
    proc = _tap(["-c", "ENV", "-d"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(json.loads(proc.stdout)["streams"]) >= 11
