"""Fake Intercom: what it answers differently per `Intercom-Version` (see `versions.py`)."""

from __future__ import annotations

import pytest

from fake_intercom.client import api

EVERYTHING = {"field": "updated_at", "operator": ">", "value": 0}
#: One request per endpoint whose objects differ between versions.
ADAPTED_REQUESTS = [
    ("GET", "/admins", None),
    ("GET", "/companies?per_page=50", None),
    ("GET", "/help_center/help_centers", None),
    ("GET", "/articles?per_page=50", None),
    ("POST", "/contacts/search", {"query": EVERYTHING, "pagination": {"per_page": 50}}),
    ("POST", "/conversations/search", {"query": EVERYTHING, "pagination": {"per_page": 50}}),
    ("POST", "/tickets/search", {"query": EVERYTHING, "pagination": {"per_page": 50}}),
    ("GET", "/conversations/1000000003?display_as=plaintext", None),
    ("GET", "/data_attributes", None),
    ("GET", "/data_attributes?model=conversation", None),
]


def fetch(fake, version, method, path, body=None):
    with api(fake.base_url, version=version) as s:
        return s.request(method, path, json=body)


def results(fake, version, resource):
    with api(fake.base_url, version=version) as s:
        return s.search_all(resource, EVERYTHING)


@pytest.mark.parametrize(("method", "path", "body"), ADAPTED_REQUESTS)
@pytest.mark.parametrize("version", [None, "2.12", "2.13"])
def test_versions_without_changes_answer_byte_for_byte_as_2_14(
    fake_intercom, version, method, path, body
):
    expected = fetch(fake_intercom, "2.14", method, path, body)
    assert expected.status_code == 200
    assert fetch(fake_intercom, version, method, path, body).content == expected.content


@pytest.mark.parametrize("version", ["2.16", "2.17", "Preview"])
def test_conversation_attributes_move_to_their_own_endpoint_in_2_16(fake_intercom, version):
    refused = fetch(fake_intercom, version, "GET", "/data_attributes?model=conversation")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "parameter_invalid"
    models = {
        a["model"] for a in fetch(fake_intercom, version, "GET", "/data_attributes").json()["data"]
    }
    assert models == {"contact", "company"}
    listed = fetch(fake_intercom, version, "GET", "/conversations/attributes").json()["data"]
    archived = fetch(
        fake_intercom, version, "GET", "/conversations/attributes?include_archived=true"
    ).json()["data"]
    assert {a["type"] for a in archived} == {"conversation_attribute"}
    assert len(archived) == len(listed) + 1
    types = {a["name"]: a["data_type"] for a in archived}
    assert types["Issue Type"] == "list" and types["csat score"] == "decimal"
    assert types["due date"] == "datetime"
    options = next(a["options"] for a in archived if a["name"] == "Issue Type")
    assert [o["label"] for o in options] == ["Bug", "Question", "Billing"]


@pytest.mark.parametrize("version", ["2.11", "2.14", "2.15"])
def test_conversation_attributes_endpoint_is_unknown_before_2_16(fake_intercom, version):
    assert fetch(fake_intercom, version, "GET", "/conversations/attributes").status_code == 404
    listed = fetch(fake_intercom, version, "GET", "/data_attributes?model=conversation")
    assert listed.status_code == 200 and listed.json()["data"]


def test_2_16_refuses_a_sort_order_other_than_ascending_or_descending(fake_intercom):
    for resource in ("contacts", "conversations", "tickets"):
        body = {"query": EVERYTHING, "sort": {"field": "updated_at", "order": "asc"}}
        refused = fetch(fake_intercom, "2.16", "POST", f"/{resource}/search", body)
        assert refused.status_code == 400
        assert refused.json()["errors"][0] == {
            "code": "invalid_sort_order",
            "message": "Invalid sort order 'asc'. Must be one of: ascending, descending",
        }
        body["sort"]["order"] = "ascending"
        assert fetch(fake_intercom, "2.16", "POST", f"/{resource}/search", body).ok


