"""ticket_states: `GET /ticket_states` (API 2.12+), full table as a table version.

At 2.11 a ticket's state is its category text and there is no state list: the stream is
skipped with a warning, without a request; a 404 skips it the same way.
Code: `tap_intercom/streams/ticket_types.py` (`TicketStatesStream`); schema:
`schemas/ticket_states.json`.
"""

from __future__ import annotations

import pytest

from tests import oracle
from tests.in_process import InProcessRun, sync_in_process
from tests.streams.helpers import START


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"ticket_states"})


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    records = run.records("ticket_states")
    oracle.assert_ground_truth(fake_intercom, "ticket_states", records, START)
    archived = [r for r in records if r["archived"]]
    assert archived, "archived states are listed too"


def test_states_name_the_ticket_types_using_them(run):
    live = next(r for r in run.records("ticket_states") if not r["archived"])
    assert {t["id"] for t in live["ticket_types"]["data"]} == {"1700", "1701", "1702"}


def test_a_table_version_wraps_the_records(run):
    kinds = [
        m["type"]
        for m in run.messages
        if m.get("stream") == "ticket_states" and m["type"] in ("ACTIVATE_VERSION", "RECORD")
    ]
    assert kinds[0] == kinds[-1] == "ACTIVATE_VERSION"


@pytest.mark.parametrize("version", ["2.12", "2.16", "2.17"])
def test_versions_with_states_list_them(fake_intercom, version):
    run = sync_in_process(fake_intercom, {"ticket_states"}, api_version=version)
    oracle.assert_ground_truth(fake_intercom, "ticket_states", run.records("ticket_states"), START)


def test_api_2_11_skips_the_stream_without_a_request(fake_intercom):
    run = sync_in_process(fake_intercom, {"ticket_states"}, api_version="2.11")
    assert run.records("ticket_states") == []
    assert not run.requests_to("/ticket_states")
    assert not [m for m in run.messages if m["type"] == "ACTIVATE_VERSION"]
    assert any("'ticket_states'" in line and "2.11" in line for line in run.log_lines())


def test_a_404_skips_the_stream_with_a_warning(make_fake):
    fake = make_fake(scale="small", seed=1)

    def gone(response) -> None:
        if response.url.endswith("/ticket_states"):
            response.status_code = 404
            response._content = b'{"type":"error.list","errors":[{"code":"not_found"}]}'

    run = sync_in_process(fake, {"ticket_states"}, hook=gone)
    assert run.records("ticket_states") == []
    assert not [m for m in run.messages if m["type"] == "ACTIVATE_VERSION"]
    assert any("'ticket_states'" in line and "404" in line for line in run.log_lines())
