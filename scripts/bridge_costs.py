"""What the bridge streams cost: requests, rows and main-thread CPU, on one fake workspace.

Runs the tap in process three times against the fake (no latency, one stream at a time so
every message is written on the main thread): the four parents alone, the parents with the
seven bridges, and that again under cProfile. Prints the requests of each run (their
difference is the bridges' extra requests), the rows per bridge, the main-thread CPU of the
first two runs (their difference per parent record and per row is what the bridges cost),
and, from the profile, the share of the bridge path (`BridgeParent.write_bridges`: building,
mapping and writing the rows) spent in the message writer (`write_message`, serialization
included)::

    .venv/bin/python scripts/bridge_costs.py --scale medium
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fake_intercom import FakeIntercom
from tap_intercom.streams import BRIDGE_STREAM_TYPES
from tests.in_process import discovered_catalog, tap_for
from tests.singer_run import select_streams

PARENTS = ("contacts", "conversations", "companies", "teams")
BRIDGES = tuple(stream_type.name for stream_type in BRIDGE_STREAM_TYPES)


def run(fake: FakeIntercom, streams: set[str], profile: cProfile.Profile | None) -> dict:
    """One sync of `streams`: requests, RECORD counts and main-thread CPU seconds."""
    settings = {"parallel_streams": 1}
    catalog = select_streams(discovered_catalog(fake, **settings), streams)
    tap = tap_for(fake, catalog=catalog, **settings)
    fake.reset_stats()
    out = io.StringIO()
    started = time.thread_time()
    with contextlib.redirect_stdout(out):
        if profile is not None:
            profile.enable()
        tap.sync_all()
        if profile is not None:
            profile.disable()
    cpu = time.thread_time() - started
    records: Counter[str] = Counter()
    for line in out.getvalue().splitlines():
        message = json.loads(line)
        if message["type"] == "RECORD":
            records[message["stream"]] += 1
    return {"requests": fake.stats()["requests_total"], "records": records, "cpu_s": cpu}


def cumulative_seconds(profile: cProfile.Profile, function: str) -> float:
    stats = pstats.Stats(profile)
    return sum(
        entry[3]  # cumulative time
        for (_, _, name), entry in stats.stats.items()  # type: ignore[attr-defined]
        if name == function
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="medium", choices=("small", "medium", "large"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with FakeIntercom(scale=args.scale, seed=args.seed) as fake:
        alone = run(fake, set(PARENTS), None)
        bridged = run(fake, set(PARENTS) | set(BRIDGES), None)
        profile = cProfile.Profile()
        run(fake, set(PARENTS) | set(BRIDGES), profile)
    parents = sum(bridged["records"][p] for p in PARENTS)
    rows = sum(bridged["records"][b] for b in BRIDGES)
    bridge_cpu = cumulative_seconds(profile, "write_bridges")
    writer_cpu = cumulative_seconds(profile, "write_rows") - cumulative_seconds(
        profile, "transform"
    )
    delta = bridged["cpu_s"] - alone["cpu_s"]
    report = {
        "scale": args.scale,
        "requests": {"parents": alone["requests"], "parents_and_bridges": bridged["requests"]},
        "extra_requests": bridged["requests"] - alone["requests"],
        "rows": {b: bridged["records"][b] for b in BRIDGES},
        "parent_records": {p: bridged["records"][p] for p in PARENTS},
        "main_thread_cpu_s": {
            "parents": round(alone["cpu_s"], 2),
            "parents_and_bridges": round(bridged["cpu_s"], 2),
        },
        "bridges_cpu": {
            "per_parent_us": round(delta / max(1, parents) * 1e6, 1),
            "per_row_us": round(delta / max(1, rows) * 1e6, 1),
        },
        "profiled": {
            "bridge_path_s": round(bridge_cpu, 3),
            "share_in_writing_rows": round(writer_cpu / bridge_cpu, 2) if bridge_cpu else None,
        },
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
