"""ticket_contacts: one row per ticket-contact link, from the ticket's inline `contacts`.

A child of tickets that makes no request: key (ticket_id, contact_id), each row with its
ticket's `updated_at`; a link is current while its `ticket_updated_at` equals the ticket's.
Code: `tap_intercom/streams/tickets.py` (`TicketContactsStream`, `ticket_contacts`);
schema: `schemas/ticket_contacts.json`.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tap_intercom.schemas import stream_schema
from tap_intercom.streams.tickets import ticket_contacts
from tests import oracle
from tests.in_process import InProcessRun, sync_in_process
from tests.streams.helpers import START, iso, median_version


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"ticket_contacts"})


def test_no_request_beyond_the_ticket_search(run):
    assert run.requests_to("/tickets/search")
    assert {urlparse(u).path for u in run.urls} == {"/tickets/search"}


def test_one_link_per_distinct_contact():
    contacts = [{"type": "contact", "id": "a"}, {"id": "b"}, {"id": "a"}, {"id": None}, "x"]
    assert list(ticket_contacts("7", contacts, "2024-01-01T00:00:00.000000Z")) == [
        {"ticket_id": "7", "contact_id": "a", "ticket_updated_at": "2024-01-01T00:00:00.000000Z"},
        {"ticket_id": "7", "contact_id": "b", "ticket_updated_at": "2024-01-01T00:00:00.000000Z"},
    ]
    assert list(ticket_contacts("7", None, None)) == []


def test_schema_is_the_link_and_its_ticket_version():
    props = stream_schema("ticket_contacts")["properties"]
    assert set(props) == {"ticket_id", "contact_id", "ticket_updated_at"}
    assert props["ticket_updated_at"]["format"] == "date-time"


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    records = run.records("ticket_contacts")
    oracle.assert_ground_truth(fake_intercom, "ticket_contacts", records, START)
    assert oracle.duplicate_primary_keys(records, ["ticket_id", "contact_id"]) == {}


def test_rows_carry_their_tickets_updated_at(run, fake_intercom):
    _, truth = oracle.truth(fake_intercom, "ticket_contacts", START)
    expected = {(r["ticket_id"], r["contact_id"]): iso(r["ticket_updated_at"]) for r in truth}
    emitted = {
        (r["ticket_id"], r["contact_id"]): r["ticket_updated_at"]
        for r in run.records("ticket_contacts")
    }
    assert emitted == expected


def test_the_bookmark_follows_the_tickets(fake_intercom):
    middle = median_version(fake_intercom, "tickets")
    state = {"bookmarks": {"ticket_contacts": {"ticket_updated_at": iso(middle)}}}
    run = sync_in_process(fake_intercom, {"ticket_contacts"}, state=state)
    oracle.assert_ground_truth(
        fake_intercom, "ticket_contacts", run.records("ticket_contacts"), middle
    )
    _, tickets = oracle.truth(fake_intercom, "tickets", START)
    newest = max(t["updated_at"] for t in tickets)
    assert run.final_state["bookmarks"]["ticket_contacts"]["ticket_updated_at"] == iso(newest)


def test_a_changed_ticket_writes_its_new_links(make_fake):
    fake = make_fake(scale="small", seed=1)
    first = sync_in_process(fake, {"ticket_contacts"})
    (changed,) = fake.mutate_tickets(1)
    second = sync_in_process(fake, {"ticket_contacts"}, state=first.final_state)
    old = {r["contact_id"] for r in first.records("ticket_contacts") if r["ticket_id"] == changed}
    new = {r["contact_id"] for r in second.records("ticket_contacts") if r["ticket_id"] == changed}
    assert new and new != old
    expected = {c for (t, c) in oracle.truth_keys(fake, "ticket_contacts", START) if t == changed}
    assert new == expected
