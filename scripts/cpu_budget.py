"""Where one run of our tap spends its CPU, by thread CPU time of the parts of its work.

`benchmark.py` gives a run's whole CPU (user + system of the process). This script says which
work it went to: it starts the fake, discovers and selects the streams as the benchmark does,
then runs the tap once in a child process with probes around the functions that do the work
per record and per request (`PROBES`). A probe adds the CPU time of the calling thread
(`time.thread_time_ns`, so time spent waiting for the network or the GIL is not counted) and
whether the call ran on the main thread (the stream's own: records) or another (the worker
pool: requests). A probe counts only the outermost call of its function on a thread, so an
override that calls `super()` or a recursive call is not counted twice; probes are inclusive
and overlap each other (`post_process` holds `conform`).

A sampling profiler that samples the thread holding the GIL (`py-spy --gil`) counts time in
which that thread is descheduled while holding it, and on a 2-core machine shared with the
fake that inflates every share; thread CPU time does not.

    .venv/bin/python scripts/cpu_budget.py --scale contacts-heavy --streams contacts

Each probe costs about a microsecond per call (two clock reads); a run is slower than a plain
one by that, and the totals include it.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
import typing as t
from pathlib import Path

#: (label, target): `module:Class.method` (the method of the class and of every subclass
#: that defines its own), `module:function` (the module's name for it, as its callers there
#: see it), or `module:function()` (a factory: the callables it returns are probed).
PROBES: tuple[tuple[str, str], ...] = (
    (
        "record: post_process (transform, conform)",
        "tap_intercom.client:IntercomStream.post_process",
    ),
    ("record: transform_record", "tap_intercom.client:IntercomStream.transform_record"),
    ("record: conform", "tap_intercom.client:compile_conformer()"),
    (
        "record: write_record (RECORD line)",
        "tap_intercom.output:IntercomMessageWriter.write_record",
    ),
    ("record: dumps_line (msgspec)", "tap_intercom.output:dumps_line"),
    ("record: bookmark move", "tap_intercom.sdk_seams:StreamSeams._increment_stream_state"),
    ("http: detail GETs (fetch)", "tap_intercom.client:IntercomStream.fetch"),
    ("http: requests with the SDK's retries", "tap_intercom.sdk_seams:StreamSeams.send_prepared"),
    ("http: exchange on the direct transport", "tap_intercom.transport:DirectTransport.exchange"),
    ("http: METRIC line", "tap_intercom.sdk_seams:StreamSeams._write_request_duration_log"),
    ("http: response checks", "tap_intercom.client:IntercomStream.validate_response"),
    ("json: loads (msgspec)", "tap_intercom.json_codec:loads"),
)


class Probes:
    """Thread CPU per label, split by main thread and others; outermost calls only."""

    def __init__(self) -> None:
        self.totals: dict[str, list[int]] = {}  # label -> [main ns, other ns, calls]
        self._lock = threading.Lock()
        self._local = threading.local()
        self._main = threading.main_thread()

    def timed(self, label: str, fn: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        clock = time.thread_time_ns
        local = self._local

        @functools.wraps(fn)
        def probe(*args: t.Any, **kwargs: t.Any) -> t.Any:
            active = local.__dict__.setdefault("active", set())
            if label in active:
                return fn(*args, **kwargs)
            active.add(label)
            started = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = clock() - started
                active.discard(label)
                self._add(label, spent)

        return probe

    def _add(self, label: str, spent: int) -> None:
        on_main = threading.current_thread() is self._main
        with self._lock:
            entry = self.totals.setdefault(label, [0, 0, 0])
            entry[0 if on_main else 1] += spent
            entry[2] += 1

    def install(self, label: str, target: str) -> None:
        """Wrap `target` (see `PROBES`); a target that no longer exists is an error."""
        module_name, _, name = target.partition(":")
        module = importlib.import_module(module_name)
        if name.endswith("()"):
            factory = _attribute(module, name[:-2], target)

            @functools.wraps(factory)
            def probed_factory(*args: t.Any, **kwargs: t.Any) -> t.Any:
                return self.timed(label, factory(*args, **kwargs))

            setattr(module, name[:-2], probed_factory)
            return
        owner_name, _, method = name.rpartition(".")
        if not owner_name:
            setattr(module, name, self.timed(label, _attribute(module, name, target)))
            return
        owner = _attribute(module, owner_name, target)
        _attribute(owner, method, target)
        for cls in _with_subclasses(owner):
            if method in vars(cls):
                setattr(cls, method, self.timed(label, vars(cls)[method]))


def _attribute(owner: t.Any, name: str, target: str) -> t.Any:
    try:
        return getattr(owner, name)
    except AttributeError:
        msg = f"cpu_budget: probe target {target} does not exist; update PROBES"
        raise SystemExit(msg) from None


def _with_subclasses(cls: type) -> list[type]:
    found, todo = [], [cls]
    while todo:
        current = todo.pop()
        if current not in found:
            found.append(current)
            todo.extend(current.__subclasses__())
    return found


def run_tap(config: str, catalog: str, report: str) -> None:
    """In the child: probe, run the tap's CLI on `config` and `catalog`, write the report."""
    probes = Probes()
    importlib.import_module("tap_intercom.streams")  # every stream class, for the subclasses
    for label, target in PROBES:
        probes.install(label, target)
    cli = importlib.import_module("tap_intercom.cli").cli
    sys.argv = ["tap-intercom", "--config", config, "--catalog", catalog]
    code = 0
    try:
        cli()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result = {
        "exit_code": code,
        "user_s": usage.ru_utime,
        "system_s": usage.ru_stime,
        "main_thread_s": time.thread_time(),
        "probes": {
            label: {"main_s": main / 1e9, "other_s": other / 1e9, "calls": calls}
            for label, (main, other, calls) in probes.totals.items()
        },
    }
    Path(report).write_text(json.dumps(result), encoding="utf-8")


