"""collections: `GET /help_center/collections`, full table: top-level collections and sections.

Code: `tap_intercom/streams/help_center.py` (`CollectionsStream`); schema:
`schemas/collections.json`.
"""

from __future__ import annotations

import pytest

from tests import oracle
from tests.in_process import InProcessRun, sync_in_process
from tests.streams.helpers import START, assert_api_objects_with_date_times


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"collections"})


def test_asks_for_full_pages(run):
    assert run.queries_to("/help_center/collections") == [{"per_page": ["150"]}]


def test_records_are_the_api_objects_with_date_times(run, fake_intercom):
    assert_api_objects_with_date_times(
        run.records("collections"), fake_intercom.dataset.collections
    )


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    oracle.assert_ground_truth(fake_intercom, "collections", run.records("collections"), START)


def test_nested_collections_are_there(run):
    collections = run.records("collections")
    assert any(c["parent_id"] for c in collections)
    assert any(c["parent_id"] is None for c in collections)
