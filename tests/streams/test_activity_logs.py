"""activity_logs: `GET /admins/activity_logs` in contiguous 30-day `created_at` windows.

Each window follows `pages.next` in any shape; each record is assigned to exactly one window;
the bookmark is the largest `created_at` seen. A 403 skips the stream after the first window.
Code: `tap_intercom/streams/activity_logs.py` (`ActivityLogsStream`, `windows`, `in_window`);
schema: `schemas/activity_logs.json`.
"""

from __future__ import annotations

import itertools
import math
from urllib.parse import parse_qs, urlparse

import pendulum
import pytest
import requests

from fake_intercom import DATA_NOW
from tap_intercom.schemas import stream_schema
from tap_intercom.streams.activity_logs import WINDOW_SECONDS, in_window, windows
from tests import oracle
from tests.in_process import InProcessRun, rewrite_body, sync_in_process
from tests.streams.helpers import iso, median_version

PATH = "/admins/activity_logs"
#: Before every activity log of the fake (fewer windows than the year 2000).
START = "2017-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"activity_logs"}, start_date=START)


# --- request ---------------------------------------------------------------------------------


def test_activity_logs_are_read_in_contiguous_30_day_windows(fake_intercom):
    start = DATA_NOW - 100 * 86400 + 12345  # 100 days before the fake's newest log
    start_iso = iso(start)
    before = int(pendulum.now("UTC").int_timestamp)
    run = sync_in_process(fake_intercom, {"activity_logs"}, start_date=start_iso)
    after = int(pendulum.now("UTC").int_timestamp)

    oracle.assert_ground_truth(fake_intercom, "activity_logs", run.records("activity_logs"), start)
    first_pages = []
    for query in run.queries_to(PATH):
        if "page" not in query or query["page"] == ["1"]:
            first_pages.append(
                (int(query["created_at_after"][0]), int(query["created_at_before"][0]))
            )
    assert len(first_pages) in {
        math.ceil((before - start) / WINDOW_SECONDS),
        math.ceil((after - start) / WINDOW_SECONDS),
    }
    assert len(first_pages) > 3  # windowing really happened (~12 windows)
    assert first_pages[0][0] == start - 1
    for (lo1, hi1), (lo2, _) in itertools.pairwise(first_pages):
        assert hi1 - lo1 <= WINDOW_SECONDS + 2
        assert lo2 == hi1 - 2  # next window starts where the previous one ended
    assert before <= first_pages[-1][1] - 1 <= after
    # Several windows hold more than one page (the fake's default page size is 20).
    assert any("page=2" in url for url in run.requests_to(PATH))
    assert run.final_state["bookmarks"]["activity_logs"]["replication_key_value"] == iso(
        max(a["created_at"] for a in fake_intercom.dataset.activity_logs)
    )


def _next_as_relative(body: dict) -> None:
    nxt = body["pages"].get("next")
    if isinstance(nxt, str):
        parsed = urlparse(nxt)
        body["pages"]["next"] = f"{parsed.path}?{parsed.query}"


def _next_as_page_object(body: dict) -> None:
    nxt = body["pages"].get("next")
    if isinstance(nxt, str):
        body["pages"]["next"] = {"page": int(parse_qs(urlparse(nxt).query)["page"][0])}


def _next_missing_at_end(body: dict) -> None:
    pages = body["pages"]
    if pages.get("next") is None:
        pages.pop("next", None)


@pytest.mark.parametrize(
    "edit",
    [None, _next_as_relative, _next_as_page_object, _next_missing_at_end],
    ids=["absolute-url", "relative-url", "page-object", "missing-on-last-page"],
)
def test_activity_logs_follow_every_pages_next_shape(fake_intercom, edit):
    start = DATA_NOW - 75 * 86400

    def hook(response: requests.Response) -> None:
        if edit is not None and urlparse(response.url).path == PATH:
            rewrite_body(response, edit)

    run = sync_in_process(fake_intercom, {"activity_logs"}, start_date=iso(start), hook=hook)
    expected = oracle.truth_keys(fake_intercom, "activity_logs", start)
    assert len(expected) > 40  # more than two pages of 20
    oracle.assert_ground_truth(fake_intercom, "activity_logs", run.records("activity_logs"), start)
    pages = run.queries_to(PATH)
    assert any(q.get("page") == ["2"] for q in pages)
    # Every follow-up page stays inside its window.
    assert all("created_at_after" in q and "created_at_before" in q for q in pages)


