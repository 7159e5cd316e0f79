"""scripts/benchmark.py runs end to end and reports sane figures (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_script_reports_our_tap_on_small_contacts():
    proc = subprocess.run(
        [
            sys.executable,
            "scripts/benchmark.py",
            "--scale",
            "small",
            "--rounds",
            "1",
            "--taps",
            "ours",
            "--streams",
            "contacts",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    settings = report["settings"]
    assert settings["scale"] == "small"
    assert settings["streams"] == ["contacts"]
    assert settings["rate_limit_per_10s"] == 1666  # 10,000/min by default
    assert list(report["taps"]) == ["ours"]
    ours = report["taps"]["ours"]
    assert ours["rounds"] == 1
    assert ours["records_by_stream"] == {"contacts": 300}  # the small scale's contacts
    assert ours["records"] == 300
    assert ours["median_wall_s"] > 0
    assert ours["records_per_s"] > 0
    assert ours["requests"] >= 2  # at least the search pages
    assert ours["requests_by_endpoint"]["POST /contacts/search"] >= 2
    assert ours["responses_429"] == 0
    assert 10 < ours["peak_rss_mb"] < 1000
    assert ours["longest_chain_endpoint"] == "POST /contacts/search"
    assert ours["longest_chain"] == ours["requests_by_endpoint"]["POST /contacts/search"]
    assert ours["lower_bound_s"] == max(ours["lower_bound_rate_s"], ours["lower_bound_chain_s"])
    assert ours["lower_bound_chain_s"] == ours["longest_chain"] * 0.1  # 100 ms default latency
    assert ours["wall_over_bound"] >= 1.0  # nothing beats the physical bound
    assert "speedup_vs_other" not in ours
