# ruff: noqa: S608  (SQL text built from test-controlled identifiers only)
"""Deletions end to end: `meltano run tap-intercom target-postgres` with target-postgres'
`activate_version` and `add_record_metadata` on and soft deletes (`hard_delete: false`).

After deletions and contact merges in the fake (the Preview contact
activities opted in) and a second run, every deleted record's row has
`_sdc_deleted_at` set, every live record's row has it NULL, and the live rows per table equal
the fake's live records. Harness: `tests/test_meltano_postgres.py` (embedded PostgreSQL).
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
    """id -> whether the row is marked deleted."""
    rows = aux_venvs.psql_json(
        pg_url,
        f'select id::text as id, ("_sdc_deleted_at" is not null) as deleted '
        f'from "{schema}"."{table}"',
    )
    return {r["id"]: r["deleted"] for r in rows}


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
