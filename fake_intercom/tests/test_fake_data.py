"""Fake Intercom: deterministic data, data features, and ground truth against the API."""

from __future__ import annotations

import pytest
import requests

from fake_intercom.client import api

ENDPOINTS = [
    "/me",
    "/admins",
    "/teams",
    "/tags",
    "/segments?include_count=true",
    "/segments?type=company",
    "/companies?per_page=40",
    "/contacts?per_page=150",
    "/conversations?per_page=50",
    "/conversations/1000000003",
    "/conversations/1000000010",
    "/data_attributes?model=conversation&include_archived=true",
    "/articles",
    "/help_center/collections",
    "/help_center/help_centers",
    "/admins/activity_logs?created_at_after=0",
    "/companies/scroll",
    "/tickets/2000000003",
    "/nope",
    "/admins/1",
]
SEARCH = {
    "query": {
        "operator": "OR",
        "value": [
            {"field": "updated_at", "operator": ">", "value": 1600000000},
            {"field": "updated_at", "operator": "=", "value": 1600000000},
        ],
    },
    "sort": {"field": "updated_at", "order": "ascending"},
    "pagination": {"per_page": 150},
}


def bodies(fake):
    out = []
    with api(fake.base_url) as s:
        for path in ENDPOINTS:
            out.append(s.get(path).content.replace(fake.base_url.encode(), b"BASE"))
        for res in ("contacts", "conversations", "tickets"):
            out.append(s.post(f"/{res}/search", json=SEARCH).content)
    return out


def test_same_seed_same_bytes_other_seed_differs(make_fake):
    a, b, c = (make_fake(seed=seed) for seed in (11, 11, 12))
    ba, bb, bc = bodies(a), bodies(b), bodies(c)
    for path, x, y in zip(ENDPOINTS + ["search"] * 3, ba, bb, strict=True):
        assert x == y, path
    assert ba != bc
    assert a.ground_truth("conversation_parts") == b.ground_truth("conversation_parts")


@pytest.fixture(scope="module")
def s(fake_intercom):
    with api(fake_intercom.base_url) as session:
        yield session


@pytest.fixture(scope="module")
def all_contacts(s):
    return s.search_all("contacts", {"field": "updated_at", "operator": ">", "value": 0})


@pytest.fixture(scope="module")
def all_companies(s):
    out, url = [], "/companies?per_page=150"
    while url:
        j = s.get(url).json()
        out.extend(j["data"])
        url = j["pages"]["next"]
    return out


@pytest.fixture(scope="module")
def all_conversations(s):
    return s.search_all("conversations", {"field": "updated_at", "operator": ">", "value": 0})


TYPES = {"string": str, "integer": int, "float": float, "boolean": bool, "date": int}


def check_custom_types(s, model, records):
    attrs = {
        a["name"]: a["data_type"]
        for a in s.get(f"/data_attributes?model={model}&include_archived=true").json()["data"]
        if a["custom"]
    }
    seen = set()
    for rec in records:
        for name, value in rec["custom_attributes"].items():
            assert name in attrs, name
            if value is None:
                continue
            dt = attrs[name]
            seen.add(dt)
            if model == "conversation" and dt == "date":
                assert isinstance(value, (int, str))
            else:
                assert isinstance(value, TYPES[dt]) and not (
                    dt != "boolean" and isinstance(value, bool)
                ), (name, value)
    assert seen == set(TYPES)


def test_custom_attribute_values_match_data_types(
    s, all_contacts, all_companies, all_conversations
):
    check_custom_types(s, "contact", all_contacts)
    check_custom_types(s, "company", all_companies)
    check_custom_types(s, "conversation", all_conversations)
    dues = [c["custom_attributes"].get("due date") for c in all_conversations]
    assert any(isinstance(d, str) for d in dues) and any(isinstance(d, int) for d in dues)


def test_contact_data_features(all_contacts):
    assert len(all_contacts) == 300
    avatars = [c["avatar"] for c in all_contacts]
    assert any(isinstance(a, str) for a in avatars)
    assert any(isinstance(a, dict) and a["type"] == "avatar" for a in avatars)
    assert any(a is None for a in avatars)
    assert any(c["updated_at"] == 946684800 for c in all_contacts)
    assert any((c["signed_up_at"] or 0) < 0 for c in all_contacts)
    assert any(c["name"] is None and c["email"] is None for c in all_contacts)  # null-heavy
    text = repr([c["name"] for c in all_contacts])
    assert any(ord(ch) > 0xFFFF for ch in text)  # emoji
    assert any(0x4E00 <= ord(ch) <= 0x9FFF for ch in text)  # CJK
    for c in all_contacts:
        for key, value in c.items():
            if key.endswith("_at"):
                assert value is None or (isinstance(value, int) and not isinstance(value, bool))


