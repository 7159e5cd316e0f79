"""Fake Intercom at `large` scale: start time, memory, and per-page latency (no full scans)."""

from __future__ import annotations

import http.client
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]
HEADERS = {
    "Authorization": "Bearer test-token",
    "Intercom-Version": "2.14",
    "Content-Type": "application/json",
}


def since(b):
    return {
        "operator": "OR",
        "value": [
            {"field": "updated_at", "operator": ">", "value": b},
            {"field": "updated_at", "operator": "=", "value": b},
        ],
    }


@pytest.fixture(scope="module")
def large():
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fake_intercom",
            "--scale",
            "large",
            "--port",
            "0",
            "--seed",
            "1",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        started = time.monotonic() - t0
        assert line.startswith("LISTENING "), line
        yield proc, line.split()[1], started
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()


class Conn:
    def __init__(self, url):
        u = urlsplit(url)
        self.c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)

    def timed(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        t0 = time.perf_counter()
        self.c.request(method, path, body=data, headers=HEADERS)
        r = self.c.getresponse()
        raw = r.read()
        elapsed = time.perf_counter() - t0
        assert r.status == 200, raw[:300]
        return elapsed, json.loads(raw)

    def close(self):
        self.c.close()


@pytest.mark.slow
def test_large_start_memory_and_page_latency(large):
    proc, url, started = large
    assert started < 30, f"large took {started:.1f}s to start"
    conn = Conn(url)
    try:
        timings: dict[str, float] = {}

        def measure(name, method, path, body=None, n=5):
            runs = [conn.timed(method, path, body) for _ in range(n)]
            timings[name] = statistics.median(t for t, _ in runs)
            return runs[-1][1]

        total = measure(
            "contacts search p1",
            "POST",
            "/contacts/search",
            {
                "query": since(1600000000),
                "pagination": {"per_page": 150},
                "sort": {"field": "updated_at", "order": "ascending"},
            },
        )
        assert total["total_count"] > 50_000
        # deep page via the cursor: the walk starts at the cursor, never at the beginning
        body = {
            "query": since(1600000000),
            "pagination": {"per_page": 150},
            "sort": {"field": "updated_at", "order": "ascending"},
        }
        cur = total["pages"]["next"]["starting_after"]
        for _ in range(3):
            _, j = conn.timed(
                "POST",
                "/contacts/search",
                {**body, "pagination": {"per_page": 150, "starting_after": cur}},
            )
            cur = j["pages"]["next"]["starting_after"]
        measure(
            "contacts search p5",
            "POST",
            "/contacts/search",
            {**body, "pagination": {"per_page": 150, "starting_after": cur}},
        )
        measure(
            "contacts search recent",
            "POST",
            "/contacts/search",
            {
                "query": since(1780000000),
                "pagination": {"per_page": 150},
                "sort": {"field": "updated_at", "order": "ascending"},
            },
        )
        measure(
            "conversations search",
            "POST",
            "/conversations/search",
            {
                "query": since(1600000000),
                "pagination": {"per_page": 150},
                "sort": {"field": "updated_at", "order": "ascending"},
            },
        )
        stitch = {
            "query": {
                "operator": "AND",
                "value": [
                    {
                        "operator": "OR",
                        "value": [
                            {"field": "id", "operator": ">", "value": ""},
                            {"field": "id", "operator": "=", "value": ""},
                        ],
                    },
                    since(1577836800.0),
                ],
            },
            "pagination": {"per_page": 150},
            "sort": {"field": "id", "order": "ascending"},
        }
        measure("conversations search (stitch shape)", "POST", "/conversations/search", stitch)
        measure(
            "tickets search",
            "POST",
            "/tickets/search",
            {"query": since(0), "pagination": {"per_page": 150}},
        )
        last = measure("contacts list", "GET", "/contacts?per_page=150")
        measure(
            "contacts list p2",
            "GET",
            f"/contacts?per_page=150&starting_after={last['pages']['next']['starting_after']}",
        )
        measure("conversations list", "GET", "/conversations?per_page=150")
        measure("companies page 60", "GET", "/companies?per_page=150&page=60")
        detail = measure("conversation with 500+ parts", "GET", "/conversations/1000005001")
        assert detail["conversation_parts"]["total_count"] > 500
        measure("conversation detail", "GET", "/conversations/1000031337")
        measure("segments with counts", "GET", "/segments?include_count=true")
        measure("contact", "GET", "/contacts/6500000000000000000c000c")
        measure("activity logs", "GET", "/admins/activity_logs?created_at_after=0&per_page=150")
        _, j = conn.timed("GET", "/companies/scroll")
        for _ in range(3):
            t, j = conn.timed("GET", f"/companies/scroll?scroll_param={j['scroll_param']}")
            timings["companies scroll page"] = max(timings.get("companies scroll page", 0), t)
        rss = psutil.Process(proc.pid).memory_info().rss
    finally:
        conn.close()
    report = {k: round(v * 1000, 1) for k, v in timings.items()}
    print(f"\nlarge: start {started:.2f}s, RSS {rss / 2**20:.0f} MiB, page ms {report}")
    assert rss < 1.5 * 2**30
    slow = {k: v for k, v in report.items() if v >= 50}
    assert not slow, f"pages slower than 50 ms: {slow}"
