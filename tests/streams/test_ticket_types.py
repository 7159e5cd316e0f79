"""ticket_types: `GET /ticket_types`, full table as a table version, attributes inline.

Read once per run: discovery types `tickets.ticket_attributes` from the same response.
Code: `tap_intercom/streams/ticket_types.py` (`TicketTypesStream`); schema:
`schemas/ticket_types.json`.
"""

from __future__ import annotations

import pytest

from tests import oracle
from tests.in_process import InProcessRun, sync_in_process, tap_for
from tests.streams.helpers import START


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"ticket_types"})


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    oracle.assert_ground_truth(fake_intercom, "ticket_types", run.records("ticket_types"), START)


def test_attributes_and_states_arrive_inline_as_the_api_nests_them(run):
    record = run.records("ticket_types")[0]
    attributes = record["ticket_type_attributes"]["data"]
    assert {a["name"] for a in attributes} >= {"_default_title_", "Due date"}
    assert all(a["ticket_type_id"] == int(record["id"]) for a in attributes)
    assert record["ticket_states"]["data"], "2.14 ticket types carry their states"
    assert record["created_at"].endswith("Z")


def test_one_request_serves_discovery_and_the_stream(make_fake):
    fake = make_fake(scale="small", seed=1)
    tap = tap_for(fake)
    typed = tap.streams["tickets"].schema["properties"]["ticket_attributes"]["properties"]
    assert typed
    types = list(tap.streams["ticket_types"].table_records(None))
    assert len(types) == 3
    assert fake.stats()["requests_by_endpoint"]["GET /ticket_types"] == 1


def test_a_table_version_wraps_the_records(run):
    messages = [m for m in run.messages if m.get("stream") == "ticket_types"]
    kinds = [m["type"] for m in messages if m["type"] in ("ACTIVATE_VERSION", "RECORD")]
    assert kinds[0] == kinds[-1] == "ACTIVATE_VERSION"
    assert kinds.count("ACTIVATE_VERSION") == 2


def test_forbidden_skips_the_stream_and_leaves_attributes_untyped(make_fake):
    fake = make_fake(scale="small", seed=1)
    fake.control(forbidden=["/ticket_types"])
    run = sync_in_process(fake, {"ticket_types", "tickets"})
    assert run.records("ticket_types") == []
    assert not [m for m in run.messages if m["type"] == "ACTIVATE_VERSION"]
    lines = run.log_lines()
    assert any("'ticket_types'" in line and "403" in line for line in lines), lines
    oracle.assert_ground_truth(fake, "tickets", run.records("tickets"), START)
    schema = run.schemas()["tickets"]["schema"]["properties"]["ticket_attributes"]
    assert schema["properties"] == {}
