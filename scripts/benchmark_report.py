"""The benchmark's figures: the physical lower bound of a run, each tap's summary over its
rounds, and the report as a table (`scripts/benchmark.py` without `--json`)."""

from __future__ import annotations

import argparse
import statistics
import typing as t


def longest_chain(requests_by_endpoint: dict[str, int]) -> tuple[int, str | None]:
    """Most requests on one endpoint without a path parameter: pages that follow each other."""
    chains = {ep: n for ep, n in requests_by_endpoint.items() if "{" not in ep}
    if not chains:
        return 0, None
    endpoint = max(chains, key=lambda ep: chains[ep])
    return chains[endpoint], endpoint


def lower_bound(
    requests: int, chain: int, latency_ms: float, rate_per_min: float | None
) -> dict[str, float]:
    by_rate = requests / (rate_per_min / 60.0) if rate_per_min else 0.0
    by_chain = chain * latency_ms / 1000.0
    return {"rate_s": by_rate, "chain_s": by_chain, "bound_s": max(by_rate, by_chain)}


def summarize(name: str, runs: list[dict], args: argparse.Namespace) -> dict[str, t.Any]:
    wall = statistics.median(r["wall_s"] for r in runs)
    records = statistics.median(sum(r["records"].values()) for r in runs)
    requests = statistics.median(r["requests"] for r in runs)
    chain = max(r["chain"] for r in runs)
    bound = lower_bound(int(requests), chain, args.latency_ms, args.rate_limit_per_min)
    cpu = statistics.median(r["cpu_s"] for r in runs)
    cpu_per_record = statistics.median(
        1e6 * r["cpu_s"] / max(1, sum(r["records"].values())) for r in runs
    )
    summary = {
        "tap": name,
        "rounds": len(runs),
        "median_wall_s": round(wall, 3),
        "walls_s": [round(r["wall_s"], 3) for r in runs],
        "records": int(records),
        "records_by_stream": runs[-1]["records"],
        "records_per_s": round(records / wall, 1) if wall else None,
        "median_cpu_s": round(cpu, 3),
        "cpus_s": [round(r["cpu_s"], 3) for r in runs],
        "cpu_us_per_record": round(cpu_per_record, 1),
        "requests": int(requests),
        "responses_429": int(statistics.median(r["responses_429"] for r in runs)),
        "pct_429": round(
            100.0
            * sum(r["responses_429"] for r in runs)
            / max(1, sum(r["requests"] for r in runs)),
            3,
        ),
        "max_in_flight": max(r["max_in_flight"] for r in runs),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
        "median_peak_rss_mb": round(statistics.median(r["peak_rss_mb"] for r in runs), 1),
        "peak_tmpdir_mb": round(max(r["peak_tmpdir_mb"] for r in runs), 1),
        "median_peak_tmpdir_mb": round(statistics.median(r["peak_tmpdir_mb"] for r in runs), 1),
        "longest_chain": chain,
        "longest_chain_endpoint": runs[-1]["chain_endpoint"],
        "lower_bound_s": round(bound["bound_s"], 3),
        "lower_bound_rate_s": round(bound["rate_s"], 3),
        "lower_bound_chain_s": round(bound["chain_s"], 3),
        "wall_over_bound": round(wall / bound["bound_s"], 2) if bound["bound_s"] else None,
        "wall_over_rate_bound": round(wall / bound["rate_s"], 2) if bound["rate_s"] else None,
        "requests_by_endpoint": runs[-1]["requests_by_endpoint"],
    }
    paired = [
        (1e6 * r["cpu_s"] / max(1, sum(r["records"].values())), r["floor"]["us_per_record"])
        for r in runs
        if r.get("floor") and r["floor"]["us_per_record"]
    ]
    if paired:
        ratios = [tap_us / floor_us for tap_us, floor_us in paired]
        summary["floor_us_per_record"] = round(statistics.median(f for _, f in paired), 1)
        summary["cpu_per_record_over_floor"] = round(statistics.median(ratios), 2)
        summary["cpu_over_floor_rounds"] = [round(ratio, 2) for ratio in ratios]
    return summary


