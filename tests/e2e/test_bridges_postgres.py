# ruff: noqa: S608  (SQL text built from test-controlled identifiers only)
"""Bridge tables end to end: `meltano run tap-intercom target-postgres` into PostgreSQL, then
SQL joining each bridge to both of its sides, against the fake's links.

target-postgres runs with `activate_version`, `add_record_metadata` and soft deletes
(`hard_delete: false`), the setup the README recommends. After the first run every link of the
fake is current and no link points at a missing row; after links are removed in the fake
(`fake.unlink`) and a second run, the current links (by the README's rule: an incremental
bridge's version column equals its parent row's `updated_at`, a full-table bridge's row is not
soft-deleted) are exactly the fake's live links again; a deleted conversation's links are not
current (its row carries `_sdc_deleted_at`). Harness: `test_meltano_postgres.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fake_intercom.data.links import BRIDGES
from tests import aux_venvs, oracle
from tests.e2e.test_meltano_postgres import pg_url, run_meltano, schema

__all__ = ["pg_url", "schema"]

pytestmark = pytest.mark.slow

#: bridge -> (parent table, linked table).
SIDES = {
    "contact_tags": ("contacts", "tags"),
    "contact_companies": ("contacts", "companies"),
    "conversation_tags": ("conversations", "tags"),
    "conversation_contacts": ("conversations", "contacts"),
    "conversation_teammates": ("conversations", "admins"),
    "company_tags": ("companies", "tags"),
    "team_admins": ("teams", "admins"),
}
FULL_TABLE = {"company_tags", "team_admins"}
#: Before every record of the fake: a linked row is then missing only if it does not exist.
START_DATE = "2000-01-01T00:00:00Z"
SETTINGS = {
    "TAP_INTERCOM_START_DATE": START_DATE,
    "TARGET_POSTGRES_ACTIVATE_VERSION": "true",
    "TARGET_POSTGRES_ADD_RECORD_METADATA": "true",
    "TARGET_POSTGRES_HARD_DELETE": "false",
    "TAP_INTERCOM__SELECT": json.dumps(
        sorted({f"{s}.*" for s in SIDES} | {f"{t}.*" for sides in SIDES.values() for t in sides})
    ),
}


def current_links_sql(schema: str, bridge: str) -> str:
    """The README's rule, as SQL: the links of `bridge` that are current."""
    parent, _ = SIDES[bridge]
    _, parent_key, link_key, version_key = BRIDGES[bridge]
    if bridge in FULL_TABLE:
        return (
            f'select l."{parent_key}"::text as parent, l."{link_key}"::text as linked '
            f'from "{schema}"."{bridge}" l where l._sdc_deleted_at is null'
        )
    return (
        f'select l."{parent_key}"::text as parent, l."{link_key}"::text as linked '
        f'from "{schema}"."{bridge}" l join "{schema}"."{parent}" p '
        f'on p.id::text = l."{parent_key}" and p.updated_at = l."{version_key}" '
        "and p._sdc_deleted_at is null"
    )


def current_links(pg_url: str, schema: str, bridge: str) -> set[tuple[str, str]]:
    rows = aux_venvs.psql_json(pg_url, current_links_sql(schema, bridge))
    return {(r["parent"], r["linked"]) for r in rows}


def dangling_links(pg_url: str, schema: str, bridge: str) -> int:
    """Bridge rows whose parent or linked row is missing from its table."""
    parent, linked = SIDES[bridge]
    _, parent_key, link_key, _ = BRIDGES[bridge]
    rows = aux_venvs.psql_json(
        pg_url,
        f'select count(*) as n from "{schema}"."{bridge}" l '
        f'left join "{schema}"."{parent}" p on p.id::text = l."{parent_key}" '
        f'left join "{schema}"."{linked}" o on o.id::text = l."{link_key}" '
        "where p.id is null or o.id is null",
    )
    return rows[0]["n"]


def truth(fake, bridge: str) -> set[tuple[str, str]]:
    return {(str(a), str(b)) for a, b in oracle.truth_keys(fake, bridge, START_DATE)}


def test_bridges_join_both_sides_and_removed_links_are_not_current(
    make_fake, pg_url: str, schema: str, tmp_path: Path
) -> None:
    fake = make_fake(scale="small", seed=12)
    run_meltano(fake, pg_url, schema, tmp_path, **SETTINGS)
    for bridge in SIDES:
        expected = truth(fake, bridge)
        assert expected, bridge
        assert current_links(pg_url, schema, bridge) == expected, bridge
        assert dangling_links(pg_url, schema, bridge) == 0, bridge

    removed = fake.unlink(**dict.fromkeys(SIDES, 3))
    deleted = set(fake.delete(conversations=2)["conversations"])
    run_meltano(fake, pg_url, schema, tmp_path, **SETTINGS)
    for bridge in SIDES:
        if SIDES[bridge][0] == "conversations":
            # A deleted conversation's links stay as rows, not current (its tombstone).
            current = {parent for parent, _ in current_links(pg_url, schema, bridge)}
            assert not current & deleted, bridge
        gone = {(a, b) for a, b in removed[bridge]}
        assert len(gone) == 3, bridge
        current = current_links(pg_url, schema, bridge)
        assert not gone & current, f"{bridge}: removed links still current: {gone & current}"
        assert current == truth(fake, bridge), bridge
        assert dangling_links(pg_url, schema, bridge) == 0, bridge
