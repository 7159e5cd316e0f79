# ruff: noqa: S608  (SQL text built from test-controlled identifiers only)
"""Deletions end to end: `meltano run tap-intercom target-postgres` with target-postgres'
`activate_version` and `add_record_metadata` on and soft deletes (`hard_delete: false`).

After deletions and contact merges in the fake (the Preview contact
activities opted in) and a second run, every deleted record's row has
`_sdc_deleted_at` set, every live record's row has it NULL, and the live rows per table equal
the fake's live records. The same holds when the deletions and merges happen during the first
run, between its page requests (`delete_every`), with companies as table versions
(`company_deletions`) on API 2.16; and, without Preview, for merges alone (2.16 merge
history). conversation_parts are not checked: no listing names deleted parts (README).
Harness: `tests/test_meltano_postgres.py` (embedded PostgreSQL).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import aux_venvs
from tests.e2e.test_meltano_postgres import pg_url, run_meltano, schema

__all__ = ["pg_url", "schema"]

pytestmark = pytest.mark.slow

START_DATE = "2015-01-01T00:00:00Z"
#: Per stream, how many records the fake deletes between the two runs.
DELETIONS = {
    "contacts": 2,
    "conversations": 4,
    "tags": 2,
    "teams": 1,
    "collections": 2,
    "help_centers": 1,
}
SOFT_DELETE = {
    "TARGET_POSTGRES_ACTIVATE_VERSION": "true",
    "TARGET_POSTGRES_ADD_RECORD_METADATA": "true",
    "TARGET_POSTGRES_HARD_DELETE": "false",
    "TAP_INTERCOM_CONTACT_DELETIONS_PREVIEW": "true",
    "TAP_INTERCOM__SELECT": json.dumps([f"{stream}.*" for stream in DELETIONS]),
}


def _rows(pg_url: str, schema: str, table: str) -> dict[str, bool]:
    """key -> whether the row is marked deleted (company_segments: `company_id/id`, as
    `fake.deleted` names them)."""
    key = "company_id::text || '/' || id::text" if table == "company_segments" else "id::text"
    rows = aux_venvs.psql_json(
        pg_url,
        f'select {key} as id, ("_sdc_deleted_at" is not null) as deleted from "{schema}"."{table}"',
    )
    return {r["id"]: r["deleted"] for r in rows}


def _live_keys(fake, stream: str) -> set[str]:
    return {
        "/".join(str(r[k]) for k in truth["key_properties"])
        for truth in [fake.ground_truth(stream, START_DATE)]
        for r in truth["records"]
    }


def _assert_no_ghosts(fake, pg_url: str, schema: str, streams) -> dict[str, tuple[int, int]]:
    """Per table: every row of a deleted or merged record is marked, no live row is, and the
    unmarked rows are exactly the fake's live records; returns (live, marked) per table."""
    out = {}
    for stream in streams:
        rows = _rows(pg_url, schema, stream)
        live = _live_keys(fake, stream)
        gone = set(fake.deleted(stream))  # contacts: deleted and merged
        ghosts = sorted(k for k in gone if rows.get(k) is False)
        assert not ghosts, f"{stream}: deleted rows not marked: {ghosts[:5]}"
        wrongly = sorted(k for k in live if rows.get(k) is not False)
        assert not wrongly, f"{stream}: live rows marked deleted or missing: {wrongly[:5]}"
        unmarked = {k for k, deleted in rows.items() if not deleted}
        assert unmarked == live, f"{stream}: rows live but not in the fake: {unmarked - live}"
        out[stream] = (len(unmarked), len(rows) - len(unmarked))
    return out