def floor_summary(floors: list[dict], passes: int) -> dict[str, t.Any] | None:
    """The floors measured after the rounds (`benchmark_floor.measure_floor` each), in one."""
    if not floors:
        return None
    measured = [f["us_per_record"] for f in floors if f["us_per_record"]]
    return {
        "stream": floors[0]["stream"],
        "pages": floors[0]["pages"],
        "records": floors[0]["records"],
        "passes_per_round": passes,
        "rounds": len(floors),
        "us_per_record": round(statistics.median(measured), 1) if measured else None,
        "us_per_record_rounds": [f["us_per_record"] for f in floors],
    }


def print_table(report: dict) -> None:
    s = report["settings"]
    limit = f"{s['rate_limit_per_min']:g}/min" if s["rate_limit_per_min"] else "no limit"
    print(
        f"scale={s['scale']} latency={s['latency_ms']:g}ms limit={limit} "
        f"streams={','.join(s['streams'])} concurrency={s['concurrency'] or 'default'} "
        f"load={s['load_average']}" + (" PYTHONUNBUFFERED=1" if s.get("pythonunbuffered") else "")
    )
    header = (
        f"{'tap':<7} {'rounds':>6} {'median s':>9} {'rec/s':>9} {'requests':>9} {'429s':>6} "
        f"{'peak MB':>8} {'TMPDIR MB':>9} {'vs other':>9} {'bound s':>8} {'/bound':>7} "
        f"{'rate s':>8} {'/rate':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in report["taps"].values():
        vs = f"{r['speedup_vs_other']:.2f}x" if "speedup_vs_other" in r else "-"
        if "speedup_vs_before" in r:
            vs = f"{r['speedup_vs_before']:.2f}x bef"
        over = f"{r['wall_over_bound']:.2f}x" if r["wall_over_bound"] else "-"
        over_rate = f"{r['wall_over_rate_bound']:.2f}x" if r["wall_over_rate_bound"] else "-"
        print(
            f"{r['tap']:<7} {r['rounds']:>6} {r['median_wall_s']:>9.2f} "
            f"{r['records_per_s'] or 0:>9.1f} {r['requests']:>9} {r['responses_429']:>6} "
            f"{r['peak_rss_mb']:>8.1f} {r['peak_tmpdir_mb']:>9.1f} {vs:>9} "
            f"{r['lower_bound_s']:>8.2f} {over:>7} {r['lower_bound_rate_s']:>8.2f} {over_rate:>6}"
        )
    floor = report.get("floor")
    if floor is not None:
        print(
            f"floor: {floor['stream']} search pages parsed and written as RECORD lines with "
            f"stdlib json: {floor['us_per_record']} us/record ({floor['records']} records, "
            f"{floor['pages']} pages; median of {floor['rounds']} floors, one after each tap "
            f"round, each the median of {floor['passes_per_round']} pass"
            f"{'es' if floor['passes_per_round'] != 1 else ''})"
        )
    for r in report["taps"].values():
        over = r.get("cpu_per_record_over_floor")
        line = f"{r['tap']}: CPU {r['median_cpu_s']:.2f}s, {r['cpu_us_per_record']} us/record"
        if over is not None:
            rounds = " / ".join(f"{ratio:.2f}" for ratio in r["cpu_over_floor_rounds"])
            line += (
                f", {over:.2f}x the floor (median of each round against the floor measured"
                f" after it: {rounds}; floor median {r['floor_us_per_record']} us/record)"
            )
        print(line)
    print(
        "peak MB = peak RSS, TMPDIR MB = peak disk use in TMPDIR (MiB); "
        "vs other = the other tap's median wall time / this tap's (>1 = faster; 'bef' = "
        "against --before-tap); "
        "bound = max(requests / allowed rate, longest page chain x latency); rate = requests /"
        " allowed rate alone (a tap reading a search in parallel slices is not one chain, so it"
        " can end under the chain term)"
    )
