"""Fake Intercom: endpoints, envelopes, list keys, pagination styles, sub-resources, errors."""

from __future__ import annotations

import pytest

from fake_intercom.client import api


@pytest.fixture(scope="module")
def s(fake_intercom):
    with api(fake_intercom.base_url) as session:
        yield session


LIST_KEYS = {
    "/admins": ("admin.list", "admins"),
    "/teams": ("team.list", "teams"),
    "/tags": ("list", "data"),
    "/segments": ("segment.list", "segments"),
    "/contacts": ("list", "data"),
    "/companies": ("list", "data"),
    "/companies/scroll": ("list", "data"),
    "/conversations": ("conversation.list", "conversations"),
    "/data_attributes?model=contact": ("list", "data"),
    "/articles": ("list", "data"),
    "/help_center/collections": ("list", "data"),
    "/help_center/help_centers": ("list", "data"),
    "/admins/activity_logs?created_at_after=0": ("activity_log.list", "activity_logs"),
}


@pytest.mark.parametrize("path", list(LIST_KEYS))
def test_list_envelopes_and_keys(make_fake, path):
    fake = make_fake(contacts=40, companies=30, conversations=30)  # fresh: scroll is stateful
    with api(fake.base_url) as s:
        r = s.get(path)
    assert r.status_code == 200, r.text
    body = r.json()
    typ, key = LIST_KEYS[path]
    assert body["type"] == typ
    assert isinstance(body[key], list)
    assert body[key]


def test_search_envelopes(s):
    q = {"field": "updated_at", "operator": ">", "value": 0}
    assert set(s.search("contacts", q).json()) >= {"type", "data", "total_count", "pages"}
    c = s.search("conversations", q).json()
    assert c["type"] == "conversation.list" and c["conversations"]
    assert "conversation_parts" not in c["conversations"][0]
    t = s.search("tickets", q).json()
    assert t["type"] == "ticket.list" and t["tickets"] and t["total_count"] >= len(t["tickets"])


def test_me(s):
    me = s.get("/me").json()
    assert me["type"] == "admin"
    assert me["app"]["timezone"] == "UTC"
    assert me["avatar"]["type"] == "avatar"


def test_admin_detail_and_404(s):
    admins = s.get("/admins").json()["admins"]
    assert len(admins) >= 3
    assert all(isinstance(a["avatar"], dict) for a in admins)
    assert s.get(f"/admins/{admins[0]['id']}").json() == admins[0]
    r = s.get("/admins/1")
    assert r.status_code == 404 and r.json()["errors"][0]["code"] == "admin_not_found"


def test_teams_tags_have_expected_counts(s):
    teams = s.get("/teams").json()["teams"]
    assert len(teams) >= 2
    assert all(isinstance(x, int) for t in teams for x in t["admin_ids"])
    assert len(s.get("/tags").json()["data"]) >= 20


def test_segments_contact_company_and_counts(s):
    contact = s.get("/segments").json()
    company = s.get("/segments?type=company").json()
    assert contact["pages"] == {}
    assert {x["id"] for x in contact["segments"]}.isdisjoint({x["id"] for x in company["segments"]})
    assert all("count" not in x for x in contact["segments"])
    counted = s.get("/segments?type=company&include_count=true").json()["segments"]
    assert all(isinstance(x["count"], int) for x in counted)
    assert sum(x["count"] for x in counted) > 0


def test_company_segments_and_404(s):
    companies = s.get("/companies?per_page=50").json()["data"]
    multi = [c for c in companies if len(c["segments"]["segments"]) >= 2]
    assert multi, "some companies should have several segments"
    c = multi[0]
    r = s.get(f"/companies/{c['id']}/segments").json()
    assert r["type"] == "list"
    assert [x["id"] for x in r["data"]] == [x["id"] for x in c["segments"]["segments"]]
    r = s.get("/companies/000000000000000000000000/segments")
    assert r.status_code == 404 and r.json()["errors"][0]["code"] == "company_not_found"


