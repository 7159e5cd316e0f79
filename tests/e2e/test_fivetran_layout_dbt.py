# ruff: noqa: S608  (SQL text built from test-controlled identifiers only)
"""`dbt build` on the `fivetran` environment's tables, with nothing but `vars`.

Fivetran's dbt_intercom cannot be fetched here (dbt hub), so `tests/e2e/dbt_project` stands in:
it declares the source `intercom` as the package does (schema from `intercom_schema`, each table
from `intercom_<table>_identifier`), its staging models are written here from
`tests/data/dbt_intercom_tables.json` with the package's casts and row filters, and its marts
join them the way the package's models do (bridges to tags and companies, parts to teams,
admins to teams, articles to collections and help centers), with dbt tests. The project gets
only `--vars '{intercom_schema: …}'`; every model and test must pass, and the marts hold one row
per live record.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import aux_venvs
from tests.e2e.test_fivetran_layout_postgres import (
    FIVETRAN,
    START_DATE,
    fivetran_tables,
    keeps,
)
from tests.e2e.test_meltano_postgres import discover, pg_url, run_meltano, schema

__all__ = ["pg_url", "schema"]

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parent / "dbt_project"


def staging_model(table: str, spec: dict) -> str:
    """A staging model: every column cast as the package casts it, its row filter applied (a
    flag column the table lacks is NULL, so the filter keeps every row)."""
    casts = ",\n    ".join(f'cast("{c}" as {kind}) as "{c}"' for c, kind in spec["columns"].items())
    source = f"{{{{ source('intercom', '{table}') }}}}"
    return f"select\n    {casts}\nfrom {source}\nwhere {keeps(spec)}\n"


def sources_yml(tables: list[str]) -> str:
    lines = [
        "version: 2",
        "sources:",
        "  - name: intercom",
        "    schema: \"{{ var('intercom_schema', 'intercom') }}\"",
        "    tables:",
    ]
    for table in tables:
        lines += [
            f"      - name: {table}",
            f"        identifier: \"{{{{ var('intercom_{table}_identifier', '{table}') }}}}\"",
        ]
    return "\n".join(lines) + "\n"


def write_project(workdir: Path, layout: dict[str, dict]) -> Path:
    project = workdir / "project"
    shutil.copytree(PROJECT, project)
    staging = project / "models" / "staging"
    staging.mkdir()
    (staging / "src_intercom.yml").write_text(sources_yml(sorted(layout)))
    for table, spec in layout.items():
        (staging / f"stg_{table}.sql").write_text(staging_model(table, spec))
    return project


def write_profile(workdir: Path, url: str, target_schema: str) -> Path:
    parts = urlsplit(aux_venvs.libpq_url(url))
    profile = {
        "intercom_layout_check": {
            "target": "check",
            "outputs": {
                "check": {
                    "type": "postgres",
                    "host": parts.hostname,
                    "port": parts.port or 5432,
                    "user": parts.username or "postgres",
                    "password": parts.password or "",
                    "dbname": parts.path.lstrip("/") or "postgres",
                    "schema": target_schema,
                    "threads": 2,
                }
            },
        }
    }
    profiles = workdir / "profiles"
    profiles.mkdir()
    (profiles / "profiles.yml").write_text(json.dumps(profile))  # YAML is a superset of JSON
    return profiles


@pytest.fixture
def dbt_schema(pg_url: str) -> Iterator[str]:
    name = f"dbt_{uuid.uuid4().hex[:10]}"
    yield name
    aux_venvs.psql_exec(pg_url, f'drop schema if exists "{name}" cascade')


def dbt_build(project: Path, profiles: Path, intercom_schema: str) -> dict:
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_VERSION_CHECK": "false",
    }
    proc = subprocess.run(
        [
            str(aux_venvs.venv_bin("dbt", "dbt")),
            "build",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(profiles),
            "--vars",
            json.dumps({"intercom_schema": intercom_schema}),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-8000:] + proc.stderr[-3000:]
    results: dict = json.loads((project / "target" / "run_results.json").read_text())
    return results


def test_dbt_build_on_the_fivetran_layout_needs_only_vars(
    make_fake, pg_url: str, schema: str, dbt_schema: str, tmp_path: Path
) -> None:
    aux_venvs.ensure("dbt")
    fake = make_fake(scale="small", seed=7)
    layout = fivetran_tables(discover(fake, tmp_path))
    fake.delete(contacts=2, conversations=2)  # tombstones need deletions the first run reads
    run_meltano(fake, pg_url, schema, tmp_path, **FIVETRAN)

    project = write_project(tmp_path, layout)
    results = dbt_build(project, write_profile(tmp_path, pg_url, dbt_schema), schema)
    statuses = {r["unique_id"]: r["status"] for r in results["results"]}
    assert all(s in {"success", "pass"} for s in statuses.values()), statuses
    models = {k for k in statuses if k.startswith("model.")}
    tests = {k for k in statuses if k.startswith("test.")}
    assert len(models) == len(layout) + 5, sorted(models)
    assert len(tests) >= 12, sorted(tests)

    for mart, stream in (
        ("conversation_enhanced", "conversations"),
        ("contact_enhanced", "contacts"),
        ("company_enhanced", "companies"),
        ("article_enhanced", "articles"),
    ):
        rows = aux_venvs.psql_json(pg_url, f'select count(*) as n from "{dbt_schema}"."{mart}"')
        live = fake.ground_truth(stream, START_DATE)["records"]
        assert rows[0]["n"] == len(live), mart
    tagged = aux_venvs.psql_json(
        pg_url,
        f'select count(*) as n from "{dbt_schema}"."contact_enhanced" where all_tags is not null',
    )
    assert tagged[0]["n"] > 0, "no contact's tags reached the mart"
