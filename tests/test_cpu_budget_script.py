"""scripts/cpu_budget.py: its probes count what they say, and a run reports every one."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import threading
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cpu_budget(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    return importlib.import_module("cpu_budget")


def test_a_run_on_small_contacts_reports_every_probe(cpu_budget):
    proc = subprocess.run(
        [sys.executable, "scripts/cpu_budget.py", "--scale", "small", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    assert result["records"] == 300  # the small scale's contacts
    total = result["user_s"] + result["system_s"]
    assert 0 < result["main_thread_s"] <= total
    probes = result["probes"]
    labels = [label for label, _ in cpu_budget.PROBES]
    assert sorted(probes) == sorted(labels)
    assert all(probe["calls"] > 0 for probe in probes.values())
    per_record = {
        "record: conform",
        "record: transform_record",
        "record: post_process (transform, conform)",
        "record: write_record (RECORD line)",
        "record: bookmark move",
    }
    for label in per_record:
        assert probes[label]["calls"] == 300, label
        assert probes[label]["other_s"] == 0, label  # records are written on the main thread
    post, conform = probes["record: post_process (transform, conform)"], probes["record: conform"]
    assert post["main_s"] >= conform["main_s"]  # inclusive: post_process holds conform
    exchanges = probes["http: exchange on the direct transport"]["calls"]
    assert exchanges == probes["http: METRIC line"]["calls"]  # one METRIC line per request
    assert exchanges >= 2  # the search pages at least


def test_a_probe_counts_the_outermost_call_only(cpu_budget):
    probes = cpu_budget.Probes()
    module = types.ModuleType("probed")

    class Base:
        def work(self, depth: int) -> int:
            return 0 if depth == 0 else 1 + self.work(depth - 1)

    class Child(Base):
        def work(self, depth: int) -> int:
            return super().work(depth)

    module.Base = Base
    sys.modules["probed"] = module
    try:
        probes.install("work", "probed:Base.work")
        assert Child().work(3) == 3  # the override and the base, recursing: one call
        assert Base().work(2) == 2
        worker = threading.Thread(target=Child().work, args=(1,))
        worker.start()
        worker.join()
    finally:
        del sys.modules["probed"]
    main_ns, other_ns, calls = probes.totals["work"]
    assert calls == 3
    assert main_ns >= 0
    assert other_ns >= 0


def test_a_factory_probe_times_what_the_factory_returns(cpu_budget):
    probes = cpu_budget.Probes()
    module = types.ModuleType("factory_probed")
    module.make = lambda n: lambda x: x + n
    sys.modules["factory_probed"] = module
    try:
        probes.install("made", "factory_probed:make()")
        add_two = module.make(2)
        assert [add_two(1), add_two(5)] == [3, 7]
    finally:
        del sys.modules["factory_probed"]
    assert probes.totals["made"][2] == 2


def test_a_probe_on_a_name_that_is_gone_says_so(cpu_budget):
    with pytest.raises(SystemExit, match=r"probe target json:no_such_function does not exist"):
        cpu_budget.Probes().install("gone", "json:no_such_function")
