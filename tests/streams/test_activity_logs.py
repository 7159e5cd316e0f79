"""activity_logs: `GET /admins/activity_logs`, one `created_at` range from the bound to now.

The range follows `pages.next` in any shape; the bookmark is the largest `created_at` seen. A
403 skips the stream after one request. The request counts are in
`test_activity_logs_requests.py`. Code: `tap_intercom/streams/activity_logs.py`; schema:
`schemas/activity_logs.json`.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import requests

from fake_intercom import DATA_NOW
from tap_intercom.schemas import stream_schema
from tests import oracle
from tests.in_process import InProcessRun, rewrite_body, sync_in_process
from tests.streams.helpers import iso, median_version

PATH = "/admins/activity_logs"
#: Before every activity log of the fake.
START = "2017-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"activity_logs"}, start_date=START)


# --- request ---------------------------------------------------------------------------------


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
    # Every follow-up page stays inside the range.
    assert all("created_at_after" in q and "created_at_before" in q for q in pages)


def test_forbidden_activity_logs_stop_after_the_first_window(make_fake):
    """A 403 skips the stream once, with one request and one warning."""
    fake = make_fake(scale="small", seed=1)
    fake.control(forbidden=[PATH])
    run = sync_in_process(fake, {"activity_logs", "help_centers"}, start_date=START)
    assert run.records("activity_logs") == []
    assert len(run.requests_to(PATH)) == 1
    skips = [line for line in run.log_lines() if "Skipping stream 'activity_logs'" in line]
    assert len(skips) == 1
    oracle.assert_ground_truth(fake, "help_centers", run.records("help_centers"), START)


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
