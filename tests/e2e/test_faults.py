"""Faults: every transient failure Intercom (or the network) produces is retried, boundedly,
and the sync still emits every record of the ground truth; a failure that does not go away
ends the run with one clear line after a bounded time. Companies' scroll recovers from a held
lock, an expired scroll and a 500 in the middle without losing or duplicating a company.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter

import pytest

from fake_intercom import FakeIntercom
from tests import oracle
from tests.breaking_proxy import breaking_proxy
from tests.singer_run import base_config, discover, run_tap, select_streams, summary_counts

#: Recent: most generated data is newer, the rest is filtered out.
START = "2025-06-01T00:00:00Z"
COUNTS = {"contacts": 250, "companies": 80, "conversations": 150, "tickets": 40}
ALL_KINDS = ("429", "500", "502", "503", "504", "reset", "slow", "truncated")
#: About one request in three fails once; `slow` (3 s) is slower than `request_timeout` (1 s).
#: 429s are rarer here because each one (rightly) holds every request until the window resets;
#: the next test is about them.
FAULT_MIX = (
    "429:0.02,500:0.04,502:0.04,503:0.04,504:0.04,reset:0.04,slow:0.04,truncated:0.04,"
    "slow_seconds:3"
)
#: Short, bounded retries for tests: every wait at most 0.5 s, at most 6 retries a request.
FAST_RETRIES = {"request_timeout": 1, "max_retry_wait": 0.5, "max_retries": 6}
ATTEMPT_RE = re.compile(r"Retrying \S+ \(attempt (\d+)\)")


def _config(url: str, **overrides: object) -> dict:
    return base_config(url, start_date=START, **{**FAST_RETRIES, **overrides})


def _assert_nothing_lost(fake: FakeIntercom, run, streams: list[str]) -> None:
    emitted = {}
    for stream in streams:
        records = run.records(stream)
        emitted[stream] = len(records)
        oracle.assert_ground_truth(fake, stream, records, START, require_records=False)
    empty = [s for s, n in emitted.items() if n == 0]
    assert set(empty) <= {"articles", "segments"}, emitted  # few of those change lately


#: The scroll lifetime of the mixed-fault run. An injected 429 holds every request until the
#: 10-second window resets, the companies scroll's next page with them; a real scroll (60 s)
#: outlives such a hold, so this one must too, or the run measures expiries the API never
#: gives. A scroll abandoned after a fault still expires soon enough for a quick test.
SCROLL_LIFETIME = 12
#: Waiting out that abandoned scroll's lock: 9 waits of 2 s outlast it (`scroll_exists`).
LOCK_RETRIES = {"max_retry_wait": 2, "max_retries": 10}


def test_every_fault_kind_is_retried_and_nothing_is_lost(make_fake):
    fake = make_fake(scale="small", seed=11, **COUNTS)
    fake.control(scroll_idle_seconds=SCROLL_LIFETIME)
    # One page of companies: about a third of mid-scroll requests fail here, and every failure
    # restarts the scroll from its first page (the restart tests below cover longer scrolls).
    fake.control(scroll_page_size=COUNTS["companies"])
    catalog = select_streams(discover(_config(fake.base_url)))
    streams = [e["tap_stream_id"] for e in catalog["streams"]]
    fake.control(faults=FAULT_MIX, reset_stats=True)

    started = time.monotonic()
    run = run_tap(_config(fake.base_url, **LOCK_RETRIES), catalog=catalog, timeout=240)
    elapsed = time.monotonic() - started

    assert run.returncode == 0, run.stderr[-3000:]
    stats = fake.stats()
    injected = stats["faults_injected"]
    assert set(injected) == set(ALL_KINDS), injected  # every kind actually happened
    assert stats["faults_injected_total"] >= 40, injected
    _assert_nothing_lost(fake, run, streams)
    # Bounded: each retry answers one injected fault (a faulted request is never faulted
    # again on its next try), no request needed more tries than allowed, and it was quick.
    _, retries = summary_counts(run.stderr)
    # Waiting out the lock of a scroll abandoned after a fault is a retry no fault answers.
    scroll_waits = sum(
        "Retrying companies" in line and "scroll_exists" in line for line in run.stderr.splitlines()
    )
    assert 0 < retries - scroll_waits <= stats["faults_injected_total"], (retries, injected)
    attempts = [int(n) for n in ATTEMPT_RE.findall(run.stderr)]
    assert attempts and max(attempts) <= LOCK_RETRIES["max_retries"]
    # Bounded in time: each restart of the scroll waits up to its lifetime for the lock.
    restarts = sum("restarting the scroll" in line for line in run.stderr.splitlines())
    assert elapsed < 60 + restarts * SCROLL_LIFETIME, (elapsed, restarts)
    assert "Traceback" not in run.stderr


def test_429s_from_a_spent_window_and_injected_bursts_lose_nothing(make_fake):
    """A 10-second window of 20 requests for a sync needing about twice that, plus injected
    429 bursts: the governor paces by the rate-limit headers (no burst of refusals for the
    window, except rarely at a window's edge), every 429 is retried after `X-RateLimit-Reset`,
    and nothing is lost."""
    fake = make_fake(scale="small", seed=12, contacts=60, conversations=30)
    config = base_config(fake.base_url, start_date=START, request_timeout=5)
    streams = ["contacts", "conversations", "conversation_parts"]
    catalog = select_streams(discover(config), set(streams))
    fake.control(rate_limit_per_10s=20, faults="429:0.1", reset_stats=True)

    run = run_tap(config, catalog=catalog, timeout=240)

    assert run.returncode == 0, run.stderr[-3000:]
    stats = fake.stats()
    assert stats["faults_injected"].get("429", 0) >= 2, stats["faults_injected"]
    assert stats["requests_total"] > 20  # needed more than one window
    _assert_nothing_lost(fake, run, streams)
    _, retries = summary_counts(run.stderr)
    assert retries == stats["responses_429"]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (
            "503",
            "tap-intercom: error: HTTP 503: service_unavailable - Service Unavailable for "
            "POST /conversations/search (still failing after retries; try again later)",
        ),
        (
            "hang",
            "tap-intercom: error: Intercom did not answer within `request_timeout` after "
            "retries; raise `request_timeout` or try again later",
        ),
        (
            "reset",
            "tap-intercom: error: could not connect to Intercom (ConnectionError) after "
            "retries; check the network, `region` and `api_url`",
        ),
    ],
)
def test_a_permanently_failing_endpoint_ends_the_run_in_bounded_time(fake_intercom, mode, expected):
    config = base_config(fake_intercom.base_url, start_date=START)
    catalog = select_streams(discover(config), {"admins", "conversations", "conversation_parts"})
    with breaking_proxy(fake_intercom.base_url, "/conversations/search", mode) as proxy:
        config = _config(proxy.base_url, max_retries=3)
        started = time.monotonic()
        run = run_tap(config, catalog=catalog, timeout=120)
        elapsed = time.monotonic() - started
        hits = proxy.broken_hits

    assert run.returncode == 1, run.stderr[-3000:]
    assert run.stderr.rstrip("\n").splitlines()[-1] == expected
    assert "Traceback" not in run.stderr
    assert hits == 4  # one try and max_retries=3 retries, then it gives up
    # 4 tries of at most request_timeout (1 s) and 3 waits of at most max_retry_wait (0.5 s).
    assert elapsed < 30, elapsed
    assert run.records("admins"), "streams before the failing one were synced"


def _companies_run(fake: FakeIntercom, control: dict, **overrides: object):
    config = _config(fake.base_url, **overrides)
    catalog = select_streams(discover(config), {"companies", "company_segments"})
    fake.control(**control, reset_stats=True)
    return run_tap(config, catalog=catalog, timeout=120)


def _assert_companies_complete(fake: FakeIntercom, run) -> None:
    assert run.returncode == 0, run.stderr[-3000:]
    _assert_nothing_lost(fake, run, ["companies", "company_segments"])
    ids = Counter(r["id"] for r in run.records("companies"))
    assert not [i for i, n in ids.items() if n > 1], "a company was emitted twice"


def test_companies_wait_out_a_held_scroll(make_fake):
    fake = make_fake(scale="small", seed=13, companies=120)
    run = _companies_run(
        fake, {"scroll_page_size": 25, "scroll_exists_hold_seconds": 2.5}, max_retries=12
    )
    _assert_companies_complete(fake, run)
    assert fake.stats()["scrolls_opened"] == 1
    assert "scroll_exists" in run.stderr  # it was refused at first, and retried


def test_companies_restart_a_scroll_that_fails_with_500_midway(make_fake):
    fake = make_fake(scale="small", seed=14, companies=120)
    run = _companies_run(fake, {"scroll_page_size": 25, "scroll_fail_after_pages": 2})
    _assert_companies_complete(fake, run)
    assert fake.stats()["scrolls_opened"] == 2
    assert "companies: restarting the scroll (1/5)" in run.stderr


def test_companies_restart_an_expired_scroll(make_fake):
    """The scroll expires between two pages (404 `scroll parameter not found`): restart."""
    fake = make_fake(scale="small", seed=15, companies=120, latency_ms=150)
    fake.control(scroll_page_size=25)
    done = threading.Event()

    def expire_after_first_page() -> None:
        while not done.is_set():
            pages = fake.stats()["requests_by_endpoint"].get("GET /companies/scroll", 0)
            if pages >= 2:
                fake.control(scroll_idle_seconds=0.01)  # the next page finds it expired
                while not done.is_set() and not fake.stats()["responses_by_status"].get("404"):
                    time.sleep(0.005)
                fake.control(scroll_idle_seconds=60)
                return
            time.sleep(0.005)

    watcher = threading.Thread(target=expire_after_first_page, daemon=True)
    config = _config(fake.base_url)
    catalog = select_streams(discover(config), {"companies", "company_segments"})
    fake.reset_stats()
    watcher.start()
    try:
        run = run_tap(config, catalog=catalog, timeout=120)
    finally:
        done.set()
        watcher.join(timeout=5)
    _assert_companies_complete(fake, run)
    assert fake.stats()["responses_by_status"].get("404") == 1
    assert fake.stats()["scrolls_opened"] == 2
    assert "scroll parameter not found" in run.stderr
