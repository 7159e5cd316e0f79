# ruff: noqa: S608  (SQL text built from test-controlled identifiers only)
"""The `fivetran` Meltano environment end to end: Fivetran's table layout for dbt_intercom.

`meltano --environment fivetran run tap-intercom target-postgres` into the embedded PostgreSQL,
then SQL on every table the package reads (`tests/data/dbt_intercom_tables.json`, from the facts
in the package's docs): each table and column exists, each column casts to the type the package
casts it to, columns it compares without a cast share a type, values equal what the fake's API
answers (not what the tap wrote), every key has one row, and after deletions, merges and edits in
the fake and a second run the package's row filters (`_fivetran_deleted`, `_fivetran_active`)
keep exactly the live records.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fake_intercom import FakeIntercom
from fake_intercom.client import api
from tests import aux_venvs, oracle
from tests.e2e.test_meltano_postgres import discover, pg_url, run_meltano, schema

__all__ = ["pg_url", "schema"]

pytestmark = pytest.mark.slow

START_DATE = "2015-01-01T00:00:00Z"
LAYOUT = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "dbt_intercom_tables.json").read_text()
)
FIVETRAN = {
    "MELTANO_ENVIRONMENT": "fivetran",
    "TAP_INTERCOM_CONTACT_DELETIONS_PREVIEW": "true",
}
#: Filter name -> the SQL condition of the package's staging model that keeps a row.
KEEPS = {
    "deleted": "not coalesce(_fivetran_deleted, false)",
    "active": "coalesce(_fivetran_active, true)",
}


def keeps(spec: dict) -> str:
    """The staging model's filter; a flag column the table lacks is NULL there (the package
    fills missing columns with NULL), so the filter keeps every row."""
    flag = {"deleted": "_fivetran_deleted", "active": "_fivetran_active"}[spec["filter"]]
    return KEEPS[spec["filter"]] if flag in spec["columns"] else "true"


def _rows(pg_url: str, sql: str) -> list[dict]:
    return aux_venvs.psql_json(pg_url, sql)


def fivetran_tables(streams: dict[str, list[str]]) -> dict[str, dict]:
    """The package's tables, each fed by a stream the tap discovers."""
    tables: dict[str, dict] = LAYOUT["tables"]
    missing = sorted(t for t, spec in tables.items() if spec["stream"] not in streams)
    assert not missing, f"no stream feeds {missing}"
    return tables


def check_columns_and_casts(pg_url: str, schema: str, layout: dict[str, dict]) -> None:
    columns = _rows(
        pg_url,
        "select table_name as t, column_name as c, data_type as d "
        f"from information_schema.columns where table_schema = '{schema}'",
    )
    have = {(r["t"], r["c"]): r["d"] for r in columns}
    for table, spec in layout.items():
        missing = [c for c in spec["columns"] if (table, c) not in have]
        assert not missing, f"{table}: no column {missing}"
        casts = ", ".join(f'cast("{c}" as {kind})' for c, kind in spec["columns"].items())
        # psql fails the test if any value does not cast.
        relation = f'"{schema}"."{table}"'
        rows = _rows(pg_url, f"select count(*) as n from (select {casts} from {relation}) q")
        assert rows[0]["n"] > 0, f"{table} is empty"
    for left, right in LAYOUT["joins"]:
        lt, lc = left.split(".")
        rt, rc = right.split(".")
        assert have[(lt, lc)] == have[(rt, rc)], f"{left} {have[(lt, lc)]} vs {right}"


def check_one_row_per_key(pg_url: str, schema: str, layout: dict[str, dict]) -> None:
    for table, spec in layout.items():
        cols = ", ".join(f'"{k}"' for k in spec["key"])
        rows = _rows(
            pg_url,
            f'select count(*) as n, count(distinct ({cols}, 0)) as d from "{schema}"."{table}"',
        )
        assert rows[0]["n"] == rows[0]["d"], f"{table}: more than one row per key {rows}"


def check_live_rows(fake: FakeIntercom, pg_url: str, schema: str, layout: dict[str, dict]) -> None:
    """The rows the package's filter keeps are exactly the fake's live records."""
    for table, spec in layout.items():
        if spec["key"] != ["id"] or spec["stream"] == "conversation_parts":
            continue  # links: see the bridge checks; parts: the package keeps every part
        kept = _rows(pg_url, f'select id::text as id from "{schema}"."{table}" where {keeps(spec)}')
        live = {str(r["id"]) for r in fake.ground_truth(spec["stream"], START_DATE)["records"]}
        assert {r["id"] for r in kept} == live, f"{table}: kept rows != live records"


def _by_id(pg_url: str, schema: str, table: str, columns: list[str], where: str = "true") -> dict:
    cols = ", ".join(f'"{c}"' for c in columns)
    rows = _rows(pg_url, f'select id::text as id, {cols} from "{schema}"."{table}" where {where}')
    return {r["id"]: {c: r[c] for c in columns} for r in rows}


