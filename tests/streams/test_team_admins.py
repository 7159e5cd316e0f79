"""team_admins: one row per admin of a team (key `team_id` + `admin_id`).

Teams are read in full each run, so this bridge is a full table: between two ACTIVATE_VERSION
messages, from each team's `admin_ids` (integers in the API, strings here). No request of its
own. Code: `tap_intercom/streams/admins.py` (`TeamAdminsStream`), `tap_intercom/bridges.py`;
schema: `schemas/team_admins.json`.
"""

from __future__ import annotations

import pytest

from tests.in_process import InProcessRun, sync_in_process, tap_for

BRIDGE = "team_admins"


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {BRIDGE})


def test_one_table_version_around_every_row(run):
    kinds = [(m["type"], m.get("version")) for m in run.messages if m.get("stream") == BRIDGE]
    assert [k for k, _ in kinds] == ["SCHEMA", "ACTIVATE_VERSION"] + ["RECORD"] * (
        len(kinds) - 3
    ) + ["ACTIVATE_VERSION"]
    assert len({v for k, v in kinds if k != "SCHEMA"}) == 1


def test_admin_ids_are_strings_of_the_api_integers(run, fake_intercom):
    expected = {(str(t["id"]), str(a)) for t in fake_intercom.dataset.teams for a in t["admin_ids"]}
    assert {(r["team_id"], r["admin_id"]) for r in run.records(BRIDGE)} == expected


def test_a_skipped_read_closes_no_table_version(make_fake):
    """Teams forbidden (403, the stream skipped): no version replaces the table."""
    fake = make_fake(scale="small", seed=1)
    fake.control(forbidden=["/teams"])
    run = sync_in_process(fake, {"teams", BRIDGE})
    assert not run.records(BRIDGE)
    assert not [m for m in run.messages if m["type"] == "ACTIVATE_VERSION"]


def test_rows_of_one_team(fake_intercom):
    stream = tap_for(fake_intercom).streams[BRIDGE]
    assert stream.rows_of({"id": "814865", "admin_ids": [1, 2, 2]}, None) == [
        {"team_id": "814865", "admin_id": "1"},
        {"team_id": "814865", "admin_id": "2"},
    ]
