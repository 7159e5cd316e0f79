"""company_segments: one record per company-segment membership (key `company_id` + `id`).

A child of companies: the company's inline segment list, and only for a company without one
`GET /companies/{id}/segments`. Its bookmark is the last complete company's `updated_at`.
Code: `tap_intercom/streams/companies.py` (`CompanySegmentsStream`);
schema: `schemas/company_segments.json`.
"""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest
import requests

from tap_intercom.schemas import stream_schema
from tap_intercom.streams.companies import INLINE_SEGMENTS
from tests import oracle
from tests.in_process import InProcessRun, rewrite_body, sync_in_process, tap_for
from tests.streams.helpers import START, iso


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"company_segments"})


# --- request ---------------------------------------------------------------------------------


def test_inline_segments_need_no_request_of_their_own(run):
    paths = {urlparse(u).path for u in run.urls}
    assert paths == {"/companies/scroll"}


def test_a_company_without_inline_segments_has_them_fetched(fake_intercom):
    def drop_inline_segments(body: dict) -> None:
        for company in body["data"]:
            company.pop("segments", None)

    def hook(response: requests.Response) -> None:
        if urlparse(response.url).path == "/companies/scroll":
            rewrite_body(response, drop_inline_segments)

    run = sync_in_process(fake_intercom, {"company_segments"}, hook=hook)
    fetched = {urlparse(u).path for u in run.urls} - {"/companies/scroll"}
    companies = oracle.truth_keys(fake_intercom, "companies", START)
    assert fetched == {f"/companies/{company_id}/segments" for (company_id,) in companies}
    records = run.records("company_segments")
    oracle.assert_ground_truth(fake_intercom, "company_segments", records, START)


# --- transform -------------------------------------------------------------------------------


def test_each_segment_of_the_context_becomes_a_membership(fake_intercom):
    stream = tap_for(fake_intercom).streams["company_segments"]
    segments = [{"type": "segment", "id": "s1"}, "not a segment", {"type": "segment", "id": "s2"}]
    context = {"company_id": 7, "parent_updated_at": iso(5), INLINE_SEGMENTS: segments}
    assert list(stream.child_records(context)) == [
        {"type": "segment", "id": "s1", "company_id": "7"},
        {"type": "segment", "id": "s2", "company_id": "7"},
    ]


def test_schema_is_the_segments_schema_plus_the_company_id():
    props = stream_schema("company_segments")["properties"]
    assert set(props) == set(stream_schema("segments")["properties"]) | {"company_id"}
    assert props["company_id"]["type"] == ["null", "string"]


# --- records ---------------------------------------------------------------------------------


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    records = run.records("company_segments")
    oracle.assert_ground_truth(fake_intercom, "company_segments", records, START)
    assert all(isinstance(r["company_id"], str) and r["company_id"] for r in records)


def test_the_bookmark_is_the_newest_company(run, fake_intercom):
    _, companies = oracle.truth(fake_intercom, "companies", START)
    newest = max(c["updated_at"] for c in companies)
    bookmark = run.final_state["bookmarks"]["company_segments"]
    assert bookmark["updated_at"] == iso(newest)


def test_the_bookmark_never_passes_the_start_of_the_scroll(make_fake):
    """A company edited during the scroll, after the scroll passed it, is newer than the saved
    bookmark: the next run still expands it, although a company read later was newer still."""
    fake = make_fake(scale="small", seed=5, contacts=10, companies=30, conversations=5)
    fake.control(scroll_page_size=10)
    pages: list[float] = []

    def edit_second_page(response: requests.Response) -> None:
        if urlparse(response.url).path != "/companies/scroll":
            return
        pages.append(time.time())
        if len(pages) == 2:
            time.sleep(1.1)  # the newest company below is a later second than the first page

            def newest_now(body: dict) -> None:
                body["data"][0]["updated_at"] = int(time.time())

            rewrite_body(response, newest_now)

    run = sync_in_process(fake, {"company_segments"}, hook=edit_second_page)
    assert len(pages) >= 2
    saved = run.final_state["bookmarks"]["company_segments"]["updated_at"]
    # A company edited right after the first page was read (at `pages[0]`) is not behind it
    # (the next run's bound is the bookmark floored to the second).
    assert saved[:19] <= iso(int(pages[0]))[:19]
