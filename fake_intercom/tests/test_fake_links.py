"""The fake's links (`data/links.py`): the bridge streams' ground truth agrees with what the
endpoints serve, and `unlink` removes a link everywhere."""

from __future__ import annotations

from fake_intercom.client import api
from fake_intercom.data.links import BRIDGES


def _search_all(fake, resource: str) -> list[dict]:
    with api(fake.base_url) as s:
        query = {"field": "updated_at", "operator": ">", "value": 0}
        return s.search_all(resource, query)


def test_ground_truth_is_the_links_the_api_serves(make_fake):
    fake = make_fake(scale="small", seed=2)
    conversations = _search_all(fake, "conversations")
    served = {(c["id"], t["id"]) for c in conversations for t in c["tags"]["tags"]}
    truth = fake.ground_truth("conversation_tags")
    assert truth["key_properties"] == ["conversation_id", "tag_id"]
    assert {(r["conversation_id"], r["tag_id"]) for r in truth["records"]} == served
    with api(fake.base_url) as s:
        teams = s.get("/teams").json()["teams"]
    truth = fake.ground_truth("team_admins")["records"]
    assert {(r["team_id"], r["admin_id"]) for r in truth} == {
        (t["id"], str(a)) for t in teams for a in t["admin_ids"]
    }


def test_unlink_removes_the_link_and_gives_contacts_a_new_version(make_fake):
    fake = make_fake(scale="small", seed=2)
    before = {c["id"]: c for c in _search_all(fake, "contacts")}
    removed = fake.unlink(contact_tags=2, company_tags=1, team_admins=1)
    assert {bridge: len(pairs) for bridge, pairs in removed.items()} == {
        "contact_tags": 2,
        "company_tags": 1,
        "team_admins": 1,
    }
    after = {c["id"]: c for c in _search_all(fake, "contacts")}
    with api(fake.base_url) as s:
        for contact_id, tag_id in removed["contact_tags"]:
            tags = s.get(f"/contacts/{contact_id}/tags").json()["data"]
            assert tag_id not in {t["id"] for t in tags}
            assert after[contact_id]["updated_at"] > before[contact_id]["updated_at"]
        teams = s.get("/teams").json()["teams"]
    for bridge in ("contact_tags", "company_tags", "team_admins"):
        _, parent_key, link_key, _ = BRIDGES[bridge]
        truth = {(r[parent_key], r[link_key]) for r in fake.ground_truth(bridge)["records"]}
        assert not truth & {tuple(pair) for pair in removed[bridge]}, bridge
    team_id, admin_id = removed["team_admins"][0]
    assert int(admin_id) not in next(t for t in teams if t["id"] == team_id)["admin_ids"]
