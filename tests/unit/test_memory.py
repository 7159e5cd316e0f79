"""configure_malloc: sets glibc's malloc parameters, only where they are glibc's and ours to set."""

from __future__ import annotations

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


@pytest.mark.skipif(memory._glibc() is None, reason="needs glibc")
def test_sets_both_parameters_on_glibc() -> None:
    # In a fresh interpreter: mallopt changes the whole process, not just this test.
    code = (
        "import sys; from tap_intercom.memory import configure_malloc; "
        "sys.exit(0 if configure_malloc(environ={}) == "
        "{'arena_max': True, 'mmap_threshold': True} else 1)"
    )
    proc = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True)
    assert proc.returncode == 0, proc.stderr
