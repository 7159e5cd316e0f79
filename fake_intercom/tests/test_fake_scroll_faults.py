"""Fake Intercom: companies scroll, fault injection, mutations and runtime control."""

from __future__ import annotations

import json
import time

import pytest
import requests

from fake_intercom import parse_faults
from fake_intercom.client import api

SMALL = {"contacts": 60, "companies": 120, "conversations": 30}


@pytest.fixture
def fake(make_fake):
    f = make_fake(**SMALL)
    f.control(scroll_page_size=50)
    return f


def test_scroll_protocol(fake):
    with api(fake.base_url) as s:
        first = s.get("/companies/scroll").json()
        assert first["pages"] is None and first["total_count"] is None
        assert len(first["data"]) == 50
        param = first["scroll_param"]
        again = s.get("/companies/scroll")
        assert again.status_code == 400
        assert again.json()["errors"][0]["code"] == "scroll_exists"
        seen = [c["id"] for c in first["data"]]
        while True:
            j = s.get(f"/companies/scroll?scroll_param={param}").json()
            assert j["scroll_param"] == param
            if not j["data"]:
                break
            seen.extend(c["id"] for c in j["data"])
        assert len(seen) == len(set(seen)) == 120
        r = s.get(f"/companies/scroll?scroll_param={param}")
        assert r.status_code == 404
        assert r.json()["errors"][0] == {
            "code": "not_found",
            "message": "scroll parameter not found",
        }
        assert s.get("/companies/scroll?scroll_param=nope").status_code == 404
        assert s.get("/companies/scroll").status_code == 200  # a finished scroll frees the lock
    assert fake.stats()["scrolls_opened"] == 2


def test_scroll_idle_timeout(fake):
    fake.control(scroll_idle_seconds=0.3)
    with api(fake.base_url) as s:
        param = s.get("/companies/scroll").json()["scroll_param"]
        time.sleep(0.5)
        assert s.get(f"/companies/scroll?scroll_param={param}").status_code == 404
        assert s.get("/companies/scroll").status_code == 200


def test_scroll_exists_hold(fake):
    fake.control(scroll_exists_hold_seconds=0.4)
    with api(fake.base_url) as s:
        r = s.get("/companies/scroll")
        assert r.status_code == 400 and r.json()["errors"][0]["code"] == "scroll_exists"
        time.sleep(0.5)
        assert s.get("/companies/scroll").status_code == 200


def test_scroll_restart_after_500(fake):
    fake.control(scroll_fail_after_pages=1)
    with api(fake.base_url) as s:
        param = s.get("/companies/scroll").json()["scroll_param"]
        r = s.get(f"/companies/scroll?scroll_param={param}")
        assert r.status_code == 500
        assert "restart the scroll" in r.json()["errors"][0]["message"]
        assert s.get(f"/companies/scroll?scroll_param={param}").status_code == 404
        j = s.get("/companies/scroll").json()  # restart works, and the failure was one-off
        ids = [c["id"] for c in j["data"]]
        while j["data"]:
            j = s.get(f"/companies/scroll?scroll_param={j['scroll_param']}").json()
            ids.extend(c["id"] for c in j["data"])
        assert len(set(ids)) == 120


def test_parse_faults():
    assert parse_faults(
        "429:0.05,500:0.02,reset:0.01,truncated:0.01,slow:0.005,slow_seconds:2"
    ) == ({"429": 0.05, "500": 0.02, "reset": 0.01, "truncated": 0.01, "slow": 0.005}, 2.0)
    assert parse_faults(None) == ({}, 3.0)
    for bad in ("teapot:0.1", "500:0.7,503:0.7"):
        with pytest.raises(ValueError):
            parse_faults(bad)


@pytest.mark.parametrize("kind", ["429", "500", "502", "503", "504"])
def test_error_faults_then_retry_succeeds(make_fake, kind):
    fake = make_fake(faults=f"{kind}:1.0", **SMALL)
    with api(fake.base_url) as s:
        r = s.get("/tags")
        assert r.status_code == int(kind)
        body = r.json()
        assert body["type"] == "error.list" and body["errors"][0]["code"]
        if kind == "429":
            assert r.headers["X-RateLimit-Remaining"] == "0"
            assert body["errors"][0]["code"] == "rate_limit_exceeded"
        assert s.get("/tags").status_code == 200  # never the same request twice in a row
        assert s.get("/teams").status_code == int(kind)  # a different request can fault
    st = fake.stats()
    assert st["faults_injected"] == {kind: 2}
    assert st["responses_429"] == (2 if kind == "429" else 0)


def test_reset_fault_closes_connection(make_fake):
    fake = make_fake(faults="reset:1.0", **SMALL)
    with api(fake.base_url) as s:
        with pytest.raises(requests.ConnectionError):
            s.get("/tags")
        assert s.get("/tags").status_code == 200
    assert fake.stats()["faults_injected"] == {"reset": 1}


