"""The ticket tables end to end: `meltano run tap-intercom target-postgres`, then SQL.

Joins each ticket table to the others and to `contacts` in PostgreSQL and compares with the
fake's ground truth: every part and link present, none pointing at a missing row, every ticket's
type and state in their tables; after tickets change and a second run, the links that left a
ticket are no longer current under the README's rule (`ticket_updated_at` = the ticket's).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fake_intercom import FakeIntercom
from tests import aux_venvs, oracle
from tests.e2e.test_meltano_postgres import (  # the fixtures too: one PostgreSQL per module
    pg_url,
    run_meltano,
    schema,
)

pytestmark = pytest.mark.slow
__all__ = ["pg_url", "schema"]

TICKET_STREAMS = ["tickets", "ticket_parts", "ticket_contacts", "ticket_types", "ticket_states"]
#: Before every record of the fake, so every contact a ticket names is in `contacts` (a contact
#: last changed before `start_date` would not be, and its links would rightly dangle).
START_DATE = "2000-01-01T00:00:00Z"
SELECT = json.dumps([f"{s}.*" for s in [*TICKET_STREAMS, "contacts"]])
#: The current ticket-contact links: the README's rule.
CURRENT_LINKS = (
    'select tc.ticket_id, tc.contact_id from "{s}".ticket_contacts tc '
    'join "{s}".tickets t on t.id = tc.ticket_id and t.updated_at = tc.ticket_updated_at'
)


def sql(pg_url: str, text: str, schema: str) -> list[dict]:
    return aux_venvs.psql_json(pg_url, text.format(s=schema))


def keys(rows: list[dict], *columns: str) -> set[tuple[str, ...]]:
    return {tuple(str(r[c]) for c in columns) for r in rows}


def truth(fake: FakeIntercom, stream: str) -> set[tuple[str, ...]]:
    return oracle.truth_keys(fake, stream, START_DATE)


def assert_tables_match_the_ground_truth(fake: FakeIntercom, pg_url: str, schema: str) -> None:
    parts = sql(
        pg_url,
        'select p.id, p.ticket_id, t.id as joined from "{s}".ticket_parts p '
        'left join "{s}".tickets t on t.id = p.ticket_id',
        schema,
    )
    assert keys(parts, "id") == truth(fake, "ticket_parts")
    assert all(p["joined"] is not None for p in parts), "a part of a missing ticket"
    per_ticket = sql(
        pg_url,
        'select t.id, count(p.id) as n, max(p.ticket_total_parts) as total from "{s}".tickets t '
        'left join "{s}".ticket_parts p on p.ticket_id = t.id group by t.id',
        schema,
    )
    expected: dict[str, int] = {}
    _, part_truth = oracle.truth(fake, "ticket_parts", START_DATE)
    for record in part_truth:
        expected[record["ticket_id"]] = expected.get(record["ticket_id"], 0) + 1
    assert {r["id"]: r["n"] for r in per_ticket} == expected
    assert any(r["total"] > r["n"] for r in per_ticket), "no capped ticket in the fake"

    links = sql(
        pg_url,
        'select tc.ticket_id, tc.contact_id, t.id as t, c.id as c from "{s}".ticket_contacts tc '
        'left join "{s}".tickets t on t.id = tc.ticket_id '
        'left join "{s}".contacts c on c.id = tc.contact_id',
        schema,
    )
    assert all(r["t"] is not None and r["c"] is not None for r in links), "a dangling link"
    current = sql(pg_url, CURRENT_LINKS, schema)
    assert keys(current, "ticket_id", "contact_id") == truth(fake, "ticket_contacts")

    typed = sql(
        pg_url,
        'select t.id, tt.id as type_id, ts.id as state_id from "{s}".tickets t '
        "left join \"{s}\".ticket_types tt on tt.id = t.ticket_type->>'id' "
        "left join \"{s}\".ticket_states ts on ts.id = t.ticket_state->>'id'",
        schema,
    )
    assert keys(typed, "id") == truth(fake, "tickets")
    assert all(r["type_id"] and r["state_id"] for r in typed), "a type or state is missing"
    assert keys(sql(pg_url, 'select id from "{s}".ticket_types', schema), "id") == truth(
        fake, "ticket_types"
    )
    assert keys(sql(pg_url, 'select id from "{s}".ticket_states', schema), "id") == truth(
        fake, "ticket_states"
    )


def test_ticket_tables_join_to_the_ground_truth_and_removed_links_are_not_current(
    make_fake, pg_url: str, schema: str, tmp_path: Path
) -> None:
    fake = make_fake(scale="small", seed=1)
    select = {"TAP_INTERCOM__SELECT": SELECT, "TAP_INTERCOM_START_DATE": START_DATE}
    run_meltano(fake, pg_url, schema, tmp_path, **select)
    assert_tables_match_the_ground_truth(fake, pg_url, schema)
    before = keys(
        sql(pg_url, 'select ticket_id, contact_id from "{s}".ticket_contacts', schema),
        "ticket_id",
        "contact_id",
    )

    changed = fake.mutate_tickets(6)
    run_meltano(fake, pg_url, schema, tmp_path, **select)
    assert_tables_match_the_ground_truth(fake, pg_url, schema)
    removed = {
        link for link in before if link[0] in changed and link not in truth(fake, "ticket_contacts")
    }
    assert removed, "the changed tickets should have moved to other contacts"
    rows = keys(
        sql(pg_url, 'select ticket_id, contact_id from "{s}".ticket_contacts', schema),
        "ticket_id",
        "contact_id",
    )
    assert removed <= rows, "the old links stay as rows (nothing deletes them)"
    current = keys(sql(pg_url, CURRENT_LINKS, schema), "ticket_id", "contact_id")
    assert not removed & current, "a removed link is still current"