def test_forbidden_activity_logs_stop_after_the_first_window(make_fake):
    """A 403 skips the stream once, instead of failing every one of its ~100 windows."""
    fake = make_fake(scale="small", seed=1)
    fake.control(forbidden=[PATH])
    run = sync_in_process(fake, {"activity_logs", "help_centers"}, start_date=START)
    assert run.records("activity_logs") == []
    assert len(run.requests_to(PATH)) == 1
    skips = [line for line in run.log_lines() if "Skipping stream 'activity_logs'" in line]
    assert len(skips) == 1
    oracle.assert_ground_truth(fake, "help_centers", run.records("help_centers"), START)


# --- transform: windows ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [(0, 0, 1), (0, 1, 1), (0, WINDOW_SECONDS, 1), (0, WINDOW_SECONDS + 1, 2), (5, 95 * 86400, 4)],
)
def test_windows_cover_the_range_without_gaps(start, end, count):
    parts = list(windows(start, end))
    assert len(parts) == count
    assert parts[0][0] == start
    assert parts[-1][1] == end
    for (_, hi), (lo, _) in itertools.pairwise(parts):
        assert hi == lo
    assert all(hi - lo <= WINDOW_SECONDS for lo, hi in parts)


def test_each_timestamp_belongs_to_exactly_one_window():
    parts = list(windows(1000, 1000 + 3 * WINDOW_SECONDS + 7))
    for created in (1000, 1000 + WINDOW_SECONDS, 1000 + 3 * WINDOW_SECONDS + 7, 10**10):
        owners = [
            (lo, hi)
            for index, (lo, hi) in enumerate(parts)
            if in_window(created, lo, hi, last=index == len(parts) - 1)
        ]
        assert len(owners) == 1, created
    assert not any(in_window(999, lo, hi, last=True) for lo, hi in parts)


@pytest.mark.parametrize("created", ["2024-01-01", None, True, 1.5])
def test_a_created_at_that_is_not_an_epoch_is_kept_for_the_conformer(created):
    assert in_window(created, 100, 110, last=False)


def test_schema_leaves_metadata_free_form():
    """The metadata depends on the activity type: an untyped object."""
    metadata = stream_schema("activity_logs")["properties"]["metadata"]
    assert metadata["additionalProperties"] is True
    assert not metadata.get("properties")


# --- records ---------------------------------------------------------------------------------


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    oracle.assert_ground_truth(fake_intercom, "activity_logs", run.records("activity_logs"), START)


def test_metadata_passes_through_untouched(run, fake_intercom):
    """`metadata` is not conformed (e.g. `expired_at` stays an ISO string)."""
    raw_logs = {a["id"]: a for a in fake_intercom.dataset.activity_logs}
    records = run.records("activity_logs")
    assert records
    for record in records:
        raw = raw_logs[record["id"]]
        assert record["metadata"] == raw["metadata"]
        assert record["created_at"] == iso(raw["created_at"])
        assert record["performed_by"] == raw["performed_by"]


def test_a_bookmark_in_the_middle_beats_start_date(fake_intercom):
    """A bookmark (Stitch's shape) at the median record: exactly the records at/after it."""
    middle = median_version(fake_intercom, "activity_logs")
    state = {"bookmarks": {"activity_logs": {"created_at": iso(middle)}}}
    run = sync_in_process(fake_intercom, {"activity_logs"}, state=state, start_date=START)
    everything = oracle.truth_keys(fake_intercom, "activity_logs", START)
    assert 0 < len(oracle.truth_keys(fake_intercom, "activity_logs", middle)) < len(everything)
    records = run.records("activity_logs")
    oracle.assert_ground_truth(fake_intercom, "activity_logs", records, middle)
