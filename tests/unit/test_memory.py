"""configure_malloc: sets glibc's malloc parameters, only where they are glibc's and ours to set."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tap_intercom import memory


def test_respects_settings_the_user_made() -> None:
    assert memory.limit_malloc_arenas(environ={"MALLOC_ARENA_MAX": "8"}) is False
    tunables = {"GLIBC_TUNABLES": "glibc.malloc.arena_max=4:glibc.malloc.mmap_threshold=65536"}
    assert memory.configure_malloc(environ=tunables) == {
        "arena_max": False,
        "mmap_threshold": False,
    }
    assert memory.fix_mmap_threshold(environ={"MALLOC_MMAP_THRESHOLD_": "1"}) is False


def test_is_a_no_op_without_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_glibc", lambda: None)
    assert memory.configure_malloc(environ={}) == {"arena_max": False, "mmap_threshold": False}


def test_off_linux_nothing_is_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert memory._glibc() is None


def _in_fresh_interpreter(code: str) -> str:
    """Run `code` in a new interpreter (mallopt and the collector's thresholds are process-wide)."""
    proc = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.mark.skipif(memory._glibc() is None, reason="needs glibc")
def test_sets_both_parameters_on_glibc() -> None:
    # In a fresh interpreter: mallopt changes the whole process, not just this test.
    _in_fresh_interpreter(
        "import sys; from tap_intercom.memory import configure_malloc; "
        "sys.exit(0 if configure_malloc(environ={}) == "
        "{'arena_max': True, 'mmap_threshold': True} else 1)"
    )


def test_cycle_collection_is_spaced_out_keeping_the_older_ratios() -> None:
    out = _in_fresh_interpreter(
        "import gc, json; from tap_intercom.memory import space_out_cycle_collection as s; "
        "before = gc.get_threshold(); changed = s(); "
        "print(json.dumps([before, changed, gc.get_threshold()]))"
    )
    before, changed, after = json.loads(out)
    assert changed is True
    assert after == [memory.GC_FIRST_THRESHOLD, *before[1:]]


def test_a_collector_that_is_off_or_already_spaced_out_is_left_alone() -> None:
    out = _in_fresh_interpreter(
        "import gc; from tap_intercom.memory import space_out_cycle_collection as s; "
        "gc.set_threshold(200000, 5, 5); a = s(); gc.set_threshold(0); b = s(); "
        "gc.set_threshold(700); gc.disable(); c = s(); print(a, b, c, gc.get_threshold()[0])"
    )
    assert out == "False False False 700"


def test_garbage_cycles_are_still_collected() -> None:
    # 200,000 self-referencing objects: with the raised threshold they are still freed on the
    # way (at most one threshold's worth outstanding), without an explicit gc.collect().
    out = _in_fresh_interpreter(
        "import gc, weakref\n"
        "from tap_intercom.memory import space_out_cycle_collection as s\n"
        "assert s()\n"
        "class Node:\n"
        "    pass\n"
        "alive = []\n"
        "for i in range(200_000):\n"
        "    n = Node(); n.me = n; n.payload = {'i': i}\n"
        "    if i % 1000 == 0: alive.append(weakref.ref(n))\n"
        "    del n\n"
        "print(sum(r() is not None for r in alive), len(alive))"
    )
    outstanding, total = map(int, out.split())
    assert total == 200
    # Only the last threshold's worth can still be waiting (each node is 3 containers).
    assert outstanding <= memory.GC_FIRST_THRESHOLD // 1000 + 1
    assert outstanding < total


def test_the_command_spaces_out_cycle_collection() -> None:
    out = _in_fresh_interpreter(
        "import gc, sys; from unittest import mock; import tap_intercom.cli as c\n"
        "with mock.patch.object(c.TapIntercom, 'cli', lambda: None): c.cli()\n"
        "print(gc.get_threshold()[0])"
    )
    assert out == str(memory.GC_FIRST_THRESHOLD)