def test_company_data_features(all_companies):
    assert len(all_companies) == 100
    assert all(isinstance(c["monthly_spend"], float) for c in all_companies)
    assert any(len(c["segments"]["segments"]) >= 3 for c in all_companies)
    assert all(c["tags"]["type"] == "tag.list" for c in all_companies)
    assert any(c["plan"] == {} for c in all_companies)


def test_conversation_shapes(all_conversations):
    c = next(x for x in all_conversations if x["teammates"])
    assert set(c["teammates"]) == {"type", "admins"}
    assert any(x["conversation_rating"] for x in all_conversations)
    assert any(
        x["statistics"] and x["statistics"]["type"] == "conversation_statistics"
        for x in all_conversations
    )
    assert any(x["linked_objects"]["data"] for x in all_conversations)
    assert all(isinstance(x["admin_assignee_id"], (int, type(None))) for x in all_conversations)
    assert all(x["source"]["author"]["type"] for x in all_conversations)


STREAMS = [
    "admins",
    "teams",
    "tags",
    "segments",
    "company_segments",
    "companies",
    "contacts",
    "conversations",
    "conversation_parts",
    "company_attributes",
    "contact_attributes",
    "data_attributes",
    "articles",
    "collections",
    "help_centers",
    "tickets",
    "activity_logs",
]


@pytest.mark.parametrize("stream", STREAMS)
def test_ground_truth_endpoint_shape(fake_intercom, stream):
    r = requests.get(
        f"{fake_intercom.base_url}/__fake/ground_truth",
        timeout=30,
        params={"stream": stream, "start_date": "2024-01-01T00:00:00Z"},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["stream"] == stream
    assert body == fake_intercom.ground_truth(stream, "2024-01-01T00:00:00Z")
    keys = body["key_properties"]
    assert body["records"]
    for rec in body["records"]:
        assert all(rec[k] is not None for k in keys)
        assert "updated_at" in rec
        if (
            stream not in ("admins", "teams", "tags", "collections", "help_centers")
            and "attributes" not in stream
            and stream != "conversation_parts"  # parts keep their own (older) times
            and rec["updated_at"] is not None
        ):
            assert rec.get("company_updated_at", rec["updated_at"]) >= 1704067200
    assert len({tuple(r[k] for k in keys) for r in body["records"]}) == len(body["records"])


def test_ground_truth_unknown_stream(fake_intercom):
    r = requests.get(f"{fake_intercom.base_url}/__fake/ground_truth?stream=users", timeout=10)
    assert r.status_code == 404


def test_ground_truth_matches_api(s, fake_intercom, all_contacts, all_companies, all_conversations):
    start = 1700000000
    gt = fake_intercom.ground_truth
    assert {r["id"] for r in gt("contacts", start)["records"]} == {
        c["id"] for c in all_contacts if c["updated_at"] >= start
    }
    assert {r["id"] for r in gt("companies", start)["records"]} == {
        c["id"] for c in all_companies if c["updated_at"] >= start
    }
    assert {r["id"] for r in gt("conversations", start)["records"]} == {
        c["id"] for c in all_conversations if c["updated_at"] >= start
    }
    pairs = {
        (c["id"], seg["id"])
        for c in all_companies
        if c["updated_at"] >= start
        for seg in c["segments"]["segments"]
    }
    assert {(r["company_id"], r["id"]) for r in gt("company_segments", start)["records"]} == pairs
    parts = set()
    for c in all_conversations:
        if c["updated_at"] >= start:
            d = s.get(f"/conversations/{c['id']}").json()
            parts |= {(p["id"], c["id"]) for p in d["conversation_parts"]["conversation_parts"]}
    assert {
        (r["id"], r["conversation_id"]) for r in gt("conversation_parts", start)["records"]
    } == parts
    segs = s.get("/segments").json()["segments"]
    assert {r["id"] for r in gt("segments", start)["records"]} == {
        x["id"] for x in segs if x["updated_at"] >= start
    }
    das = s.get("/data_attributes?model=company&include_archived=true").json()["data"]
    assert {(r["model"], r["name"]) for r in gt("company_attributes")["records"]} == {
        (a["model"], a["name"]) for a in das
    }
    assert len(gt("data_attributes")["records"]) == sum(
        len(s.get(f"/data_attributes?model={m}&include_archived=true").json()["data"])
        for m in ("contact", "company", "conversation")
    )
    tickets = s.search_all("tickets", {"field": "updated_at", "operator": ">", "value": 0})
    assert {r["id"] for r in gt("tickets", start)["records"]} == {
        t["id"] for t in tickets if t["updated_at"] >= start
    }
    logs = s.get(f"/admins/activity_logs?created_at_after={start}&per_page=150")
    assert logs.status_code == 200
    assert gt("activity_logs", "2026-05-01")["records"]
    assert all(r["updated_at"] >= 1777593600 for r in gt("activity_logs", "2026-05-01")["records"])
    arts = s.get("/articles?per_page=150").json()["data"]
    assert {r["id"] for r in gt("articles", start)["records"]} == {
        a["id"] for a in arts if a["updated_at"] >= start
    }
