"""Fake Intercom: transport (auth, versions, rate limits), introspection, CLI, concurrency."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from fake_intercom.client import api

ROOT = Path(__file__).resolve().parents[2]


def test_missing_or_wrong_token_is_401_with_request_id_and_no_rate_headers(fake_intercom):
    for token in (None, "wrong"):
        with api(fake_intercom.base_url, token=token) as s:
            r = s.get("/tags")
        assert r.status_code == 401
        body = r.json()
        assert body["type"] == "error.list"
        assert body["errors"][0] == {"code": "unauthorized", "message": "Access Token Invalid"}
        assert len(body["request_id"]) == 36
        assert "X-RateLimit-Limit" not in r.headers


def test_intercom_version_checked(fake_intercom):
    for ok in ("2.14", "1.0", "2.11", "2.15", "2.16", "Preview", None):
        with api(fake_intercom.base_url, version=ok) as s:
            assert s.get("/tags").status_code == 200, ok
    for bad in ("2.99", "3.0", "latest", "Unstable2"):
        with api(fake_intercom.base_url, version=bad) as s:
            r = s.get("/tags")
        assert r.status_code == 400, bad
        assert r.json()["errors"][0]["code"] == "intercom_version_invalid"


def test_rate_limit_headers_and_429_in_fixed_windows(make_fake):
    fake = make_fake(rate_limit_per_10s=5)
    with api(fake.base_url) as s:
        # align to the start of a window so all requests land in one window
        if time.time() % 10 > 8:
            time.sleep(10 - time.time() % 10 + 0.05)
        seen = []
        for _ in range(7):
            r = s.get("/tags")
            seen.append(r)
    for r in seen:
        assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(r.headers)
        assert r.headers["X-RateLimit-Limit"] == "5"
        reset = int(r.headers["X-RateLimit-Reset"])
        assert reset % 10 == 0
        assert 0 < reset - time.time() <= 11
    assert [int(r.headers["X-RateLimit-Remaining"]) for r in seen[:5]] == [4, 3, 2, 1, 0]
    assert [r.status_code for r in seen] == [200] * 5 + [429] * 2
    err = seen[5].json()["errors"][0]
    assert err == {
        "code": "rate_limit_exceeded",
        "message": "Exceeded rate limit of 5 in 10_seconds",
    }
    st = fake.stats()
    assert st["responses_429"] == 2
    assert st["requests_window_exhausted"] == 2


def test_rate_limit_window_resets(make_fake):
    fake = make_fake(rate_limit_per_10s=2)
    with api(fake.base_url) as s:
        codes = [s.get("/tags").status_code for _ in range(3)]
        assert codes[-1] == 429 or time.time() % 10 < 1  # window may have rolled over
        reset = int(s.get("/tags").headers["X-RateLimit-Reset"])
        time.sleep(max(0.0, reset - time.time()) + 0.05)
        assert s.get("/tags").status_code == 200


def test_stats_count_endpoints_versions_agents_and_skip_introspection(make_fake):
    fake = make_fake()
    with api(fake.base_url, user_agent="tap-intercom/9.9") as s:
        s.get("/tags")
        s.get("/conversations/1000000003")
        s.get("/conversations/1000000004")
        s.post(
            "/contacts/search", json={"query": {"field": "role", "operator": "=", "value": "user"}}
        )
    with api(fake.base_url, version=None, user_agent="other") as s:
        s.get("/tags")
        s.get("/__fake/stats")
    st = requests.get(fake.base_url + "/__fake/stats", timeout=10).json()
    assert st == {**fake.stats(), "in_flight": st["in_flight"]}
    assert st["requests_total"] == 5
    assert st["requests_by_endpoint"] == {
        "GET /tags": 2,
        "GET /conversations/{id}": 2,
        "POST /contacts/search": 1,
    }
    assert st["intercom_versions"] == {"2.14": 4, "<none>": 1}
    assert st["user_agents"] == {"tap-intercom/9.9": 4, "other": 1}
    fake.control(reset_stats=True)
    assert fake.stats()["requests_total"] == 0


def test_introspection_needs_no_auth_and_is_not_rate_limited(make_fake):
    fake = make_fake(rate_limit_per_10s=1)
    for _ in range(5):
        assert requests.get(fake.base_url + "/__fake/stats", timeout=10).status_code == 200
        r = requests.get(fake.base_url + "/__fake/ground_truth?stream=tags", timeout=10)
        assert r.status_code == 200
    assert fake.stats()["requests_total"] == 0


def test_concurrent_requests_are_served_in_parallel(make_fake):
    fake = make_fake(latency_ms=300)
    results = []

    def worker():
        with api(fake.base_url) as s:
            results.append(s.get("/tags").status_code)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    assert results == [200] * 8
    assert elapsed < 1.5, "requests were serialised"
    assert fake.stats()["max_in_flight"] >= 4


def test_latency_injection(make_fake):
    fake = make_fake(latency_ms=200)
    with api(fake.base_url) as s:
        t0 = time.monotonic()
        s.get("/tags")
        assert time.monotonic() - t0 >= 0.2
        fake.control(latency_ms=0)
        t0 = time.monotonic()
        s.get("/tags")
        assert time.monotonic() - t0 < 0.2


def test_cli_prints_listening_first_and_stops_on_sigterm():
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fake_intercom",
            "--port",
            "0",
            "--scale",
            "small",
            "--seed",
            "1",
            "--contacts",
            "50",
            "--rate-limit-per-10s",
            "100",
            "--token",
            "tok",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("LISTENING http://127.0.0.1:"), line
        url = line.split()[1]
        r = requests.get(url + "/contacts", headers={"Authorization": "Bearer tok"}, timeout=10)
        assert r.status_code == 200
        assert r.json()["total_count"] == 50
        assert r.headers["X-RateLimit-Limit"] == "100"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_unknown_path_is_404_error_list(fake_intercom):
    with api(fake_intercom.base_url) as s:
        r = s.get("/nope")
    assert r.status_code == 404
    assert r.json()["type"] == "error.list"
