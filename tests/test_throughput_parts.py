"""Unit tests for the rate governor, the detail prefetcher and progress reporting; and the
end-to-end guarantee that concurrency changes nothing in the output."""

from __future__ import annotations

import threading
import time

import pytest

from tap_intercom.details import DetailPrefetcher
from tap_intercom.progress import StreamProgress, format_seconds
from tap_intercom.rate_limit import RateLimitGovernor
from tests.singer_run import base_config, discover, run_tap, select_streams


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def headers(remaining: int, reset: float) -> dict[str, str]:
    return {"X-RateLimit-Remaining": str(remaining), "X-RateLimit-Reset": str(reset)}


def test_governor_waits_for_the_reset_when_the_window_is_spent():
    clock = FakeClock()
    governor = RateLimitGovernor(clock=clock, sleep=clock.sleep)
    governor.acquire()
    governor.release(headers(remaining=0, reset=clock.now + 4))
    governor.acquire()  # must wait until the window resets
    assert clock.slept and clock.slept[0] == pytest.approx(4.05)


def test_governor_counts_requests_in_flight_against_the_window():
    clock = FakeClock()
    governor = RateLimitGovernor(clock=clock, sleep=clock.sleep)
    governor.acquire()
    governor.release(headers(remaining=2, reset=clock.now + 9))
    governor.acquire()
    governor.acquire()  # two in flight use the two remaining slots
    assert clock.slept == []
    governor.acquire()  # a third must wait for the reset
    assert clock.slept == [pytest.approx(9.05)]


def test_governor_a_late_response_does_not_reopen_a_spent_window():
    clock = FakeClock()
    governor = RateLimitGovernor(clock=clock, sleep=clock.sleep)
    governor.acquire()
    governor.acquire()
    governor.release(headers(remaining=0, reset=clock.now + 5))  # the newest answer
    governor.release(headers(remaining=3, reset=clock.now + 5))  # an older one, arriving late
    governor.acquire()  # the window is spent: wait for the reset
    assert clock.slept == [pytest.approx(5.05)]


def test_governor_own_cap_spreads_requests_over_ten_second_windows():
    clock = FakeClock(now=1_000_000.0)  # aligned on a window boundary
    governor = RateLimitGovernor(max_requests_per_minute=60, clock=clock, sleep=clock.sleep)
    for _ in range(10):  # 60/min = 10 per 10-second window
        governor.acquire()
        governor.release(None)
    assert clock.slept == []
    governor.acquire()
    assert clock.slept == [pytest.approx(10.05)]


def test_governor_ignores_stale_headers_from_an_older_window():
    clock = FakeClock()
    governor = RateLimitGovernor(clock=clock, sleep=clock.sleep)
    governor.acquire()
    governor.release(headers(remaining=50, reset=clock.now + 5))
    governor.acquire()
    governor.release(headers(remaining=0, reset=clock.now - 5))  # late reply, old window
    governor.acquire()
    assert clock.slept == []


def test_governor_is_thread_safe():
    governor = RateLimitGovernor()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(200):
                governor.acquire()
                governor.release(headers(remaining=10_000, reset=time.time() + 10))
        except BaseException as exc:  # pragma: no cover - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert governor.snapshot()["in_flight"] == 0


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


def test_progress_line_has_count_total_rate_and_eta():
    clock = FakeClock(now=0.0)
    progress = StreamProgress("contacts", every=10, clock=clock)
    progress.set_total(1000)
    for _ in range(100):
        progress.tick()
        clock.now += 0.1
    line = progress.line()
    assert line.startswith("contacts: 100 records of ~1,000, 10/s")
    assert "ETA 1m30s" in line
    assert format_seconds(3700) == "1h01m"


def test_output_is_identical_with_concurrency_1_and_the_default(make_fake):
    """Every stream selected: the default runs streams in parallel and fetches details ahead;
    `concurrency` 1 with `parallel_streams` 1 does neither. Every message (bar extraction
    time and table version) and the final state must be the same."""
    fake = make_fake(scale="small", seed=5, latency_ms=2)
    config = base_config(fake.base_url)
    catalog = select_streams(discover(config))

    def normalised(concurrency: int | None) -> tuple[list, dict]:
        settings = (
            config
            if concurrency is None
            else {**config, "concurrency": concurrency, "parallel_streams": concurrency}
        )
        run = run_tap(settings, catalog=catalog)
        assert run.returncode == 0, run.stderr[-3000:]
        return run.comparable_messages(), run.final_state

    sequential, sequential_state = normalised(1)
    parallel, parallel_state = normalised(None)
    assert len(sequential) > 1000
    assert {m["stream"] for m in sequential if m["type"] == "RECORD"} == {
        entry["tap_stream_id"] for entry in catalog["streams"]
    }
    assert parallel == sequential
    assert parallel_state == sequential_state
    stats = fake.stats()
    assert stats["max_in_flight"] > 1
    assert any("/contacts/{id}/" in endpoint for endpoint in stats["requests_by_endpoint"])


def test_search_query_stays_the_same_while_the_bookmark_advances(fake_intercom):
    """A cursor belongs to its query: every page of one run must send the same filter, and
    the client-side filter must not rise with the bookmark (a late record would be lost)."""
    from tap_intercom.tap import TapIntercom

    tap = TapIntercom(
        config={"access_token": "test-token", "api_url": fake_intercom.base_url},
        state={"bookmarks": {"contacts": {"updated_at": "2024-03-01T10:00:00.000000Z"}}},
        parse_env_config=False,
    )
    contacts = tap.streams["contacts"]
    first = contacts.prepare_request_payload(None, None)
    state = contacts.stream_state
    state["replication_key_value"] = "2025-06-01T00:00:00.000000Z"  # as after many records
    later = contacts.prepare_request_payload(None, "cursor-2")
    assert later["query"] == first["query"]
    assert first["query"]["value"][0]["value"] == 1709287200  # 2024-03-01T10:00:00Z
    assert later["pagination"]["starting_after"] == "cursor-2"
    assert contacts.lower_bound == 1709287200


def test_admin_details_are_fetched_in_parallel_and_merged_in_list_order(make_fake):
    fake = make_fake(scale="small", seed=6, latency_ms=100)
    config = base_config(fake.base_url)
    catalog = select_streams(discover(config), {"admins"})

    def admins(concurrency: int | None) -> tuple[list[dict], int]:
        fake.reset_stats()
        settings = config if concurrency is None else {**config, "concurrency": concurrency}
        run = run_tap(settings, catalog=catalog)
        assert run.returncode == 0, run.stderr[-3000:]
        return run.records("admins"), fake.stats()["max_in_flight"]

    sequential, sequential_in_flight = admins(1)
    parallel, parallel_in_flight = admins(None)
    assert len(sequential) == 5
    assert parallel == sequential
    assert sequential_in_flight == 1
    assert parallel_in_flight == len(sequential)  # every detail in flight at once
