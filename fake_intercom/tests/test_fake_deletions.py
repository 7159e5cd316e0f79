"""The fake's deletions, merges and search-index lag."""

from __future__ import annotations

import time

import pytest
import requests

from fake_intercom.search_lag import parse_search_lag

AUTH = {"Authorization": "Bearer test-token"}
V216 = {**AUTH, "Intercom-Version": "2.16"}


def get(url: str, **kwargs) -> requests.Response:
    return requests.get(url, timeout=10, **kwargs)


EVERYTHING = {"query": {"field": "updated_at", "operator": ">", "value": 0}}


@pytest.fixture
def fake(make_fake):
    return make_fake(scale="small", seed=3, contacts=80, companies=20, conversations=40)


def _search_ids(fake, resource: str, key: str) -> set[str]:
    body = {**EVERYTHING, "pagination": {"per_page": 150}}
    reply = requests.post(
        f"{fake.base_url}/{resource}/search", json=body, headers=AUTH, timeout=10
    ).json()
    return {r["id"] for r in reply[key]}


def test_deleted_conversations_vanish_and_are_listed_on_2_16(fake):
    gone = fake.delete(conversations=3)["conversations"]
    assert set(gone) == set(fake.deleted("conversations"))
    assert not set(gone) & _search_ids(fake, "conversations", "conversations")
    for cid in gone:
        assert get(f"{fake.base_url}/conversations/{cid}", headers=AUTH).status_code == 404
    old = get(f"{fake.base_url}/conversations/deleted", headers=AUTH)
    assert old.status_code == 400
    assert old.json()["errors"][0]["code"] == "intercom_version_invalid"
    first = get(
        f"{fake.base_url}/conversations/deleted", params={"per_page": 2}, headers=V216
    ).json()
    assert first["type"] == "conversations.list"
    assert len(first["conversations"]) == 2
    rest = get(first["pages"]["next"], headers=V216).json()
    listed = [c["id"] for c in first["conversations"] + rest["conversations"]]
    assert sorted(listed) == sorted(gone)
    assert {c["id"] for c in fake.ground_truth("conversations")["records"]}.isdisjoint(gone)


def test_merged_contacts_answer_404_then_410_with_a_link(fake):
    merged = fake.delete(merge_contacts=2)["merge_contacts"]
    deleted = fake.delete(contacts=1)["contacts"]
    assert not set(merged + deleted) & _search_ids(fake, "contacts", "data")
    for cid in merged:
        url = f"{fake.base_url}/contacts/{cid}"
        assert get(url, headers=AUTH).status_code == 404
        gone = get(url, headers=V216)
        assert gone.status_code == 410
        assert gone.json()["errors"][0]["code"] == "contact_merged"
        link = gone.headers["Link"]
        assert link.endswith('>; rel="canonical"'), link
        survivor = link.split(">")[0].lstrip("<")
        assert survivor.startswith("/contacts/"), link
        assert get(fake.base_url + survivor, headers=V216).status_code == 200
    assert get(f"{fake.base_url}/contacts/{deleted[0]}", headers=V216).status_code == 404
    assert set(fake.deleted("contacts")) == set(merged + deleted)


def test_listed_resources_vanish_from_their_lists(fake):
    before = {r["id"] for r in fake.ground_truth("tags")["records"]}
    gone = fake.delete(tags=2)["tags"]
    tags = get(f"{fake.base_url}/tags", headers=AUTH).json()["data"]
    assert {t["id"] for t in tags} == before - set(gone)
    assert {r["id"] for r in fake.ground_truth("tags")["records"]} == before - set(gone)


def test_search_lag_hides_a_change_until_it_is_searchable(fake):
    fake.control(search_lag={"min_s": 0.6, "max_s": 0.8})
    changed = fake.mutate(conversations=3)["conversations"]
    assert not set(changed) & _search_ids(fake, "conversations", "conversations")
    # A direct GET is immediate.
    for cid in changed:
        assert get(f"{fake.base_url}/conversations/{cid}", headers=AUTH).status_code == 200
    time.sleep(0.9)
    assert set(changed) <= _search_ids(fake, "conversations", "conversations")


def test_search_lag_setting_is_validated():
    assert parse_search_lag(None) is None
    assert parse_search_lag({"min_s": 0, "max_s": 8}) == (0.0, 8.0)
    with pytest.raises(ValueError, match="min_s"):
        parse_search_lag({"min_s": 3, "max_s": 1})


def test_a_merge_moves_a_lead_into_a_user_whose_history_names_it(fake):
    merged = fake.delete(merge_contacts=2)["merge_contacts"]
    survivors = {}
    for cid in merged:
        link = get(f"{fake.base_url}/contacts/{cid}", headers=V216).headers["Link"]
        survivors[cid] = link.split(">")[0].rsplit("/", 1)[-1]
    body = {**EVERYTHING, "pagination": {"per_page": 150}}
    search = f"{fake.base_url}/contacts/search"
    with_history = requests.post(
        search, params={"include_merge_history": "true"}, json=body, headers=V216, timeout=10
    ).json()["data"]
    by_id = {c["id"]: c for c in with_history}
    for cid, survivor in survivors.items():
        user = by_id[survivor]
        assert user["role"] == "user"
        history = user["merge_history"]
        assert cid in {h["source_contact_id"] for h in history}
        assert all(h["source_contact_role"] == "lead" for h in history)
        assert all(h["merged_at"] <= user["updated_at"] for h in history)
    assert all("merge_history" not in c for c in with_history if c["role"] == "lead")
    # Only on request, and only from 2.16.
    plain = requests.post(search, json=body, headers=V216, timeout=10).json()["data"]
    assert all("merge_history" not in c for c in plain)
    old = requests.post(
        search, params={"include_merge_history": "true"}, json=body, headers=AUTH, timeout=10
    ).json()["data"]
    assert all("merge_history" not in c for c in old)


def test_deleted_companies_leave_the_scroll_and_their_segments(fake):
    before = {r["id"] for r in fake.ground_truth("companies")["records"]}
    gone = fake.delete(companies=3)["companies"]
    fake.control(scroll_page_size=4)
    scrolled, param = [], None
    while True:
        params = {"scroll_param": param} if param else {}
        page = get(f"{fake.base_url}/companies/scroll", params=params, headers=AUTH).json()
        if not page["data"]:
            break
        scrolled += [c["id"] for c in page["data"]]
        param = page["scroll_param"]
    assert set(scrolled) == before - set(gone)
    assert len(scrolled) == len(set(scrolled))
    for cid in gone:
        assert get(f"{fake.base_url}/companies/{cid}", headers=AUTH).status_code == 404
        assert get(f"{fake.base_url}/companies/{cid}/segments", headers=AUTH).status_code == 404
    memberships = fake.ground_truth("company_segments")["records"]
    assert not {m["company_id"] for m in memberships} & set(gone)
    assert {k.split("/")[0] for k in fake.deleted("company_segments")} <= set(gone)


def test_delete_every_deletes_between_requests(fake):
    fake.control(delete_every={"requests": 2, "times": 2, "conversations": 1})
    for _ in range(6):
        get(f"{fake.base_url}/tags", headers=AUTH)
    assert len(fake.deleted("conversations")) == 2
    assert fake.control()["delete_every"]["times"] == 0
    fake.control(delete_every=None)
    assert fake.control()["delete_every"] is None
    with pytest.raises(ValueError, match="requests"):
        fake.control(delete_every={"requests": 0, "contacts": 1})