def test_2_11_sends_the_ticket_state_as_a_string_with_its_labels(fake_intercom):
    old = results(fake_intercom, "2.11", "tickets")
    new = {t["id"]: t for t in results(fake_intercom, "2.14", "tickets")}
    assert old and len(old) == len(new)
    for ticket in old:
        state = new[ticket["id"]]["ticket_state"]
        assert ticket["ticket_state"] == state["category"]
        assert ticket["ticket_state_internal_label"] == state["internal_label"]
        assert ticket["ticket_state_external_label"] == state["external_label"]


def test_2_15_conversations_carry_their_company(fake_intercom):
    conversations = results(fake_intercom, "2.15", "conversations")
    companies = [c["company"] for c in conversations]
    assert None in companies
    assert {c["type"] for c in companies if c} == {"company"}
    assert "channel" not in conversations[0]
    assert "company" not in results(fake_intercom, "2.14", "conversations")[0]


def test_2_16_sends_its_new_fields_and_changed_types(fake_intercom):
    conversations = results(fake_intercom, "2.16", "conversations")
    assert all(
        {"channel", "company", "sales_agent", "sales_agent_participated", "external_references"}
        <= set(c)
        for c in conversations
    )
    assert any(c["sales_agent"] for c in conversations)
    assert any(c["external_references"] for c in conversations)
    assert any(c["source"]["recipients"] for c in conversations)
    assert any(c["company"] and "notes" in c["company"] for c in conversations)
    tickets = results(fake_intercom, "2.16", "tickets")
    assert all(isinstance(t["admin_assignee_id"], int) for t in tickets)
    assert all("previous_ticket_state_id" in t and "channel" in t for t in tickets)
    contacts = results(fake_intercom, "2.16", "contacts")
    owners = {type(c["owner_id"]) for c in contacts if c["owner_id"] is not None}
    assert owners == {str}
    admins = fetch(fake_intercom, "2.16", "GET", "/admins").json()["admins"]
    assert all(a["role"]["type"] == "role" for a in admins)
    companies = fetch(fake_intercom, "2.16", "GET", "/companies").json()["data"]
    assert all(c["notes"]["type"] == "note.list" for c in companies)


def test_2_16_parts_have_translations_and_nobody_admin_assignments(fake_intercom):
    parts = []
    with api(fake_intercom.base_url, version="2.16") as s:
        for conversation in results(fake_intercom, "2.16", "conversations")[:40]:
            detail = s.get(f"/conversations/{conversation['id']}").json()
            parts += detail["conversation_parts"]["conversation_parts"]
    assert all("translations" in p for p in parts)
    assert any(p["translations"] for p in parts)
    assert {"type": "nobody_admin", "id": None} in [p["assigned_to"] for p in parts]
    assert any((p["email_message_metadata"] or {}).get("message_id") for p in parts)


def test_2_17_contact_search_compares_timestamps_to_the_second(fake_intercom):
    tie = fake_intercom.dataset.contact_tie
    everyone = results(fake_intercom, "2.14", "contacts")
    later = {c["id"] for c in everyone if c["updated_at"] > tie}
    at_least = {c["id"] for c in everyone if c["updated_at"] >= tie}
    day_end = tie - tie % 86400 + 86400
    assert later != {c["id"] for c in everyone if c["updated_at"] >= day_end}
    with api(fake_intercom.base_url, version="2.17") as s:
        above = s.search_all("contacts", {"field": "updated_at", "operator": ">", "value": tie})
        from_tie = s.search_all("contacts", {"field": "updated_at", "operator": ">=", "value": tie})
    assert {c["id"] for c in above} == later
    assert {c["id"] for c in from_tie} == at_least
    with api(fake_intercom.base_url, version="2.16") as s:
        refused = s.search("contacts", {"field": "updated_at", "operator": ">=", "value": tie})
    assert refused.status_code == 400
