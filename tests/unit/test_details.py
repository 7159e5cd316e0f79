"""DetailPrefetcher: results in the order asked, errors re-raised, and its window (how many
fetches run or wait to be taken at once)."""

from __future__ import annotations

import threading
import typing as t

import pytest

from tap_intercom.details import KEEP_GENERATIONS, WINDOW_PER_WORKER, DetailPrefetcher


class Gate:
    """Fetch callables that record when they start and block until released."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.release = threading.Event()
        self._lock = threading.Lock()

    def fetch(self, key: str) -> t.Callable[[], str]:
        def run() -> str:
            with self._lock:
                self.started.append(key)
            self.release.wait(5)
            return key.upper()

        return run


def test_window_defaults_to_a_few_fetches_per_worker() -> None:
    assert DetailPrefetcher(workers=8, name="t").window == WINDOW_PER_WORKER * 8
    assert DetailPrefetcher(workers=8, name="t", window=3).window == 8  # never below workers


def test_at_most_window_fetches_start_and_the_rest_follow_as_results_are_taken() -> None:
    gate = Gate()
    prefetcher: DetailPrefetcher[str] = DetailPrefetcher(workers=2, name="t", window=3)
    keys = [f"k{i}" for i in range(10)]
    prefetcher.submit_page({key: gate.fetch(key) for key in keys[:5]})
    prefetcher.submit_page({key: gate.fetch(key) for key in keys[5:]})
    assert prefetcher._started == 3
    gate.release.set()
    assert [prefetcher.take(key, lambda: "inline") for key in keys] == [k.upper() for k in keys]
    assert sorted(gate.started) == sorted(keys)  # every one prefetched, none fetched inline
    assert prefetcher._started == 0
    prefetcher.close()


def test_taking_an_entry_that_has_not_started_starts_it_at_once() -> None:
    gate = Gate()
    gate.release.set()
    prefetcher: DetailPrefetcher[str] = DetailPrefetcher(workers=2, name="t", window=2)
    prefetcher.submit_page({key: gate.fetch(key) for key in ("a", "b", "c", "d")})
    assert prefetcher.take("d", lambda: "inline") == "D"  # waiting, out of turn
    assert prefetcher.take("a", lambda: "inline") == "A"
    assert prefetcher.take("c", lambda: "inline") == "C"
    assert prefetcher.take("b", lambda: "inline") == "B"
    assert prefetcher.take("a", lambda: "inline") == "inline"  # taken once only
    prefetcher.close()


def test_taking_a_page_that_has_not_started_starts_all_of_that_page() -> None:
    """A sliced search announces a slice's first page when the reader takes it, behind later
    pages that fill the window: its first take starts its whole page, not one fetch at a time."""
    gate = Gate()
    prefetcher: DetailPrefetcher[str] = DetailPrefetcher(workers=2, name="t", window=2)
    prefetcher.submit_page({key: gate.fetch(key) for key in ("x1", "x2", "x3")})  # fills it
    late = ("a", "b", "c", "d")
    prefetcher.submit_page({key: gate.fetch(key) for key in late})
    gate.release.set()
    assert prefetcher.take("a", lambda: "inline") == "A"
    started = {e for e, entry in prefetcher._entries.items() if entry.future is not None}
    assert set(late[1:]) <= started  # the rest of a's page runs already
    assert "x3" not in started  # the earlier page's waiting entry still waits its turn
    assert [prefetcher.take(key, lambda: "inline") for key in late[1:]] == ["B", "C", "D"]
    assert [prefetcher.take(key, lambda: "inline") for key in ("x1", "x2", "x3")] == [
        "X1",
        "X2",
        "X3",
    ]
    assert sorted(gate.started) == sorted([*late, "x1", "x2", "x3"])  # nothing fetched inline
    prefetcher.close()


def test_entries_never_taken_are_dropped_and_free_their_place_in_the_window() -> None:
    gate = Gate()
    gate.release.set()
    prefetcher: DetailPrefetcher[str] = DetailPrefetcher(workers=2, name="t", window=2)
    prefetcher.submit_page({"skipped1": gate.fetch("skipped1"), "skipped2": gate.fetch("s2")})
    for page in range(KEEP_GENERATIONS + 1):
        prefetcher.submit_page({f"p{page}": gate.fetch(f"p{page}")})
    assert "skipped1" not in prefetcher._entries
    assert prefetcher._started <= prefetcher.window
    last = f"p{KEEP_GENERATIONS}"
    assert prefetcher.take(last, lambda: "inline") == last.upper()
    assert prefetcher.take("skipped1", lambda: "inline") == "inline"
    prefetcher.close()


def test_close_cancels_what_has_not_started() -> None:
    gate = Gate()
    prefetcher: DetailPrefetcher[str] = DetailPrefetcher(workers=2, name="t", window=2)
    prefetcher.submit_page({key: gate.fetch(key) for key in ("a", "b", "c", "d")})
    gate.release.set()
    prefetcher.close()
    assert set(gate.started) <= {"a", "b"}
    assert prefetcher.take("c", lambda: "inline") == "inline"


def test_prefetcher_returns_results_in_the_order_asked_and_reraises_errors():
    prefetcher: DetailPrefetcher[str] = DetailPrefetcher(workers=4, name="t")
    started = threading.Event()

    def slow(value: str) -> str:
        started.wait(1)
        return value

    def boom() -> str:
        raise ValueError("boom")

    prefetcher.submit_page({"a": lambda: slow("A"), "b": lambda: slow("B"), "c": boom})
    started.set()
    assert prefetcher.take("b", lambda: "inline") == "B"
    assert prefetcher.take("a", lambda: "inline") == "A"
    with pytest.raises(ValueError, match="boom"):
        prefetcher.take("c", lambda: "inline")
    assert prefetcher.take("zzz", lambda: "inline") == "inline"
    prefetcher.close()


def test_prefetcher_with_one_worker_fetches_inline():
    prefetcher: DetailPrefetcher[str] = DetailPrefetcher(workers=1, name="t")
    prefetcher.submit_page({"a": lambda: "prefetched"})
    assert not prefetcher.enabled
    assert prefetcher.take("a", lambda: "inline") == "inline"