def test_deleted_rows_are_soft_deleted_and_live_rows_stay_live(
    make_fake, pg_url: str, schema: str, tmp_path: Path
) -> None:
    fake = make_fake(scale="small", seed=11)
    run_meltano(fake, pg_url, schema, tmp_path, **SOFT_DELETE)
    loaded = {stream: _rows(pg_url, schema, stream) for stream in DELETIONS}
    assert all(loaded.values()), {s: len(r) for s, r in loaded.items()}
    assert not any(any(rows.values()) for rows in loaded.values()), "deleted before any deletion"

    deleted = fake.delete(**DELETIONS, merge_contacts=2)
    deleted["contacts"] += deleted.pop("merge_contacts")
    run_meltano(fake, pg_url, schema, tmp_path, **SOFT_DELETE)

    for stream in DELETIONS:
        rows = _rows(pg_url, schema, stream)
        live = {str(r["id"]) for r in fake.ground_truth(stream, START_DATE)["records"]}
        gone = set(deleted[stream])
        assert gone, stream
        assert all(rows.get(key) is True for key in gone), (
            f"{stream}: deleted rows not marked: {sorted(k for k in gone if not rows.get(k))}"
        )
        assert all(rows.get(key) is False for key in live), (
            f"{stream}: live rows marked deleted or missing: "
            f"{sorted(k for k in live if rows.get(k) is not False)[:5]}"
        )
        assert sum(1 for flag in rows.values() if not flag) == len(live), stream


#: Streams whose deletions the live test makes and checks (parts: see the module docstring).
LIVE_STREAMS = [
    "contacts",
    "conversations",
    "companies",
    "company_segments",
    "tags",
    "segments",
    "collections",
]
LIVE_SOFT_DELETE = {
    **SOFT_DELETE,
    "TAP_INTERCOM_API_VERSION": "2.16",
    "TAP_INTERCOM_COMPANY_DELETIONS": "true",
    "TAP_INTERCOM__SELECT": json.dumps([f"{stream}.*" for stream in LIVE_STREAMS]),
}
#: Every 6th API request of the first run deletes or merges one record of each (4 times).
DURING_RUN = {
    "requests": 6,
    "times": 4,
    "contacts": 1,
    "merge_contacts": 1,
    "conversations": 1,
    "companies": 1,
    "tags": 1,
    "segments": 1,
    "collections": 1,
}


def test_deletions_and_merges_during_a_run_leave_no_ghost_rows(
    make_fake, pg_url: str, schema: str, tmp_path: Path
) -> None:
    fake = make_fake(scale="small", seed=12)
    fake.control(delete_every=DURING_RUN)
    first = run_meltano(fake, pg_url, schema, tmp_path, **LIVE_SOFT_DELETE)
    assert first.returncode == 0, first.stderr[-3000:]
    during = {stream: len(fake.deleted(stream)) for stream in LIVE_STREAMS}
    requests = fake.stats()["requests_total"]
    assert fake.control()["delete_every"]["times"] == 0, f"{requests} requests: too few"
    fake.control(delete_every=None)
    # And more between the runs.
    fake.delete(contacts=2, merge_contacts=2, conversations=2, companies=2, tags=1, segments=1)

    second = run_meltano(fake, pg_url, schema, tmp_path, **LIVE_SOFT_DELETE)
    assert second.returncode == 0, second.stderr[-3000:]
    tables = _assert_no_ghosts(fake, pg_url, schema, LIVE_STREAMS)
    assert all(during[s] for s in LIVE_STREAMS if s != "company_segments"), during
    assert all(marked for _, marked in tables.values()), tables


def test_merges_without_preview_leave_no_ghost_rows_on_2_16(
    make_fake, pg_url: str, schema: str, tmp_path: Path
) -> None:
    """No Preview: the merged leads come from their users' 2.16 merge history."""
    fake = make_fake(scale="small", seed=13)
    env = {
        **SOFT_DELETE,
        "TAP_INTERCOM_API_VERSION": "2.16",
        "TAP_INTERCOM_CONTACT_DELETIONS_PREVIEW": "false",
        "TAP_INTERCOM__SELECT": json.dumps(["contacts.*"]),
    }
    fake.control(delete_every={"requests": 3, "times": 2, "merge_contacts": 2})
    assert run_meltano(fake, pg_url, schema, tmp_path, **env).returncode == 0
    fake.control(delete_every=None)
    fake.delete(merge_contacts=2)
    assert run_meltano(fake, pg_url, schema, tmp_path, **env).returncode == 0
    ((live, marked),) = _assert_no_ghosts(fake, pg_url, schema, ["contacts"]).values()
    assert marked >= 4 and live, (live, marked)
    assert "GET /contacts/activities" not in fake.stats()["requests_by_endpoint"]