def _epoch(pg_url: str, schema: str, table: str, column: str) -> dict[str, int | None]:
    rows = _rows(
        pg_url,
        f'select id::text as id, floor(extract(epoch from cast("{column}" as timestamp)))::bigint'
        f' as e from "{schema}"."{table}" where {KEEPS["active"]}',
    )
    return {r["id"]: r["e"] for r in rows}


def check_conversations(
    fake: FakeIntercom, pg_url: str, schema: str, only: set[str] | None = None
) -> None:
    """Derived conversation and part columns against `GET /conversations/{id}` (every live
    conversation, or `only` these)."""
    columns = [
        "source_author_id",
        "source_author_type",
        "source_delivered_as",
        "conversation_rating_value",
        "conversation_rating_remark",
        "sla_name",
        "sla_status",
        "assignee_id",
    ]
    table = _by_id(pg_url, schema, "conversation_history", columns, KEEPS["active"])
    replied = _epoch(pg_url, schema, "conversation_history", "first_contact_reply_created_at")
    parts = _by_id(
        pg_url,
        schema,
        "conversation_part_history",
        ["conversation_id", "author_id", "author_type", "assigned_to_id", "assigned_to_type"],
    )
    # The fake assigns parts to admins only (teams and `nobody_admin`: tests/unit).
    seen = {"rated": 0, "assigned_parts": 0}
    with api(fake.base_url) as session:
        for conversation_id in sorted(only if only is not None else table):
            body = session.get(f"/conversations/{conversation_id}").json()
            author = (body.get("source") or {}).get("author") or {}
            rating = body.get("conversation_rating") or {}
            sla = body.get("sla_applied") or {}
            admin = body.get("admin_assignee_id")
            expected = {
                "source_author_id": author.get("id"),
                "source_author_type": author.get("type"),
                "source_delivered_as": (body.get("source") or {}).get("delivered_as"),
                "conversation_rating_value": rating.get("rating"),
                "conversation_rating_remark": rating.get("remark"),
                "sla_name": sla.get("sla_name"),
                "sla_status": sla.get("sla_status"),
                "assignee_id": None if admin is None else str(admin),
            }
            assert table[conversation_id] == expected, conversation_id
            assert replied[conversation_id] == (body.get("first_contact_reply") or {}).get(
                "created_at"
            ), conversation_id
            seen["rated"] += rating.get("rating") is not None
            for part in body["conversation_parts"]["conversation_parts"]:
                assigned = part.get("assigned_to") or {}
                assert parts[str(part["id"])] == {
                    "conversation_id": conversation_id,
                    "author_id": part["author"].get("id"),
                    "author_type": part["author"].get("type"),
                    "assigned_to_id": assigned.get("id"),
                    "assigned_to_type": assigned.get("type"),
                }, part["id"]
                seen["assigned_parts"] += assigned.get("id") is not None
    assert all(seen.values()), f"the sample lacks a case: {seen}"


def check_contacts_companies_articles(
    fake: FakeIntercom, pg_url: str, schema: str, only: dict[str, list[str]] | None = None
) -> None:
    """Contact owners, company plans, article parents and statistics against the API (a
    sample, or `only` these contacts and companies)."""
    contacts = _by_id(pg_url, schema, "contact_history", ["admin_id"], KEEPS["active"])
    companies = _by_id(pg_url, schema, "company_history", ["plan_id", "plan_name"], KEEPS["active"])
    articles = _by_id(
        pg_url,
        schema,
        "article_history",
        ["collection_id", "section_id", "statistics_views", "statistics_happy_reaction_percentage"],
        KEEPS["active"],
    )
    owned = 0
    with api(fake.base_url) as session:
        for contact_id in (only or {}).get("contacts") or sorted(contacts)[:60]:
            owner = session.get(f"/contacts/{contact_id}").json().get("owner_id")
            assert contacts[contact_id] == {"admin_id": None if owner is None else str(owner)}
            owned += owner is not None
        for company_id in (only or {}).get("companies") or sorted(companies)[:40]:
            plan = session.get(f"/companies/{company_id}").json().get("plan") or {}
            assert companies[company_id] == {
                "plan_id": None if plan.get("id") is None else str(plan["id"]),
                "plan_name": plan.get("name"),
            }, company_id
        for article_id in sorted(articles):
            body = session.get(f"/articles/{article_id}").json()
            parent = body.get("parent_id")
            stats = body.get("statistics") or {}
            assert articles[article_id]["collection_id"] == (
                None if parent is None else str(parent)
            ), article_id
            assert articles[article_id]["section_id"] is None
            if stats:  # the list the tap reads may carry no statistics; a row never invents any
                assert articles[article_id]["statistics_views"] in (None, stats.get("views"))
    assert owned, "no contact with an owner in the sample"
    assert any(c["plan_id"] for c in companies.values()), "no company with a plan"


