"""teams: `GET /teams`, one request, records as the API sends them.

Code: `tap_intercom/streams/admins.py` (`TeamsStream`); schema: `schemas/teams.json`.
"""

from __future__ import annotations

import pytest

from tests import oracle
from tests.in_process import InProcessRun, sync_in_process, tap_for
from tests.streams.helpers import START


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"teams"})


def test_one_request_without_parameters(run, fake_intercom):
    assert run.requests_to("/teams") == [f"{fake_intercom.base_url}/teams"]
    assert tap_for(fake_intercom).streams["teams"].get_url_params(None, None) == {}


def test_records_are_the_api_objects_unchanged(run, fake_intercom):
    """No transform: every field of the API's team, with its own JSON type."""
    raw = {str(t["id"]): t for t in fake_intercom.dataset.teams}
    records = run.records("teams")
    assert records
    for record in records:
        assert record == raw[record["id"]]


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    oracle.assert_ground_truth(fake_intercom, "teams", run.records("teams"), START)