def test_page_number_endpoints_follow_absolute_next_urls(s, fake_intercom):
    for path, n in (
        ("/articles", 40),
        ("/help_center/collections", 14),
        ("/companies", 100),
        ("/admins/activity_logs?created_at_after=0", 300),
    ):
        url = fake_intercom.base_url + path + ("&" if "?" in path else "?") + "per_page=7"
        seen, pages = [], 0
        while url:
            j = s.get(url).json()
            key = "activity_logs" if "activity" in path else "data"
            seen.extend(x["id"] for x in j[key])
            p = j["pages"]
            assert p["type"] == "pages" and p["per_page"] == 7
            assert {"page", "total_pages"} <= set(p)
            pages += 1
            assert p["page"] == pages
            url = p.get("next")
            assert url is None or url.startswith(fake_intercom.base_url + "/")
        assert len(seen) == len(set(seen)) == n, path
        assert pages == -(-n // 7)


def test_per_page_clamped_to_150_and_defaults(s):
    assert s.get("/companies?per_page=500").json()["pages"]["per_page"] == 150
    assert s.get("/contacts?per_page=1000").json()["pages"]["per_page"] == 150
    assert len(s.get("/contacts?per_page=1000").json()["data"]) == 150
    defaults = {
        "/contacts": 50,
        "/conversations": 20,
        "/companies": 15,
        "/articles": 15,
        "/admins/activity_logs?created_at_after=0": 20,
    }
    for path, n in defaults.items():
        assert s.get(path).json()["pages"]["per_page"] == n, path
    body = {
        "query": {"field": "updated_at", "operator": ">", "value": 0},
        "pagination": {"per_page": 999},
    }
    assert s.post("/conversations/search", json=body).json()["pages"]["per_page"] == 150
    assert s.search("conversations", body["query"]).json()["pages"]["per_page"] == 20
    assert s.search("contacts", body["query"]).json()["pages"]["per_page"] == 50


def test_articles_and_collections_sorted_by_updated_at_desc(s):
    for path in ("/articles?per_page=150", "/help_center/collections?per_page=150"):
        data = s.get(path).json()["data"]
        ups = [a["updated_at"] for a in data]
        assert ups == sorted(ups, reverse=True)
    arts = s.get("/articles?per_page=150").json()["data"]
    assert any(len(a["translated_content"]) > 2 for a in arts)
    cols = s.get("/help_center/collections?per_page=150").json()["data"]
    ids = {c["id"] for c in cols}
    nested = [c for c in cols if c["parent_id"]]
    assert nested and all(c["parent_id"] in ids for c in nested)
    assert len(s.get("/help_center/help_centers").json()["data"]) == 2


def test_activity_logs_require_created_at_after_and_filter(s):
    r = s.get("/admins/activity_logs")
    assert r.status_code == 404
    assert r.json()["errors"][0]["code"] == "parameter_not_found"
    logs = []
    url = "/admins/activity_logs?created_at_after=0&per_page=150"
    while url:
        j = s.get(url).json()
        logs.extend(j["activity_logs"])
        url = j["pages"].get("next")
    times = [a["created_at"] for a in logs]
    assert max(times) - min(times) > 60 * 86400
    mid = sorted(times)[len(times) // 2]
    j = s.get(f"/admins/activity_logs?created_at_after={mid}&per_page=150").json()
    assert j["activity_logs"] and all(a["created_at"] >= mid for a in j["activity_logs"])


def test_data_attributes_models_and_archived(s):
    for model in ("contact", "company", "conversation"):
        live = s.get(f"/data_attributes?model={model}").json()["data"]
        full = s.get(f"/data_attributes?model={model}&include_archived=true").json()["data"]
        assert all(a["model"] == model for a in full)
        assert len(full) == len(live) + 1
        assert any(a["archived"] for a in full) and not any(a["archived"] for a in live)
        custom = [a for a in full if a["custom"]]
        assert {a["data_type"] for a in custom} == {"string", "integer", "float", "boolean", "date"}
        assert any(" " in a["name"] for a in custom) and any("." in a["name"] for a in custom)
        assert all(a["full_name"] == f"custom_attributes.{a['name']}" for a in custom)
        assert any(not a["custom"] for a in full)


def test_contact_addressable_lists_and_sub_resources(s, fake_intercom):
    contacts = s.get("/contacts?per_page=150").json()["data"]
    contacts += s.get(
        "/contacts?per_page=150&starting_after="
        + s.get("/contacts?per_page=150").json()["pages"]["next"]["starting_after"]
    ).json()["data"]
    many_tags = [c for c in contacts if c["tags"]["total_count"] > 10]
    many_comps = [c for c in contacts if c["companies"]["total_count"] > 10]
    assert len(many_tags) >= 3 and len(many_comps) >= 3
    for c in contacts:
        for key in ("tags", "companies", "notes"):
            lst = c[key]
            assert lst["type"] == "list"
            assert len(lst["data"]) == min(10, lst["total_count"])
            assert lst["has_more"] == (lst["total_count"] > 10)
            assert lst["url"] == f"/contacts/{c['id']}/{key}"
    c = many_tags[0]
    full = s.get(c["tags"]["url"]).json()
    assert full["type"] == "list" and "pages" not in full
    assert len(full["data"]) == c["tags"]["total_count"]
    assert [t["id"] for t in full["data"][:10]] == [t["id"] for t in c["tags"]["data"]]
    assert all(isinstance(t["applied_at"], int) for t in full["data"])
    # the Stitch tap joins base_url + '/' + url, giving a double slash
    assert s.get(fake_intercom.base_url + "/" + c["tags"]["url"]).json() == full
    c = many_comps[0]
    ids, url = [], fake_intercom.base_url + "/" + c["companies"]["url"] + "?per_page=4"
    while url:
        j = s.get(url).json()
        assert j["total_count"] == c["companies"]["total_count"]
        ids.extend(x["id"] for x in j["data"])
        url = j["pages"]["next"]
    assert len(ids) == c["companies"]["total_count"]
    assert ids[:10] == [x["id"] for x in c["companies"]["data"]]
    r = s.get("/contacts/" + c["id"] + "/segments").json()
    assert r["type"] == "list"


def test_contact_detail_and_404(s):
    c = s.get("/contacts").json()["data"][5]
    d = s.get(f"/contacts/{c['id']}").json()
    assert "enabled_push_messaging" in d
    assert {k: v for k, v in d.items() if k != "enabled_push_messaging"} == c
    r = s.get("/contacts/650000000000000000000001")
    assert r.status_code == 404 and r.json()["errors"][0] == {
        "code": "not_found",
        "message": "User Not Found",
    }


def test_contacts_and_conversations_lists_use_query_cursor(s):
    for path, key in (("/contacts", "data"), ("/conversations", "conversations")):
        ids, url = [], path + "?per_page=60"
        total = None
        while True:
            j = s.get(url).json()
            total = j["total_count"]
            ids.extend(x["id"] for x in j[key])
            nxt = j["pages"].get("next")
            if not nxt:
                break
            assert set(nxt) == {"page", "starting_after"}
            url = f"{path}?per_page=60&starting_after={nxt['starting_after']}"
        assert len(ids) == len(set(ids)) == total


def test_conversation_detail_caps_parts_at_500_most_recent(s, fake_intercom):
    gt = {r["id"] for r in fake_intercom.ground_truth("conversations")["records"]}
    sizes = {}
    for cid in sorted(gt)[:8]:
        j = s.get(f"/conversations/{cid}").json()
        parts = j["conversation_parts"]
        assert parts["type"] == "conversation_part.list"
        sizes[cid] = parts["total_count"]
        assert len(parts["conversation_parts"]) == min(500, parts["total_count"])
        times = [p["created_at"] for p in parts["conversation_parts"]]
        assert times == sorted(times)
        if parts["total_count"] > 500:
            assert 501 <= parts["total_count"] <= 700
            ids = [int(p["id"]) for p in parts["conversation_parts"]]
            # the 500 most recent: part numbers total-500 .. total-1
            assert ids == list(range(ids[0], ids[0] + 500))
            assert ids[-1] % 100_000 == parts["total_count"] - 1
            assert parts["conversation_parts"][-1]["created_at"] == j["updated_at"]
        assert (
            j["statistics"] is None
            or j["statistics"]["count_conversation_parts"] == parts["total_count"]
        )
    counts = sorted(sizes.values())
    assert counts[0] == 0 and 1 in counts and sum(c > 500 for c in counts) >= 2


def test_conversation_plaintext_and_long_bodies(s):
    j = s.get("/conversations/1000000005").json()
    html = [p["body"] for p in j["conversation_parts"]["conversation_parts"] if p["body"]]
    assert any(len(b.encode()) > 100_000 for b in html)
    plain = s.get("/conversations/1000000005?display_as=plaintext").json()
    bodies = [p["body"] for p in plain["conversation_parts"]["conversation_parts"] if p["body"]]
    assert all("<p>" not in b for b in bodies)
    assert "<p>" in j["source"]["body"] and "<p>" not in plain["source"]["body"]


def test_conversation_404(s):
    r = s.get("/conversations/999")
    assert r.status_code == 404
    assert r.json()["errors"][0] == {"code": "not_found", "message": "Resource Not Found"}


def test_companies_single_lookup_and_page_cap(s):
    c = s.get("/companies?company_id=comp-000007").json()
    assert c["type"] == "company" and c["company_id"] == "comp-000007"
    assert s.get(f"/companies?name={c['name']}").json()["id"] == c["id"]
    assert s.get(f"/companies/{c['id']}").json() == c
    r = s.get("/companies?company_id=nope")
    assert r.status_code == 404 and r.json()["errors"][0]["code"] == "company_not_found"
    r = s.get("/companies?page=10001&per_page=1")
    assert r.status_code == 400
    assert "scroll" in r.json()["errors"][0]["message"]
    lst = s.post("/companies/list?per_page=5&page=1").json()
    assert lst["type"] == "list" and len(lst["data"]) == 5
    assert all(x["user_count"] > 0 for x in lst["data"])


def test_tickets_detail(s):
    t = s.search("tickets", {"field": "updated_at", "operator": ">", "value": 0}).json()
    first = t["tickets"][0]
    d = s.get(f"/tickets/{first['id']}").json()
    assert d["ticket_parts"]["type"] == "ticket_part.list"
    assert d["ticket_attributes"] == first["ticket_attributes"]
    assert s.get("/tickets/1").status_code == 404


def test_forbidden_and_deleted_conversations(make_fake):
    fake = make_fake(contacts=30, companies=10, conversations=20)
    with api(fake.base_url) as s:
        fake.control(forbidden=["/conversations", "/admins"])
        r = s.get("/conversations")
        assert r.status_code == 403
        assert r.json()["errors"][0]["code"] == "api_plan_restricted"
        r = s.post(
            "/conversations/search", json={"query": {"field": "id", "operator": ">", "value": "0"}}
        )
        assert r.status_code == 403
        r = s.get("/admins")
        assert r.status_code == 403 and r.json()["errors"][0]["code"] == "forbidden"
        assert s.get("/tags").status_code == 200
        fake.control(forbidden=[], deleted_conversations=["1000000005"])
        ids = [
            c["id"]
            for c in s.search_all(
                "conversations", {"field": "updated_at", "operator": ">", "value": 0}
            )
        ]
        assert "1000000005" in ids
        r = s.get("/conversations/1000000005")
        assert r.status_code == 404 and r.json()["errors"][0]["code"] == "not_found"
        parts_gt = fake.ground_truth("conversation_parts")["records"]
        assert all(p["conversation_id"] != "1000000005" for p in parts_gt)
        assert "1000000005" in {c["id"] for c in fake.ground_truth("conversations")["records"]}