#: Link table -> (parent table, its key column, linked key column, version column). A version
#: column of None: the bridge is a table version per run (hard-deleted rows), exact as is.
LINKS = {
    "contact_tag_history": ("contact_history", "contact_id", "tag_id", "contact_updated_at"),
    "contact_company_history": (
        "contact_history",
        "contact_id",
        "company_id",
        "contact_updated_at",
    ),
    "conversation_tag_history": (
        "conversation_history",
        "conversation_id",
        "tag_id",
        "conversation_updated_at",
    ),
    "conversation_contact_history": (
        "conversation_history",
        "conversation_id",
        "contact_id",
        "conversation_updated_at",
    ),
    "company_tag_history": ("company_history", "company_id", "tag_id", None),
    "team_admin": ("team", "team_id", "admin_id", None),
}


def _pairs(pg_url: str, sql: str) -> set[tuple[str, str]]:
    return {(r["p"], r["l"]) for r in _rows(pg_url, sql)}


def check_links(
    fake: FakeIntercom, pg_url: str, schema: str, layout: dict[str, dict], removed: dict
) -> None:
    """What the package sees of each link table, against the fake's live links: exact for
    table versions; for contacts' and conversations' links the README's rule (version column
    = parent's `updated_at`) gives exactly the live links, while the package, which joins on
    the parent id alone, also keeps the removed ones (the documented approximation)."""
    for table, (parent, parent_key, link_key, version) in LINKS.items():
        spec = layout[table]
        truth = {(str(a), str(b)) for a, b in oracle.truth_keys(fake, spec["stream"], START_DATE)}
        gone = {(str(a), str(b)) for a, b in removed[spec["stream"]]}
        assert truth, table
        assert gone, table
        select = f'select l."{parent_key}"::text as p, l."{link_key}"::text as l'
        kept = _pairs(pg_url, f'{select} from "{schema}"."{table}" l where {keeps(spec)}')
        if version is None:
            assert kept == truth, f"{table}: kept links != live links"
            continue
        current = _pairs(
            pg_url,
            f'{select} from "{schema}"."{table}" l join "{schema}"."{parent}" p '
            f'on p.id = l."{parent_key}" and p.updated_at = l."{version}" '
            f"and {KEEPS['active']}",
        )
        assert current == truth, f"{table}: current links != live links"
        assert kept >= truth, table
        assert gone <= kept - current, f"{table}: a removed link is no longer a row"
    # The package reads one contact per conversation: a row of its newest version.
    newest = _pairs(
        pg_url,
        'select conversation_id as p, contact_id as l from "'
        + schema
        + '"."conversation_contact_history" l where conversation_updated_at = '
        '(select max(conversation_updated_at) from "'
        + schema
        + '"."conversation_contact_history" m where m.conversation_id = l.conversation_id)',
    )
    live = {str(r["id"]) for r in fake.ground_truth("conversations", START_DATE)["records"]}
    truth = {
        (str(a), str(b)) for a, b in oracle.truth_keys(fake, "conversation_contacts", START_DATE)
    }
    # A conversation left without any contact keeps its last link as its newest row.
    linked = {conversation for conversation, _ in truth}
    assert {pair for pair in newest if pair[0] in live & linked} <= truth


def test_fivetran_environment_gives_dbt_intercom_its_tables(
    make_fake, pg_url: str, schema: str, tmp_path: Path
) -> None:
    fake = make_fake(scale="small", seed=5)
    layout = fivetran_tables(discover(fake, tmp_path))

    run_meltano(fake, pg_url, schema, tmp_path, **FIVETRAN)
    check_columns_and_casts(pg_url, schema, layout)
    check_one_row_per_key(pg_url, schema, layout)
    check_live_rows(fake, pg_url, schema, layout)
    check_conversations(fake, pg_url, schema)
    check_contacts_companies_articles(fake, pg_url, schema)

    # Links removed and records edited: a second, incremental run.
    removed = fake.unlink(**{LAYOUT["tables"][table]["stream"]: 3 for table in LINKS})
    mutated = fake.mutate(contacts=6, conversations=6, companies=4)
    run_meltano(fake, pg_url, schema, tmp_path, **FIVETRAN)
    check_one_row_per_key(pg_url, schema, layout)
    check_links(fake, pg_url, schema, layout, removed)
    check_conversations(fake, pg_url, schema)
    check_contacts_companies_articles(fake, pg_url, schema, mutated)

    # Records deleted and merged: a third run. (Deleting tags or teams makes the fake rebuild
    # other records' tags, teams and fields without moving their `updated_at`, which no
    # incremental read can see, so values and links are checked before, not after.)
    deleted = fake.delete(
        contacts=2, merge_contacts=1, conversations=3, tags=2, teams=1, collections=1
    )
    assert all(deleted.values()), deleted
    run_meltano(fake, pg_url, schema, tmp_path, **FIVETRAN)
    check_one_row_per_key(pg_url, schema, layout)
    check_live_rows(fake, pg_url, schema, layout)
    gone = _rows(
        pg_url,
        f'select count(*) as n from "{schema}"."conversation_history" '
        "where not _fivetran_active and updated_at is null",
    )
    assert gone[0]["n"] == len(deleted["conversations"]), "deleted conversations not inactive"
