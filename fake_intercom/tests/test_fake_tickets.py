"""Fake Intercom: ticket details with their parts, ticket types and states per version, ticket
changes, and the ground truth of the ticket tables."""

from __future__ import annotations

import pytest

from fake_intercom.client import api
from fake_intercom.data.tickets import MANY_PARTS, TICKET_PARTS_CAP


def get(fake, path, version="2.14"):
    with api(fake.base_url, version=version) as s:
        return s.request("GET", path)


def test_a_ticket_detail_carries_its_parts_and_a_long_one_is_capped(fake_intercom):
    data = fake_intercom.dataset
    ticket = get(fake_intercom, f"/tickets/{data.ticket(5)['id']}").json()
    listing = ticket["ticket_parts"]
    assert listing["type"] == "ticket_part.list"
    assert listing["total_count"] == len(listing["ticket_parts"]) == data.ticket_part_count(5)
    long = get(fake_intercom, f"/tickets/{data.ticket(2)['id']}").json()["ticket_parts"]
    assert long["total_count"] == MANY_PARTS
    assert len(long["ticket_parts"]) == TICKET_PARTS_CAP
    times = data.ticket_part_times(2)
    assert [p["created_at"] for p in long["ticket_parts"]] == times[-TICKET_PARTS_CAP:]


def test_an_unknown_ticket_is_404(fake_intercom):
    response = get(fake_intercom, "/tickets/999")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "ticket_not_found"


def test_ticket_types_list_their_attributes_as_the_api_nests_them(fake_intercom):
    types = get(fake_intercom, "/ticket_types").json()["data"]
    assert len(types) == 3
    for ticket_type in types:
        attributes = ticket_type["ticket_type_attributes"]["data"]
        assert {a["name"] for a in attributes} >= {"_default_title_", "Due date", "Story points"}
        assert ticket_type["ticket_states"]["data"]


@pytest.mark.parametrize("version", ["2.12", "2.14", "2.16", "Preview"])
def test_ticket_states_from_2_12(fake_intercom, version):
    response = get(fake_intercom, "/ticket_states", version)
    assert response.status_code == 200
    states = response.json()["data"]
    assert [s["archived"] for s in states].count(True) == 1
    assert all(s["type"] == "ticket_state" for s in states)


def test_2_11_has_no_ticket_states(fake_intercom):
    assert get(fake_intercom, "/ticket_states", "2.11").status_code == 404
    types = get(fake_intercom, "/ticket_types", "2.11").json()["data"]
    assert not any("ticket_states" in t for t in types)


def test_every_ticket_names_a_listed_type_and_state(fake_intercom):
    types = {t["id"] for t in get(fake_intercom, "/ticket_types").json()["data"]}
    states = {s["id"] for s in get(fake_intercom, "/ticket_states").json()["data"]}
    data = fake_intercom.dataset
    for i in range(data.tickets.count):
        ticket = data.ticket(i)
        assert ticket["ticket_type"]["id"] in types
        assert ticket["ticket_state"]["id"] in states


def test_a_changed_ticket_is_newer_and_moves_to_other_contacts(make_fake):
    fake = make_fake(scale="small", seed=1)
    data = fake.dataset
    before = {t["id"]: t for t in (data.ticket(i) for i in range(data.tickets.count))}
    changed = fake.mutate_tickets(3)
    assert len(changed) == 3
    newest = max(t["updated_at"] for t in before.values())
    for ticket_id in changed:
        ticket = data.ticket(int(ticket_id) - int(data.ticket(0)["id"]))
        assert ticket["updated_at"] > newest
        assert ticket["contacts"] != before[ticket_id]["contacts"]
    links = fake.ground_truth("ticket_contacts")["records"]
    for ticket_id in changed:
        ticket = data.ticket(int(ticket_id) - int(data.ticket(0)["id"]))
        expected = {c["id"] for c in ticket["contacts"]["contacts"]}
        assert {r["contact_id"] for r in links if r["ticket_id"] == ticket_id} == expected


def test_the_ground_truth_of_parts_is_capped_per_ticket(fake_intercom):
    records = fake_intercom.ground_truth("ticket_parts")["records"]
    per_ticket: dict[str, int] = {}
    for record in records:
        per_ticket[record["ticket_id"]] = per_ticket.get(record["ticket_id"], 0) + 1
    assert max(per_ticket.values()) == TICKET_PARTS_CAP
    assert len({r["id"] for r in records}) == len(records)
