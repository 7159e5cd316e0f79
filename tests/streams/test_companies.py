"""companies: `GET /companies/scroll`, every company on every run, filtered on `updated_at` here.

Code: `tap_intercom/streams/companies.py` (`CompaniesStream`); schema: `schemas/companies.json`.
The scroll's fault handling (held lock, expiry, 500 midway) is in `tests/e2e/test_faults.py`.
"""

from __future__ import annotations

import pytest
from singer_sdk.exceptions import FatalAPIError

from tap_intercom.children import PARENT_BOOKMARK
from tap_intercom.errors import ScrollBrokenError
from tap_intercom.schemas import stream_schema
from tap_intercom.streams.companies import (
    INLINE_SEGMENTS,
    MAX_SCROLL_RESTARTS,
    scroll_restarts_after_break,
)
from tests import oracle
from tests.in_process import InProcessRun, sync_in_process, tap_for
from tests.streams.helpers import START, iso, median_version, table_version

SEGMENT = {"type": "segment", "id": "s1", "name": "Big", "updated_at": 1}
TAG = {"type": "tag", "id": "t1", "name": "vip"}


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"companies"})


# --- request ---------------------------------------------------------------------------------


def test_one_scroll_opened_then_followed_until_an_empty_page(run):
    queries = run.queries_to("/companies/scroll")
    assert queries[0] == {}  # opening the scroll
    params = {q["scroll_param"][0] for q in queries[1:]}
    assert len(queries) >= 3 and len(params) == 1  # the same scroll to the (empty) last page


# --- transform -------------------------------------------------------------------------------


def test_segment_and_tag_lists_are_denested(fake_intercom):
    stream = tap_for(fake_intercom).streams["companies"]
    raw = {
        "id": "c1",
        "updated_at": 5,
        "segments": {"type": "segment.list", "segments": [SEGMENT]},
        "tags": {"type": "tag.list", "tags": [TAG]},
    }
    record = stream.transform_record(raw, None)
    assert record["segments"] == [SEGMENT]
    assert record["tags"] == [TAG]


def test_the_inline_segments_travel_to_the_child_in_its_context(fake_intercom):
    stream = tap_for(fake_intercom).streams["companies"]
    raw = {"id": "c1", "updated_at": 5, "segments": {"type": "segment.list", "segments": []}}
    context = stream.child_context(raw, {"id": "c1", "updated_at": iso(5)})
    assert context == {"company_id": "c1", PARENT_BOOKMARK: iso(5), INLINE_SEGMENTS: []}
    without = stream.child_context({"id": "c1"}, {"id": "c1", "updated_at": iso(5)})
    assert without[INLINE_SEGMENTS] is None  # the child will ask /companies/{id}/segments


def test_schema_denests_segments_and_tags():
    props = stream_schema("companies")["properties"]
    for field in ("segments", "tags"):
        assert set(props[field]["type"]) == {"null", "array"}, field
        assert "id" in props[field]["items"]["properties"], field
    assert set(props["segments"]["items"]["properties"]) >= {
        "type",
        "id",
        "name",
        "created_at",
        "updated_at",
        "person_type",
        "count",
    }
    assert props["custom_attributes"] == {
        "type": ["null", "object"],
        "additionalProperties": True,
        "properties": {},
    }


# --- records ---------------------------------------------------------------------------------


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    oracle.assert_ground_truth(fake_intercom, "companies", run.records("companies"), START)


def test_records_are_stitch_shaped(run):
    records = run.records("companies")
    assert records
    for record in records:
        assert isinstance(record["segments"], list), record["id"]
        assert isinstance(record["tags"], list), record["id"]


def test_a_start_date_in_the_middle_keeps_only_what_is_newer(fake_intercom):
    middle = median_version(fake_intercom, "companies")
    run = sync_in_process(fake_intercom, {"companies"}, start_date=iso(middle))
    records = run.records("companies")
    assert 0 < len(records) < len(oracle.truth_keys(fake_intercom, "companies", START))
    oracle.assert_ground_truth(fake_intercom, "companies", records, middle)


# --- deletions (`company_deletions`) ---------------------------------------------------------