def test_slow_fault(make_fake):
    fake = make_fake(faults="slow:1.0,slow_seconds:0.6", **SMALL)
    with api(fake.base_url) as s:
        with pytest.raises(requests.Timeout):
            s.get("/tags", timeout=0.2)
        t0 = time.monotonic()
        assert s.get("/tags").status_code == 200
        assert time.monotonic() - t0 < 0.5


def test_truncated_fault(make_fake):
    fake = make_fake(faults="truncated:1.0", **SMALL)
    with api(fake.base_url) as s:
        r = s.get("/tags")
        assert r.status_code == 200
        with pytest.raises(ValueError):
            json.loads(r.content)
        full = s.get("/tags")
        assert full.json()["type"] == "list"
        assert len(r.content) == len(full.content) // 2


def test_faults_deterministic_and_a_retrying_client_always_gets_through(make_fake):
    spec = "429:0.1,500:0.1,502:0.05,503:0.05,504:0.05,truncated:0.05,reset:0.05"
    runs = []
    for _ in range(2):
        fake = make_fake(faults=spec, seed=7, **SMALL)
        log = []
        with api(fake.base_url) as s:
            for k in range(60):
                for attempt in range(3):  # noqa: B007
                    try:
                        r = s.get(f"/contacts?per_page={1 + k % 5}")
                        r.json()
                    except (requests.ConnectionError, ValueError):
                        log.append("x")
                        continue
                    log.append(r.status_code)
                    if r.status_code == 200:
                        break
                assert attempt <= 1, "faulted twice in a row"
        runs.append(log)
        assert sum(fake.stats()["faults_injected"].values()) > 5
    assert runs[0] == runs[1]


def test_control_over_http(make_fake):
    fake = make_fake(**SMALL)
    r = requests.post(
        fake.base_url + "/__fake/control",
        timeout=10,
        json={"faults": "500:1.0", "rate_limit_per_10s": 100, "latency_ms": 0},
    )
    assert r.status_code == 200 and r.json()["rate_limit_per_10s"] == 100
    with api(fake.base_url) as s:
        assert s.get("/tags").status_code == 500
        requests.post(fake.base_url + "/__fake/control", json={"faults": ""}, timeout=10)
        assert s.get("/tags").status_code == 200
    bad = requests.post(fake.base_url + "/__fake/control", json={"nope": 1}, timeout=10)
    assert bad.status_code == 400


def test_mutate_endpoint_and_ground_truth(make_fake):
    fake = make_fake(seed=5, **SMALL)
    before = {s: fake.ground_truth(s)["records"] for s in ("contacts", "conversations")}
    prev_max = max(r["updated_at"] for r in before["conversations"])
    t0 = int(time.time())
    r = requests.post(
        fake.base_url + "/__fake/mutate",
        timeout=10,
        json={"contacts": 3, "conversations": 2, "companies": 1},
    )
    out = r.json()
    assert [len(out[k]) for k in ("contacts", "conversations", "companies")] == [3, 2, 1]
    start = min(t0, prev_max + 1)
    for stream, key in (
        ("contacts", "contacts"),
        ("conversations", "conversations"),
        ("companies", "companies"),
    ):
        changed = fake.ground_truth(stream, start)["records"]
        assert {c["id"] for c in changed} >= set(out[key])
        assert all(c["updated_at"] >= max(t0, 0) for c in changed if c["id"] in out[key])
    with api(fake.base_url) as s:
        for cid in out["conversations"]:
            conv = s.get(f"/conversations/{cid}").json()
            old = next(c for c in before["conversations"] if c["id"] == cid)
            assert conv["updated_at"] > old["updated_at"]
            parts = conv["conversation_parts"]
            assert parts["conversation_parts"][-1]["created_at"] == conv["updated_at"]
            assert "rev 1" in conv["title"]
        gt_parts = fake.ground_truth("conversation_parts", conv["updated_at"])["records"]
        assert {p["conversation_id"] for p in gt_parts} >= set(out["conversations"])
        for cid in out["contacts"]:
            assert "(rev 1)" in (s.get(f"/contacts/{cid}").json()["name"] or "(rev 1)")
    other = make_fake(seed=5, **SMALL)
    assert other.mutate(contacts=3, conversations=2, companies=1) == out


def test_mutate_every(make_fake):
    fake = make_fake(mutate_every=4, **SMALL)
    with api(fake.base_url) as s:
        for _ in range(8):
            s.get("/tags")
    assert fake.stats()["mutations"] == 2
    recent = fake.ground_truth("contacts", int(time.time()) - 60)["records"]
    assert len(recent) >= 3
