"""segments: `GET /segments?include_count=true`, written whole each run as a table version.

Contact segments only (company segments are `company_segments`, a child of companies).
Code: `tap_intercom/streams/segments.py` (`SegmentsStream`); schema: `schemas/segments.json`.
"""

from __future__ import annotations

import pytest

from tests import oracle
from tests.in_process import InProcessRun, sync_in_process, tap_for
from tests.streams.helpers import START, iso, median_version, table_version


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"segments"})


def test_one_request_asking_for_counts(run):
    assert run.queries_to("/segments") == [{"include_count": ["true"]}]


def test_the_start_date_filters_the_bookmark_does_not(fake_intercom):
    """A table version must hold every live row since `start_date`: a bookmark past a segment
    does not drop it."""
    state = {"bookmarks": {"segments": {"updated_at": iso(5000)}}}
    stream = tap_for(fake_intercom, start_date=iso(2000), state=state).streams["segments"]
    assert stream.post_process({"id": "s0", "updated_at": 1999}) is None
    assert stream.post_process({"id": "s1", "updated_at": 2000}) == {
        "id": "s1",
        "updated_at": iso(2000),
    }
    kept = stream.post_process({"id": "s2", "updated_at": 4000, "created_at": 1000, "count": 3})
    assert kept == {
        "id": "s2",
        "updated_at": iso(4000),
        "created_at": iso(1000),
        "count": 3,
    }


def test_each_run_is_one_table_version_of_every_segment(run, fake_intercom):
    _, records = table_version(run.messages, "segments")
    oracle.assert_ground_truth(fake_intercom, "segments", records, START)


def test_a_deleted_segment_is_missing_from_the_next_version(make_fake):
    fake = make_fake(scale="small", seed=25)
    first = sync_in_process(fake, {"segments"})
    gone = set(fake.delete(segments=2)["segments"])
    second = sync_in_process(fake, {"segments"}, state=first.final_state)
    _, records = table_version(second.messages, "segments")
    assert gone and not gone & {r["id"] for r in records}
    oracle.assert_ground_truth(fake, "segments", records, START)


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    records = run.records("segments")
    oracle.assert_ground_truth(fake_intercom, "segments", records, START)
    assert all("count" in r for r in records)


def test_a_start_date_in_the_middle_keeps_only_what_is_newer(fake_intercom):
    middle = median_version(fake_intercom, "segments")
    records = sync_in_process(fake_intercom, {"segments"}, start_date=iso(middle)).records(
        "segments"
    )
    assert 0 < len(records) < len(oracle.truth_keys(fake_intercom, "segments", START))
    oracle.assert_ground_truth(fake_intercom, "segments", records, middle)


def test_a_bookmark_in_the_middle_still_writes_every_segment(fake_intercom):
    middle = iso(median_version(fake_intercom, "segments"))
    state = {"bookmarks": {"segments": {"updated_at": middle}}}
    run = sync_in_process(fake_intercom, {"segments"}, state=state)
    _, records = table_version(run.messages, "segments")
    oracle.assert_ground_truth(fake_intercom, "segments", records, START)
    assert run.final_state["bookmarks"]["segments"]["updated_at"] >= middle
