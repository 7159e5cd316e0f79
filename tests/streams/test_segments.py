"""segments: `GET /segments?include_count=true`, filtered on `updated_at` in the tap.

Contact segments only (company segments are `company_segments`, a child of companies).
Code: `tap_intercom/streams/segments.py` (`SegmentsStream`); schema: `schemas/segments.json`.
"""

from __future__ import annotations

import pytest

from tests import oracle
from tests.in_process import InProcessRun, sync_in_process, tap_for
from tests.streams.helpers import START, iso, median_version


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"segments"})


def test_one_request_asking_for_counts(run):
    assert run.queries_to("/segments") == [{"include_count": ["true"]}]


def test_records_older_than_the_bound_are_dropped_the_rest_conformed(fake_intercom):
    stream = tap_for(fake_intercom, start_date=iso(2000)).streams["segments"]
    assert stream.post_process({"id": "s1", "updated_at": 1999}) is None
    kept = stream.post_process({"id": "s2", "updated_at": 2000, "created_at": 1000, "count": 3})
    assert kept == {
        "id": "s2",
        "updated_at": iso(2000),
        "created_at": iso(1000),
        "count": 3,
    }


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
