"""Wall time of a contacts-only sync read as one chain of search pages, then in search slices.

Starts the fake (`python -m fake_intercom`) with the given number of contacts, latency and no
rate limit unless asked, then runs the real `tap-intercom` once per `--slices` value per round
(alternating, so both see the same machine load) and prints wall time, CPU time, records and
the search requests each made. The output of every run is checked: every contact once.

    .venv/bin/python scripts/measure_search_slices.py --contacts 50000 --latency-ms 100 \\
        --slices 1,8 --rounds 2

`scripts/benchmark.py` is the acceptance benchmark; this one isolates the search chain.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TAP = ROOT / ".venv" / "bin" / "tap-intercom"
TOKEN = "test-token"  # noqa: S105 - the fake's token
START_DATE = "2000-01-01T00:00:00Z"


def start_fake(args: argparse.Namespace) -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, "-m", "fake_intercom", "--port", "0", "--scale", "small"]
    cmd += ["--seed", str(args.seed), "--latency-ms", str(args.latency_ms)]
    cmd += ["--contacts", str(args.contacts)]
    if args.rate_limit_per_min:
        cmd += ["--rate-limit-per-10s", str(max(1, int(args.rate_limit_per_min / 6)))]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline() if proc.stdout else ""
    if not line.startswith("LISTENING "):
        proc.terminate()
        msg = f"the fake did not start: {line!r}"
        raise RuntimeError(msg)
    return proc, line.split()[1].rstrip("/")


def fake_call(url: str, path: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url + path, data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def contacts_catalog(config: Path) -> dict:
    found = subprocess.run(
        [str(TAP), "--config", str(config), "--discover"],
        capture_output=True,
        text=True,
        check=True,
    )
    catalog = json.loads(found.stdout)
    for entry in catalog["streams"]:
        for item in entry["metadata"]:
            if item["breadcrumb"] == [] or len(item["breadcrumb"]) == 2:
                item["metadata"]["selected"] = entry["tap_stream_id"] == "contacts"
    return catalog


def one_run(work: Path, url: str, slices: int) -> dict:
    """One timed sync; wall and CPU seconds, records, distinct ids, search requests."""
    config = work / f"config-{slices}.json"
    config.write_text(
        json.dumps(
            {
                "access_token": TOKEN,
                "api_url": url,
                "start_date": START_DATE,
                "search_slices": slices,
            }
        )
    )
    fake_call(url, "/__fake/control", {"reset_stats": True})
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(
        [str(TAP), "--config", str(config), "--catalog", str(work / "catalog.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        msg = f"tap failed (search_slices={slices}):\n{proc.stderr[-2000:]}"
        raise RuntimeError(msg)
    by_endpoint = fake_call(url, "/__fake/stats")["requests_by_endpoint"]
    ids = [
        message["record"]["id"]
        for message in map(json.loads, proc.stdout.splitlines())
        if message["type"] == "RECORD"
    ]
    return {
        "search_slices": slices,
        "wall_s": round(wall, 1),
        "cpu_s": round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 1),
        "records": len(ids),
        "distinct": len(set(ids)),
        "search_requests": sum(n for ep, n in by_endpoint.items() if ep.endswith("/search")),
        "requests": sum(by_endpoint.values()),
        "load_1min": round(os.getloadavg()[0], 1),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--contacts", type=int, default=50_000)
    p.add_argument("--latency-ms", type=float, default=100.0)
    p.add_argument("--rate-limit-per-min", type=float, default=0, help="0 = no limit")
    p.add_argument("--slices", default="1,8", help="search_slices values, comma-separated")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    values = [int(v) for v in args.slices.split(",")]
    fake, url = start_fake(args)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            (work / "discover.json").write_text(
                json.dumps({"access_token": TOKEN, "api_url": url, "start_date": START_DATE})
            )
            (work / "catalog.json").write_text(json.dumps(contacts_catalog(work / "discover.json")))
            for _ in range(args.rounds):
                for slices in values:
                    result = one_run(work, url, slices)
                    if result["records"] != result["distinct"]:
                        msg = f"a contact was emitted twice: {result}"
                        raise RuntimeError(msg)
                    print(json.dumps(result), flush=True)
    finally:
        fake.terminate()
        fake.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
