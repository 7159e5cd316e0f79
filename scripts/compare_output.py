"""Compare two builds' Singer output on one fake Intercom: every stream, every field selected.

For a change that must not change behaviour (a refactor): run an older checkout's tap and this
one against the same fake server, one after the other, and compare every message except the
extraction time and table version, plus the discovered catalogs::

    .venv/bin/python scripts/compare_output.py --before-tap ../old/.venv/bin/tap-intercom

Exit code 0 when both are identical; otherwise the first difference is printed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUR_TAP = ROOT / ".venv" / "bin" / "tap-intercom"
VOLATILE = {"time_extracted", "version"}


def run_tap(tap: Path, url: str) -> tuple[dict, list[dict]]:
    """(catalog, comparable messages) of a full sync with every stream and field selected."""
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.json"
        config.write_text(
            json.dumps(
                {
                    "access_token": "test-token",  # the fake's token
                    "api_url": url,
                    "start_date": "2000-01-01T00:00:00Z",
                    "request_timeout": 30,
                }
            )
        )
        discovered = subprocess.run(
            [str(tap), "--config", str(config), "--discover"],
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp,
        )
        catalog = json.loads(discovered.stdout)
        for entry in catalog["streams"]:
            for item in entry["metadata"]:
                item["metadata"]["selected"] = True
        catalog_file = Path(tmp) / "catalog.json"
        catalog_file.write_text(json.dumps(catalog))
        synced = subprocess.run(
            [str(tap), "--config", str(config), "--catalog", str(catalog_file)],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp,
        )
    if synced.returncode != 0:
        sys.exit(f"{tap} failed:\n{synced.stderr[-3000:]}")
    messages = [json.loads(line) for line in synced.stdout.splitlines() if line.strip()]
    return catalog, [{k: v for k, v in m.items() if k not in VOLATILE} for m in messages]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--before-tap", type=Path, required=True)
    parser.add_argument("--after-tap", type=Path, default=OUR_TAP)
    parser.add_argument(
        "--scale", default="small", choices=("small", "medium", "contacts-heavy", "large")
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    fake = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fake_intercom",
            "--port",
            "0",
            "--scale",
            args.scale,
            "--seed",
            str(args.seed),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert fake.stdout is not None
        url = fake.stdout.readline().split()[-1]
        before_catalog, before = run_tap(args.before_tap, url)
        after_catalog, after = run_tap(args.after_tap, url)
    finally:
        fake.terminate()
        fake.wait()
    print(f"catalogs equal: {before_catalog == after_catalog}")
    print(f"messages equal: {before == after} ({len(before)} before, {len(after)} after)")
    for index, (old, new) in enumerate(zip(before, after, strict=False)):
        if old != new:
            print(f"first difference at message {index}:")
            print(f"  before: {json.dumps(old)[:800]}")
            print(f"  after:  {json.dumps(new)[:800]}")
            break
    return 0 if before_catalog == after_catalog and before == after else 1


if __name__ == "__main__":
    sys.exit(main())
