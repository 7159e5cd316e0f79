"""tags: `GET /tags`, one request, records as the API sends them.

Code: `tap_intercom/streams/tags.py` (`TagsStream`); schema: `schemas/tags.json`.
"""

from __future__ import annotations

import pytest

from tests import oracle
from tests.in_process import InProcessRun, sync_in_process, tap_for
from tests.streams.helpers import START


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"tags"})


def test_one_request_without_parameters(run, fake_intercom):
    assert run.requests_to("/tags") == [f"{fake_intercom.base_url}/tags"]
    assert tap_for(fake_intercom).streams["tags"].get_url_params(None, None) == {}


def test_records_are_the_api_objects_unchanged(run, fake_intercom):
    raw = {str(t["id"]): t for t in fake_intercom.dataset.tags}
    records = run.records("tags")
    assert records
    for record in records:
        assert record == raw[record["id"]]


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    oracle.assert_ground_truth(fake_intercom, "tags", run.records("tags"), START)
