"""Benchmark this tap against Stitch's `tap-intercom==2.2.5` on the fake Intercom API.

One run starts the fake (given scale, latency and rate limit), discovers a catalog with each
tap, selects the requested streams and then runs the taps alternately for several rounds.
Per tap it prints the median wall time, records/s, requests, 429s, peak RSS of the process
tree, peak disk use in TMPDIR (each run gets a fresh, empty one), the ratio to the other tap
and the wall time against the physical lower bound, and the tap's CPU time per record against the
standard-library floor (`benchmark_floor`: the same search pages parsed and written as Singer
RECORD lines with `json`). The floor is measured right after every round of every tap and each
round is set against its own floor, the ratio being the median over rounds: this machine's
speed drifts by a third over minutes, so a floor measured apart from the rounds compared
different speeds::

    lower bound = max(requests / allowed rate,
                      longest chain of dependent page requests of one endpoint * latency)

The chain is read from the fake's per-endpoint request counts: every endpoint without a path
parameter (search pages, scroll pages, list pages) is a chain of requests that each need the
previous answer; per-id endpoints (conversation details, a contact's tags...) are independent
and can run in parallel, so they only count towards the rate term.

    .venv/bin/python scripts/benchmark.py --scale medium --latency-ms 100 \\
        --rate-limit-per-min 10000 --streams all --rounds 3

    .venv/bin/python scripts/benchmark.py --scale contacts-heavy --latency-ms 0 \\
        --rate-limit-per-min 0 --streams contacts --taps ours --rounds 3

`--scale contacts-heavy` is a workspace of 200,000 contacts and 2,000 conversations and
companies (`medium` is the conversation-heavy one). `--streams all` means Stitch's eleven
streams (the set both taps have). Stitch's tap sleeps on backoff after a 429; that is its real
behaviour and is measured as such.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import typing as t
import urllib.request
from pathlib import Path

from benchmark_floor import SEARCH_STREAMS, measure_floor
from benchmark_probes import PeakPoller, count_records
from benchmark_report import floor_summary, longest_chain, print_table, summarize

from tap_intercom.streams import STITCH_STREAM_NAMES

ROOT = Path(__file__).resolve().parent.parent
OUR_TAP = ROOT / ".venv" / "bin" / "tap-intercom"
STITCH_VENV = ROOT / ".venvs" / "stitch-tap"
STITCH_PYTHON = STITCH_VENV / "bin" / "python"
STITCH_LAUNCHER = ROOT / "scripts" / "run_stitch_tap.py"
STITCH_VERSION = "2.2.5"
TOKEN = "test-token"  # noqa: S105 - the fake's token
START_DATE = "2000-01-01T00:00:00Z"
#: Stitch's eleven streams, in its catalog order; `--streams all` selects these.
STITCH_STREAMS = STITCH_STREAM_NAMES
TAPS = ("ours", "stitch")
WINDOW_SECONDS = 10
SCALES = ("small", "medium", "contacts-heavy", "large")  # fake_intercom.data.SCALES


# --------------------------------------------------------------------------- the fake


class Fake:
    """`python -m fake_intercom` in a subprocess."""

    def __init__(self, scale: str, seed: int, latency_ms: float, per_10s: int | None) -> None:
        cmd = [
            sys.executable,
            "-m",
            "fake_intercom",
            "--port",
            "0",
            "--scale",
            scale,
            "--seed",
            str(seed),
            "--latency-ms",
            str(latency_ms),
        ]
        if per_10s is not None:
            cmd += ["--rate-limit-per-10s", str(per_10s)]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line.startswith("LISTENING "):
            self.stop()
            msg = f"the fake did not start: {line!r}"
            raise RuntimeError(msg)
        self.url = line.split()[1].rstrip("/")

    def _call(self, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.url + path, data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())

    def stats(self) -> dict:
        return self._call("/__fake/stats")

    def reset_stats(self) -> None:
        self._call("/__fake/control", {"reset_stats": True})

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --------------------------------------------------------------------------- taps


def ensure_stitch_venv() -> None:
    if STITCH_PYTHON.exists():
        return
    print(f"creating {STITCH_VENV} (tap-intercom=={STITCH_VERSION})", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(STITCH_VENV)], check=True)
    subprocess.run(
        [str(STITCH_PYTHON), "-m", "pip", "install", "-q", f"tap-intercom=={STITCH_VERSION}"],
        check=True,
    )


class TapSetup:
    """How to invoke one tap: command, config and catalog files, environment."""

    def __init__(
        self,
        name: str,
        workdir: Path,
        fake: Fake,
        concurrency: int | None,
        executable: Path = OUR_TAP,
    ) -> None:
        self.name = name
        self.env = dict(os.environ)
        if name in {"ours", "before"}:
            self.cmd = [str(executable)]
            config: dict[str, t.Any] = {
                "access_token": TOKEN,
                "api_url": fake.url,
                "start_date": START_DATE,
            }
            if concurrency is not None:
                config["concurrency"] = concurrency
        else:
            self.cmd = [str(STITCH_PYTHON), str(STITCH_LAUNCHER)]
            config = {"access_token": TOKEN, "start_date": START_DATE, "user_agent": "benchmark"}
            self.env["INTERCOM_BASE_URL"] = fake.url
        self.config = workdir / f"{name}-config.json"
        self.config.write_text(json.dumps(config))
        self.catalog = workdir / f"{name}-catalog.json"
        self.stdout = workdir / f"{name}-out.jsonl"
        self.stderr = workdir / f"{name}-err.log"

    def discover(self, streams: t.Sequence[str]) -> None:
        proc = subprocess.run(
            [*self.cmd, "--config", str(self.config), "--discover"],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            msg = f"{self.name} --discover failed:\n{proc.stderr[-2000:]}"
            raise RuntimeError(msg)
        catalog = json.loads(proc.stdout)
        known = {entry["tap_stream_id"] for entry in catalog["streams"]}
        missing = sorted(set(streams) - known)
        if missing:
            msg = f"{self.name} has no stream(s) {missing}"
            raise RuntimeError(msg)
        # Select the streams and every field in them, as Stitch's UI and Meltano's `*.*` do:
        # Stitch's tap only completes contacts' long tag/company lists for selected fields,
        # so selecting streams alone would compare its incomplete output with our complete one.
        for entry in catalog["streams"]:
            wanted = entry["tap_stream_id"] in streams
            for md in entry.get("metadata", []):
                if md.get("breadcrumb") == [] or len(md.get("breadcrumb", [])) == 2:
                    md["metadata"]["selected"] = wanted
        self.catalog.write_text(json.dumps(catalog))

    def run(self, timeout: float) -> dict[str, t.Any]:
        """One timed sync with a fresh, empty TMPDIR; returns wall time, CPU time (user +
        system of the tap and every process it waited for), records and the peak RSS and
        TMPDIR use of the process tree."""
        tmpdir = Path(tempfile.mkdtemp(prefix=f"{self.name}-tmp-", dir=self.stdout.parent))
        try:
            with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
                # Only the tap is reaped while it runs (the fake lives on), so the children's
                # usage grows by the tap's alone.
                usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                proc = subprocess.Popen(
                    [*self.cmd, "--config", str(self.config), "--catalog", str(self.catalog)],
                    env={**self.env, "TMPDIR": str(tmpdir)},
                    stdout=out,
                    stderr=err,
                )
                peak = PeakPoller(proc.pid, tmpdir)
                peak.start()
                try:
                    returncode = proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                    returncode = -9
                wall = time.perf_counter() - started
                usage = resource.getrusage(resource.RUSAGE_CHILDREN)
                peak.stop()
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
        if returncode != 0:
            tail = self.stderr.read_text(errors="replace")[-2000:]
            msg = f"{self.name} exited {returncode} after {wall:.1f}s:\n{tail}"
            raise RuntimeError(msg)
        cpu = (usage.ru_utime - usage_before.ru_utime) + (usage.ru_stime - usage_before.ru_stime)
        return {
            "wall_s": wall,
            "cpu_s": cpu,
            "records": count_records(self.stdout),
            "peak_rss_mb": peak.rss_mb,
            "peak_tmpdir_mb": peak.tmpdir_mb,
        }


# --------------------------------------------------------------------------- bounds


def wait_for_window_start(rate_limited: bool) -> None:
    """Start each run at a fresh 10-second window, so no run inherits another's count."""
    if rate_limited:
        time.sleep(WINDOW_SECONDS - time.time() % WINDOW_SECONDS + 0.05)


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--scale", default="small", choices=SCALES)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--latency-ms", type=float, default=100.0)
    p.add_argument(
        "--rate-limit-per-min",
        type=float,
        default=10_000,
        help="the fake's limit (enforced per 10 s as limit/6); 0 = no limit",
    )
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument(
        "--stitch-rounds", type=int, default=None, help="rounds for Stitch's tap (default --rounds)"
    )
    p.add_argument("--taps", default="both", choices=("ours", "stitch", "both"))
    p.add_argument(
        "--before-tap",
        type=Path,
        default=None,
        help="another build's tap-intercom executable (e.g. an older checkout's .venv/bin/"
        "tap-intercom), run as 'before' alternately with ours, same settings",
    )
    p.add_argument("--streams", default="all", help="'all' (Stitch's eleven) or a comma list")
    p.add_argument("--concurrency", type=int, default=None, help="our tap's `concurrency`")
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds per run")
    p.add_argument(
        "--floor-rounds",
        type=int,
        default=1,
        help="passes of the standard-library floor after each tap round, their median the "
        "round's floor (0 = none); measured on the first search stream selected (contacts, "
        "conversations, tickets)",
    )
    p.add_argument(
        "--floor-pages", type=int, default=None, help="measure the floor on the first N pages"
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--keep", action="store_true", help="keep the work directory (outputs, logs)")
    args = p.parse_args(argv)
    if not args.rate_limit_per_min:
        args.rate_limit_per_min = None
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    streams = (
        list(STITCH_STREAMS)
        if args.streams == "all"
        else [s.strip() for s in args.streams.split(",") if s.strip()]
    )
    taps = list(TAPS) if args.taps == "both" else [args.taps]
    if args.before_tap is not None:
        taps.insert(0, "before")
    if "stitch" in taps:
        ensure_stitch_venv()
    per_10s = (
        max(1, int(args.rate_limit_per_min * WINDOW_SECONDS / 60))
        if args.rate_limit_per_min
        else None
    )
    rounds = {
        "ours": args.rounds,
        "before": args.rounds,
        "stitch": args.stitch_rounds or args.rounds,
    }
    workdir = Path(tempfile.mkdtemp(prefix="tap-intercom-bench-"))
    fake = Fake(args.scale, args.seed, args.latency_ms, per_10s)
    results: dict[str, list[dict]] = {name: [] for name in taps}
    floors: list[dict] = []
    try:
        setups = {
            name: TapSetup(
                name,
                workdir,
                fake,
                args.concurrency if name == "ours" else None,
                executable=args.before_tap if name == "before" else OUR_TAP,
            )
            for name in taps
        }
        for setup in setups.values():
            setup.discover(streams)
        floor_stream = next((s for s in streams if s in SEARCH_STREAMS), None)
        if args.floor_rounds <= 0:
            floor_stream = None
        for round_no in range(max(rounds[name] for name in taps)):
            for name in taps:
                if round_no >= rounds[name]:
                    continue
                wait_for_window_start(per_10s is not None)
                fake.reset_stats()
                run = setups[name].run(args.timeout)
                stats = fake.stats()
                by_endpoint = stats["requests_by_endpoint"]
                run["chain"], run["chain_endpoint"] = longest_chain(by_endpoint)
                run.update(
                    requests=stats["requests_total"],
                    responses_429=stats["responses_429"],
                    max_in_flight=stats["max_in_flight"],
                    requests_by_endpoint=by_endpoint,
                )
                per_record = 1e6 * run["cpu_s"] / max(1, sum(run["records"].values()))
                paired = ""
                if floor_stream is not None:
                    # Right after the round: this machine's speed drifts over minutes, so a
                    # floor measured apart from the round would compare different speeds.
                    wait_for_window_start(per_10s is not None)
                    run["floor"] = measure_floor(
                        fake.url, TOKEN, floor_stream, args.floor_rounds, args.floor_pages
                    )
                    floors.append(run["floor"])
                    floor_us = run["floor"]["us_per_record"]
                    if floor_us:
                        paired = f" floor {floor_us} us/record ({per_record / floor_us:.2f}x)"
                results[name].append(run)
                print(
                    f"round {round_no + 1} {name}: {run['wall_s']:.2f}s "
                    f"{sum(run['records'].values())} records {run['requests']} requests "
                    f"CPU {run['cpu_s']:.2f}s ({per_record:.0f} us/record){paired} "
                    f"{run['responses_429']} x429 peak RSS {run['peak_rss_mb']:.0f} MB "
                    f"peak TMPDIR {run['peak_tmpdir_mb']:.1f} MB",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        fake.stop()
        if not args.keep:
            for path in workdir.iterdir():
                path.unlink()
            workdir.rmdir()
        else:
            print(f"work directory kept: {workdir}", file=sys.stderr)

    summary = {name: summarize(name, runs, args) for name, runs in results.items()}
    if "before" in summary and "ours" in summary:
        before, ours = summary["before"], summary["ours"]
        ours["speedup_vs_before"] = round(before["median_wall_s"] / ours["median_wall_s"], 2)
    if "ours" in summary and "stitch" in summary:
        ours, stitch = summary["ours"], summary["stitch"]
        ours["speedup_vs_other"] = round(stitch["median_wall_s"] / ours["median_wall_s"], 2)
        stitch["speedup_vs_other"] = round(ours["median_wall_s"] / stitch["median_wall_s"], 2)
        ours["records_per_s_vs_other"] = round(ours["records_per_s"] / stitch["records_per_s"], 2)
        stitch["records_per_s_vs_other"] = round(stitch["records_per_s"] / ours["records_per_s"], 2)
    report = {
        "floor": floor_summary(floors, args.floor_rounds),
        "settings": {
            "scale": args.scale,
            "seed": args.seed,
            "latency_ms": args.latency_ms,
            "rate_limit_per_min": args.rate_limit_per_min,
            "rate_limit_per_10s": per_10s,
            "streams": streams,
            "concurrency": args.concurrency,
            "rounds": {name: rounds[name] for name in taps},
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count(),
            # The taps inherit it; it decides whether Python buffers their output.
            "pythonunbuffered": bool(os.environ.get("PYTHONUNBUFFERED")),
        },
        "taps": summary,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
