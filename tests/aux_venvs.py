# ruff: noqa: S608  (SQL text built from test-controlled identifiers only)
"""Helpers for the end-to-end tests: auxiliary venvs, Meltano, an embedded PostgreSQL, psql.

The venvs are created by `scripts/setup_aux_venvs.py` (run by `.ci/run` before pytest); the
helpers here call it again, which is a no-op when they are ready, so a test run from a fresh
checkout still works (it just takes longer the first time).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_spec = importlib.util.spec_from_file_location(
    "tap_intercom_setup_aux_venvs", ROOT / "scripts" / "setup_aux_venvs.py"
)
assert _spec is not None
assert _spec.loader is not None
setup = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = setup
_spec.loader.exec_module(setup)

TAP = ROOT / ".venv" / "bin" / "tap-intercom"
TOKEN = "test-token"


def ensure(*names: str) -> None:
    """Make sure the named aux venvs exist (and the Meltano plugins, for `meltano`)."""
    for name in names:
        setup.ensure_venv(name)
        if name == "meltano":
            setup.meltano_install()


def venv_bin(name: str, program: str) -> Path:
    ensure(name)
    path = setup.venv_bin(name, program)
    assert path.exists(), f"{path} missing; run `python3 scripts/setup_aux_venvs.py`"
    return path


def stitch_discovered_catalog(workdir: Path) -> dict:
    """What Stitch's tap 2.2.5 `--discover` writes (its schemas need no API call)."""
    config_path = workdir / "stitch-config.json"
    config_path.write_text(
        json.dumps(
            {"access_token": "test-token", "start_date": "2000-01-01T00:00:00Z", "user_agent": "t"}
        )
    )
    proc = subprocess.run(
        [str(venv_bin("stitch-tap", "tap-intercom")), "--config", str(config_path), "--discover"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    catalog: dict = json.loads(proc.stdout)
    return catalog


def meltano(
    args: list[str], env: dict[str, str], *, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run `meltano <args>` in the project root; raise with its output when it fails."""
    proc = subprocess.run(
        [str(venv_bin("meltano", "meltano")), *args],
        cwd=ROOT,
        env=setup.meltano_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        msg = (
            f"meltano {' '.join(args)} exited {proc.returncode}\n"
            f"--- stdout ---\n{proc.stdout[-5000:]}\n--- stderr ---\n{proc.stderr[-15000:]}"
        )
        raise AssertionError(msg)
    return proc


# --- PostgreSQL ---------------------------------------------------------------------------


def libpq_url(sqlalchemy_url: str) -> str:
    """`postgresql+psycopg://...` -> `postgresql://...` (what psql understands)."""
    return re.sub(r"^postgres(?:ql)?\+[a-z0-9_]+://", "postgresql://", sqlalchemy_url)


def sqlalchemy_url(url: str) -> str:
    return re.sub(r"^postgres(?:ql)?(?:\+[a-z0-9_]+)?://", "postgresql+psycopg://", url)


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """Yield a SQLAlchemy URL: TARGET_POSTGRES_SQLALCHEMY_URL if set, else an embedded server."""
    given = os.environ.get("TARGET_POSTGRES_SQLALCHEMY_URL")
    if given:
        yield given
        return
    python = venv_bin("postgres", "python")
    with tempfile.TemporaryDirectory(prefix="tap-intercom-pg-") as tmp:
        proc = subprocess.Popen(
            [str(python), str(ROOT / "scripts" / "pg_server.py"), "serve", "--dir", tmp],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if not line.startswith("READY "):
                proc.kill()
                _, err = proc.communicate(timeout=30)
                msg = f"embedded PostgreSQL did not start: {line!r}\n{err}"
                raise AssertionError(msg)
            yield sqlalchemy_url(line.split()[1])
        finally:
            assert proc.stdin is not None
            proc.stdin.close()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()


def psql_bin() -> Path:
    python = venv_bin("postgres", "python")
    out = subprocess.run(
        [str(python), str(ROOT / "scripts" / "pg_server.py"), "bindir"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return Path(out) / "psql"


def psql_json(url: str, sql: str) -> list[dict]:
    """Rows of `sql` as dicts (through psql's `json_agg`)."""
    wrapped = f"select coalesce(json_agg(q), '[]'::json) from ({sql}) q"
    proc = subprocess.run(
        [str(psql_bin()), libpq_url(url), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", wrapped],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if proc.returncode != 0:
        msg = f"psql failed: {proc.stderr}\nSQL: {sql}"
        raise AssertionError(msg)
    return json.loads(proc.stdout)


def psql_exec(url: str, sql: str) -> None:
    subprocess.run(
        [str(psql_bin()), libpq_url(url), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
