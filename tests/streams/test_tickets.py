"""tickets: `POST /tickets/search`, `updated_at` > OR = the bound, ascending.

There is no list endpoint; a token without the tickets scope gets a 403 and the stream is
skipped with a warning. `ticket_attributes` keeps each value's own JSON type.
Code: `tap_intercom/streams/tickets.py` (`TicketsStream`), the search loop in
`tap_intercom/search.py`; schema: `schemas/tickets.json`.
"""

from __future__ import annotations

import pytest

from tap_intercom.schemas import stream_schema
from tests import oracle
from tests.in_process import InProcessRun, sync_in_process, tap_for
from tests.streams.helpers import START, iso, median_version

#: The other streams Stitch lacks, synced next to tickets when tickets are forbidden.
OTHER_EXTRA_STREAMS = {
    "data_attributes",
    "articles",
    "collections",
    "help_centers",
    "activity_logs",
}


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"tickets"})


# --- request ---------------------------------------------------------------------------------


def test_search_asks_for_updated_at_from_the_bound_ascending(fake_intercom):
    stream = tap_for(fake_intercom, start_date="2024-03-01T10:00:00Z").streams["tickets"]
    assert stream.prepare_request_payload(None, "cursor-2") == {
        "query": {
            "operator": "OR",
            "value": [
                {"field": "updated_at", "operator": ">", "value": 1709287200},
                {"field": "updated_at", "operator": "=", "value": 1709287200},
            ],
        },
        "sort": {"field": "updated_at", "order": "ascending"},
        "pagination": {"per_page": 150, "starting_after": "cursor-2"},
    }


def test_requests_go_to_the_search_endpoint_only(run):
    assert run.requests_to("/tickets/search")
    assert all(u in run.requests_to("/tickets/search") for u in run.urls)


# --- transform -------------------------------------------------------------------------------


def test_contacts_are_denested_and_attributes_kept(fake_intercom):
    stream = tap_for(fake_intercom).streams["tickets"]
    contact = {"type": "contact", "id": "65", "external_id": None}
    attributes = {"Priority": "Low", "Hours": 9.9, "Impacted": True, "Parts": ["api"]}
    raw = {
        "id": "1",
        "contacts": {"type": "contact.list", "contacts": [contact]},
        "ticket_attributes": attributes,
    }
    assert stream.transform_record(raw, None) == {
        "id": "1",
        "contacts": [contact],
        "ticket_attributes": attributes,
    }


def test_parts_are_left_to_ticket_parts(fake_intercom):
    """A search result's copy of the parts (some versions send one) is not kept: every part
    is a row of `ticket_parts`, read from the ticket's detail."""
    stream = tap_for(fake_intercom).streams["tickets"]
    raw = {"id": "1", "ticket_parts": {"type": "ticket_part.list", "ticket_parts": [{"id": "3"}]}}
    assert stream.transform_record(raw, None) == {"id": "1", "contacts": None}
    assert "ticket_parts" not in stream_schema("tickets")["properties"]


def test_discovery_types_ticket_attributes_from_the_ticket_types(fake_intercom):
    tap = tap_for(fake_intercom)
    attributes = tap.streams["tickets"].schema["properties"]["ticket_attributes"]
    assert attributes["additionalProperties"] is True
    props = attributes["properties"]
    assert props["Due date"] == {"type": ["null", "string"], "format": "date-time"}
    assert props["Estimated hours"] == {"type": ["null", "number"]}
    assert props["Story points"] == {"type": ["null", "integer"]}
    assert props["Customer impacted"] == {"type": ["null", "boolean"]}
    assert props["_default_title_"] == {"type": ["null", "string"]}
    assert props["Components"] == {} and props["Screenshot"] == {}  # list, files: as sent


def test_typed_attributes_arrive_converted(run, fake_intercom):
    data = fake_intercom.dataset
    by_id = {t["id"]: t for t in run.records("tickets")}
    dated = [i for i in range(data.tickets.count) if i % 2]
    raw = data.ticket(dated[0])
    emitted = by_id[raw["id"]]["ticket_attributes"]
    assert emitted["Due date"] == iso(raw["ticket_attributes"]["Due date"])
    assert emitted["Story points"] == raw["ticket_attributes"]["Story points"]


def test_schema_denests_contacts_and_leaves_attributes_free_form():
    props = stream_schema("tickets")["properties"]
    assert set(props["contacts"]["type"]) == {"null", "array"}
    assert "id" in props["contacts"]["items"]["properties"]
    attributes = props["ticket_attributes"]
    assert attributes["additionalProperties"] is True
    assert not attributes.get("properties")


# --- records ---------------------------------------------------------------------------------


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    oracle.assert_ground_truth(fake_intercom, "tickets", run.records("tickets"), START)


def test_contacts_unwrapped_and_attribute_values_keep_their_json_type(run, fake_intercom):
    data = fake_intercom.dataset
    tickets = run.records("tickets")
    raw_ticket = data.ticket(int(tickets[0]["id"]) - int(data.ticket(0)["id"]))
    ticket = next(t for t in tickets if t["id"] == raw_ticket["id"])
    assert ticket["contacts"] == raw_ticket["contacts"]["contacts"]
    due = raw_ticket["ticket_attributes"]["Due date"]
    assert ticket["ticket_attributes"] == {
        **raw_ticket["ticket_attributes"],
        "Due date": None if due is None else iso(due),
    }
    assert ticket["updated_at"] == iso(raw_ticket["updated_at"])


def test_a_bookmark_in_the_middle_beats_start_date(fake_intercom):
    """A bookmark (Stitch's shape) at the median record: exactly the records at/after it."""
    middle = median_version(fake_intercom, "tickets")
    state = {"bookmarks": {"tickets": {"updated_at": iso(middle)}}}
    run = sync_in_process(fake_intercom, {"tickets"}, state=state, start_date=START)
    everything = oracle.truth_keys(fake_intercom, "tickets", START)
    assert 0 < len(oracle.truth_keys(fake_intercom, "tickets", middle)) < len(everything)
    oracle.assert_ground_truth(fake_intercom, "tickets", run.records("tickets"), middle)


def test_tickets_forbidden_skips_only_that_stream_with_a_warning(make_fake):
    fake = make_fake(scale="small", seed=1)
    fake.control(forbidden=["/tickets"])
    start = "2017-01-01T00:00:00Z"
    run = sync_in_process(fake, {"tickets", *OTHER_EXTRA_STREAMS}, start_date=start)
    assert run.records("tickets") == []
    warnings = [line for line in run.log_lines() if "403" in line]
    assert any("'tickets'" in line for line in warnings), run.log_lines()
    assert fake.stats()["responses_by_status"].get("403", 0) >= 1
    for stream in OTHER_EXTRA_STREAMS:
        oracle.assert_ground_truth(fake, stream, run.records(stream), start)
    assert "tickets" not in run.final_state["bookmarks"]
