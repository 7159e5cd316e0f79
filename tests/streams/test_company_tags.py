"""company_tags: one row per tag on a company (key `company_id` + `tag_id`), with the
company's `updated_at` as `company_updated_at`.

The companies scroll reads every company on every run, so this bridge is a full table: every
company's tags each run, between two ACTIVATE_VERSION messages, whatever the companies
bookmark. No request of its own. Code: `tap_intercom/streams/companies.py`
(`CompanyTagsStream`), `tap_intercom/bridges.py`; schema: `schemas/company_tags.json`.
"""

from __future__ import annotations

import pytest

from tests import oracle
from tests.in_process import InProcessRun, sync_in_process, tap_for
from tests.streams.helpers import START, iso

BRIDGE = "company_tags"


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {BRIDGE})


def test_one_table_version_around_every_row(run):
    kinds = [(m["type"], m.get("version")) for m in run.messages if m.get("stream") == BRIDGE]
    versions = [v for kind, v in kinds if kind == "ACTIVATE_VERSION"]
    assert len(versions) == 2 and versions[0] == versions[1]
    assert kinds[1][0] == "ACTIVATE_VERSION" and kinds[-1][0] == "ACTIVATE_VERSION"
    assert all(v == versions[0] for kind, v in kinds if kind == "RECORD")
    assert BRIDGE not in run.final_state.get("bookmarks", {})


def test_every_company_each_run_whatever_the_companies_bookmark(run, fake_intercom):
    _, companies = oracle.truth(fake_intercom, "companies", START)
    newest = iso(max(c["updated_at"] for c in companies))
    state = {"bookmarks": {"companies": {"updated_at": newest}}}
    later = sync_in_process(fake_intercom, {"companies", BRIDGE}, state=state)
    assert len(later.records("companies")) < len(companies)
    oracle.assert_ground_truth(fake_intercom, BRIDGE, later.records(BRIDGE), START)


def test_rows_of_one_company(fake_intercom):
    """The company as its transform leaves it: `tags` unwrapped from `tag.list`."""
    stream = tap_for(fake_intercom).streams[BRIDGE]
    company = {"id": "5f0a", "tags": [{"type": "tag", "id": "9001", "name": "x"}]}
    assert stream.rows_of(company, "v") == [
        {"company_id": "5f0a", "tag_id": "9001", "company_updated_at": "v"}
    ]
