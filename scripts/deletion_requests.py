"""The requests and rows the deletion features cost per run, measured on the fake.

For each option set (every deletion feature off; the defaults; everything on) a fresh fake
(default: `medium`, seed 1, 0 ms latency, no rate limit) serves two runs of the tap with every
stream selected: a first full run from `start_date`, then, after deletions and merges in the
fake, a second run from the first one's state. Printed per run: requests in all, the requests of
the deletion features (`GET /conversations/deleted`, `GET /contacts/activities`, confirmations
`GET /contacts/{id}`), tombstones per stream, ACTIVATE_VERSION messages, and the companies and
company_segments records written (the target-side cost of `company_deletions`).

    .venv/bin/python scripts/deletion_requests.py --scale medium
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fake_intercom import FakeIntercom  # noqa: E402

TAP = str(Path(sys.executable).parent / "tap-intercom")
START_DATE = "2000-01-01T00:00:00Z"
OFF = {
    "deleted_conversations": False,
    "contact_merge_history": False,
    "contact_deletions_preview": False,
    "company_deletions": False,
}
OPTION_SETS = {
    "all off": OFF,
    "defaults": {},
    "all on": {"contact_deletions_preview": True, "company_deletions": True},
}
#: Deleted (or merged) between the two runs.
DELETIONS = {
    "conversations": 60,
    "contacts": 20,
    "merge_contacts": 20,
    "companies": 10,
    "tags": 2,
    "segments": 1,
}
DELETION_ENDPOINTS = (
    "GET /conversations/deleted",
    "GET /contacts/activities",
    "GET /contacts/{id}",
)


def run_tap(config: dict, catalog: dict, state: dict | None, work: Path) -> dict:
    """One run: its request counts come from the fake; its output is read line by line."""
    (work / "config.json").write_text(json.dumps(config))
    (work / "catalog.json").write_text(json.dumps(catalog))
    args = [TAP, "--config", str(work / "config.json"), "--catalog", str(work / "catalog.json")]
    if state is not None:
        (work / "state.json").write_text(json.dumps(state))
        args += ["--state", str(work / "state.json")]
    out = work / "out.jsonl"
    with out.open("w") as stdout:
        proc = subprocess.run(args, stdout=stdout, stderr=subprocess.PIPE, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"tap-intercom failed:\n{proc.stderr[-3000:]}")
    tombstones: Counter[str] = Counter()
    records: Counter[str] = Counter()
    versions = 0
    last_state: dict = {}
    with out.open() as lines:
        for line in lines:
            message = json.loads(line)
            kind = message["type"]
            if kind == "RECORD":
                records[message["stream"]] += 1
                if "_sdc_deleted_at" in message["record"]:
                    tombstones[message["stream"]] += 1
            elif kind == "ACTIVATE_VERSION":
                versions += 1
            elif kind == "STATE":
                last_state = message["value"]
    return {
        "tombstones": dict(tombstones),
        "activate_version": versions,
        "records": dict(records),
        "state": last_state,
    }


def measure(scale: str, seed: int, api_version: str, options: dict) -> list[dict]:
    with FakeIntercom(scale=scale, seed=seed) as fake, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        config = {
            "access_token": "test-token",
            "api_url": fake.base_url,
            "start_date": START_DATE,
            "api_version": api_version,
            **options,
        }
        (work / "config.json").write_text(json.dumps(config))
        catalog = json.loads(
            subprocess.run(
                [TAP, "--config", str(work / "config.json"), "--discover"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for entry in catalog["streams"]:
            for item in entry["metadata"]:
                if item["breadcrumb"] == []:
                    item["metadata"]["selected"] = True
        out = []
        state = None
        for deletions in ({}, DELETIONS):
            fake.delete(**deletions)
            fake.reset_stats()
            run = run_tap(config, catalog, state, work)
            stats = fake.stats()
            by_endpoint = stats["requests_by_endpoint"]
            state = run.pop("state")
            out.append(
                {
                    "deleted before the run": sum(deletions.values()),
                    "requests": stats["requests_total"],
                    **{endpoint: by_endpoint.get(endpoint, 0) for endpoint in DELETION_ENDPOINTS},
                    **run,
                }
            )
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="medium", choices=["small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--api-version", default="2.16")
    args = parser.parse_args()
    results = {
        name: measure(args.scale, args.seed, args.api_version, options)
        for name, options in OPTION_SETS.items()
    }
    for name, runs in results.items():
        for number, run in enumerate(runs, 1):
            records = run.pop("records")
            run["companies+company_segments records"] = records.get("companies", 0) + records.get(
                "company_segments", 0
            )
            print(json.dumps({"options": name, "run": number, **run}))


if __name__ == "__main__":
    main()