def test_without_company_deletions_no_table_version_is_written(run):
    assert not [m for m in run.messages if m["type"] == "ACTIVATE_VERSION"]


def test_company_deletions_write_every_company_as_one_version_past_the_bookmark(make_fake):
    fake = make_fake(scale="small", seed=21)
    first = sync_in_process(fake, {"companies"}, company_deletions=True)
    _, records = table_version(first.messages, "companies")
    oracle.assert_ground_truth(fake, "companies", records, START)
    bookmark = first.final_state["bookmarks"]["companies"]
    assert bookmark["updated_at"] == bookmark["replication_key_value"]  # Stitch's key stays

    gone = set(fake.delete(companies=3)["companies"])
    second = sync_in_process(fake, {"companies"}, state=first.final_state, company_deletions=True)
    _, again = table_version(second.messages, "companies")
    # Nothing changed since the bookmark, yet every live company is in the new version.
    assert {r["id"] for r in again} == {r["id"] for r in records} - gone
    oracle.assert_ground_truth(fake, "companies", again, START)
    assert second.final_state["bookmarks"]["companies"]["updated_at"] == bookmark["updated_at"]
    assert len(second.queries_to("/companies/scroll")) == len(first.queries_to("/companies/scroll"))


def test_a_stitch_companies_bookmark_still_resumes_with_company_deletions(make_fake):
    fake = make_fake(scale="small", seed=22)
    middle = iso(median_version(fake, "companies"))
    stitch_state = {"bookmarks": {"companies": {"updated_at": middle}}}
    run = sync_in_process(fake, {"companies"}, state=stitch_state, company_deletions=True)
    _, records = table_version(run.messages, "companies")
    oracle.assert_ground_truth(fake, "companies", records, START)
    assert run.final_state["bookmarks"]["companies"]["updated_at"] >= middle


# --- broken scrolls ----------------------------------------------------------------------------


def _scroll_breaking_after(pages_per_attempt: list[int], page_size: int = 2):
    """A stand-in for `CompaniesStream._scroll`: attempt k reads `pages_per_attempt[k]` pages
    from the start, then breaks; the attempt after the last one reads to the end."""
    companies = [{"id": str(n)} for n in range(page_size * (max(pages_per_attempt) + 1))]
    pages = [companies[i : i + page_size] for i in range(0, len(companies), page_size)]
    attempts = iter(pages_per_attempt)

    def scroll(context):
        broken_after = next(attempts, None)
        for number, page in enumerate(pages):
            if broken_after is not None and number == broken_after:
                raise ScrollBrokenError("HTTP 500")
            yield page

    return scroll, companies


def test_restarts_that_read_further_each_time_do_not_run_out(fake_intercom):
    """A long scroll that breaks more than `MAX_SCROLL_RESTARTS` times still finishes when every
    restart reads companies no earlier attempt reached; each company is emitted once."""
    breaks = list(range(1, MAX_SCROLL_RESTARTS + 4))
    stream = tap_for(fake_intercom).streams["companies"]
    stream._scroll, companies = _scroll_breaking_after(breaks)
    assert [c["id"] for c in stream.parent_records(None)] == [c["id"] for c in companies]


def test_restarts_that_break_at_the_same_place_give_up_with_one_line(fake_intercom):
    stream = tap_for(fake_intercom).streams["companies"]
    stream._scroll, _ = _scroll_breaking_after([2] * (MAX_SCROLL_RESTARTS + 1))
    with pytest.raises(FatalAPIError) as failure:
        list(stream.parent_records(None))
    assert str(failure.value) == (
        f"companies: the scroll broke {MAX_SCROLL_RESTARTS + 1} times in a row without reading "
        "a new company, last: HTTP 500; re-run the sync later"
    )


@pytest.mark.parametrize(
    ("restarts", "read_new", "expected"), [(0, False, 1), (3, False, 4), (3, True, 1), (0, True, 1)]
)
def test_only_restarts_without_a_new_company_are_counted(restarts, read_new, expected):
    assert scroll_restarts_after_break(restarts, read_new=read_new) == expected
