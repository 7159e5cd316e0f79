"""help_centers: `GET /help_center/help_centers`, full table.

Code: `tap_intercom/streams/help_center.py` (`HelpCentersStream`); schema:
`schemas/help_centers.json`.
"""

from __future__ import annotations

import pytest

from tests import oracle
from tests.in_process import InProcessRun, sync_in_process
from tests.streams.helpers import START, assert_api_objects_with_date_times


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"help_centers"})


def test_asks_for_full_pages(run):
    assert run.queries_to("/help_center/help_centers") == [{"per_page": ["150"]}]


def test_records_are_the_api_objects_with_date_times(run, fake_intercom):
    assert_api_objects_with_date_times(
        run.records("help_centers"), fake_intercom.dataset.help_centers
    )


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    oracle.assert_ground_truth(fake_intercom, "help_centers", run.records("help_centers"), START)