def budget(args: argparse.Namespace) -> dict[str, t.Any]:
    """Start the fake, select the streams, run the probed tap once; the figures."""
    from benchmark import STITCH_STREAMS, Fake, TapSetup  # scripts/ is on sys.path
    from benchmark_probes import count_records

    streams = list(STITCH_STREAMS) if args.streams == "all" else args.streams.split(",")
    fake = Fake(args.scale, args.seed, args.latency_ms, None)
    try:
        with tempfile.TemporaryDirectory(prefix="cpu-budget-") as workdir:
            setup = TapSetup("ours", Path(workdir), fake, args.concurrency)
            setup.discover(streams)
            report = Path(workdir) / "report.json"
            started = time.perf_counter()
            with setup.stdout.open("wb") as out, setup.stderr.open("wb") as err:
                command = [sys.executable, __file__, "--run-tap"]
                command += [str(setup.config), str(setup.catalog), str(report)]
                proc = subprocess.run(
                    command,
                    stdout=out,
                    stderr=err,
                    env={**setup.env, "TMPDIR": workdir},
                    check=False,
                )
            wall = time.perf_counter() - started
            if proc.returncode != 0 or not report.exists():
                tail = setup.stderr.read_text(errors="replace")[-2000:]
                msg = f"the tap exited {proc.returncode}:\n{tail}"
                raise RuntimeError(msg)
            result = json.loads(report.read_text(encoding="utf-8"))
            result["records"] = sum(count_records(setup.stdout).values())
            result["wall_s"] = wall
    finally:
        fake.stop()
    if result["exit_code"] != 0:
        msg = f"the tap exited {result['exit_code']}"
        raise RuntimeError(msg)
    return result


def print_budget(result: dict[str, t.Any], file: t.TextIO = sys.stdout) -> None:
    records = max(1, result["records"])
    total = result["user_s"] + result["system_s"]

    def per_record(seconds: float) -> str:
        return f"{1e6 * seconds / records:7.1f}"

    print(
        f"{result['records']} records in {result['wall_s']:.1f}s; CPU {total:.2f}s "
        f"(user {result['user_s']:.2f}, system {result['system_s']:.2f}), "
        f"{per_record(total).strip()} us/record",
        file=file,
    )
    print(f"{'':58} {'CPU s':>7} {'us/rec':>7} {'calls':>8} {'us/call':>8}", file=file)
    main = result["main_thread_s"]
    print(f"{'main thread (records)':58} {main:7.2f} {per_record(main)}", file=file)
    other = total - main
    print(f"{'other threads (requests)':58} {other:7.2f} {per_record(other)}", file=file)
    for label, _ in PROBES:
        probe = result["probes"].get(label, {"main_s": 0.0, "other_s": 0.0, "calls": 0})
        spent = probe["main_s"] + probe["other_s"]
        where = _where(probe["main_s"], probe["other_s"])
        per_call = 1e6 * spent / max(1, probe["calls"])
        print(
            f"  {label + f' [{where}]':56} {spent:7.2f} {per_record(spent)} "
            f"{probe['calls']:8d} {per_call:8.1f}",
            file=file,
        )


def _where(main: float, other: float) -> str:
    """Which threads did a probe's work: `main`, `other`, or `both` (neither under 5 %)."""
    if other <= 0.05 * (main + other):
        return "main"
    return "other" if main <= 0.05 * (main + other) else "both"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--scale", default="contacts-heavy")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--latency-ms", type=float, default=0.0)
    p.add_argument("--streams", default="contacts", help="'all' (Stitch's eleven) or a comma list")
    p.add_argument("--concurrency", type=int, default=None, help="the tap's `concurrency`")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument(
        "--run-tap", nargs=3, metavar=("CONFIG", "CATALOG", "REPORT"), help=argparse.SUPPRESS
    )
    args = p.parse_args(argv)
    if args.run_tap:
        run_tap(*args.run_tap)
        return 0
    result = budget(args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_budget(result)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
