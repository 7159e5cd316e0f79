"""scripts/benchmark.py runs end to end and reports sane figures (no timing assertions)."""

from __future__ import annotations

import argparse
import http.server
import importlib
import io
import json
import os
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from fake_intercom.data import SCALES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def scripts_on_path(monkeypatch):
    """Import the benchmark's modules as `scripts/benchmark.py` does when run."""
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    return importlib.import_module


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
            "--floor-rounds",
            "2",
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
    assert settings["pythonunbuffered"] is bool(os.environ.get("PYTHONUNBUFFERED"))
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
    rate_bound = ours["requests"] / (10_000 / 60)
    assert ours["lower_bound_rate_s"] == pytest.approx(rate_bound, abs=0.001)
    assert ours["wall_over_rate_bound"] == pytest.approx(
        ours["median_wall_s"] / ours["lower_bound_rate_s"], abs=0.01
    )
    assert "speedup_vs_other" not in ours
    # CPU per record, and the standard-library floor on the same search pages
    assert 0 < ours["median_cpu_s"] == ours["cpus_s"][0]
    assert ours["cpu_us_per_record"] == pytest.approx(1e6 * ours["median_cpu_s"] / 300, rel=0.01)
    floor = report["floor"]
    assert floor["stream"] == "contacts"
    assert floor["records"] == 300
    assert floor["pages"] == 2  # 150 per page
    assert floor["rounds"] == 1  # one floor after the one round
    assert floor["passes_per_round"] == 2
    assert floor["us_per_record"] > 0
    assert floor["us_per_record_rounds"] == [floor["us_per_record"]]
    assert ours["floor_us_per_record"] == floor["us_per_record"]
    assert ours["cpu_over_floor_rounds"] == [ours["cpu_per_record_over_floor"]]
    assert ours["cpu_per_record_over_floor"] == pytest.approx(
        ours["cpu_us_per_record"] / floor["us_per_record"], rel=0.01
    )


def test_each_round_is_set_against_the_floor_measured_after_it(scripts_on_path):
    """The ratio is the median of each round's own ratio, not one median over another: a
    round run while the machine was slow is compared with a floor measured as slowly."""
    report = scripts_on_path("benchmark_report")
    args = argparse.Namespace(latency_ms=0.0, rate_limit_per_min=None)

    def run(cpu_s: float, floor_us: float) -> dict:
        floor = {"stream": "contacts", "pages": 1, "records": 100, "us_per_record": floor_us}
        return {
            "wall_s": 1.0, "cpu_s": cpu_s, "records": {"contacts": 100}, "requests": 1,
            "chain": 1, "chain_endpoint": "POST /contacts/search", "responses_429": 0,
            "max_in_flight": 1, "peak_rss_mb": 50.0, "peak_tmpdir_mb": 0.0,
            "requests_by_endpoint": {"POST /contacts/search": 1}, "floor": floor,
        }  # fmt: skip

    # 100 records: 0.01 s of CPU is 100 us/record.
    runs = [run(0.010, 50.0), run(0.030, 100.0), run(0.012, 40.0)]
    summary = report.summarize("ours", runs, args)
    assert summary["cpu_over_floor_rounds"] == [2.0, 3.0, 3.0]
    assert summary["cpu_per_record_over_floor"] == 3.0  # not 120 / 50 = 2.4
    assert summary["floor_us_per_record"] == 50.0
    floors = report.floor_summary([r["floor"] for r in runs], 1)
    assert floors["us_per_record"] == 50.0
    assert floors["us_per_record_rounds"] == [50.0, 100.0, 40.0]
    assert (floors["rounds"], floors["passes_per_round"]) == (3, 1)
    assert report.floor_summary([], 1) is None
    del runs[1]["floor"]  # a round without a floor is left out of the ratio
    assert report.summarize("ours", runs, args)["cpu_over_floor_rounds"] == [2.0, 3.0]


def test_contacts_heavy_scale_is_the_issues_workspace(scripts_on_path):
    benchmark = scripts_on_path("benchmark")
    assert set(benchmark.SCALES) == set(SCALES)
    assert benchmark.parse_args(["--scale", "contacts-heavy"]).scale == "contacts-heavy"
    heavy = SCALES["contacts-heavy"]
    assert (heavy["contacts"], heavy["conversations"], heavy["companies"]) == (
        200_000,
        2_000,
        2_000,
    )


def test_floor_writes_each_record_of_a_page_as_a_record_line(scripts_on_path):
    floor = scripts_on_path("benchmark_floor")
    page = {"type": "list", "data": [{"id": "1", "name": "é"}, {"id": "2", "x": 1.5}]}
    sink = io.StringIO()
    assert floor.parse_and_write(json.dumps(page).encode(), "contacts", sink) == 2
    lines = [json.loads(line) for line in sink.getvalue().splitlines()]
    assert [m["record"] for m in lines] == page["data"]
    assert {(m["type"], m["stream"]) for m in lines} == {("RECORD", "contacts")}
    assert all(m["time_extracted"].endswith("+00:00") for m in lines)


class _RateLimitedOnce(http.server.BaseHTTPRequestHandler):
    """Answers the first request with a 429 whose window resets at epoch 1,000; then 200."""

    answered = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).answered += 1
        if type(self).answered == 1:
            self.send_response(429)
            self.send_header("X-RateLimit-Reset", "1000")
            body = b'{"type":"error.list","errors":[{"code":"rate_limit_exceeded"}]}'
        else:
            self.send_response(200)
            body = b'{"type":"list","data":[{"id":"1"}],"pages":{}}'
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_floor_pages_wait_out_a_spent_rate_limit_window(scripts_on_path):
    """The taps' runs may leave the fake's window spent: the floor waits for its reset."""
    floor = scripts_on_path("benchmark_floor")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RateLimitedOnce)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    waits: list[float] = []
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/contacts/search"
        request = urllib.request.Request(url, data=b"{}", method="POST")
        body = floor.fetch(request, clock=lambda: 996.0, sleep=waits.append)
    finally:
        server.shutdown()
        server.server_close()
    assert json.loads(body)["data"] == [{"id": "1"}]
    assert waits == [4.0]  # until the window's reset, then asked again
    assert _RateLimitedOnce.answered == 2
