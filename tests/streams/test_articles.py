"""articles: `GET /articles` (page-numbered, `updated_at` descending), filtered here.

No date filter in the API: every run reads from the newest article down and stops after the
first page entirely older than the bound.
Code: `tap_intercom/streams/help_center.py` (`ArticlesStream`, `StopWhenOlderPaginator`);
schema: `schemas/articles.json`.
"""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlparse

import pytest

from tap_intercom.streams.help_center import ArticlesStream
from tests import oracle
from tests.in_process import InProcessRun, sync_in_process, tap_for
from tests.streams.helpers import START, iso, median_version


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"articles"})


# --- request ---------------------------------------------------------------------------------


def test_asks_for_full_pages(run):
    assert run.queries_to("/articles") == [{"per_page": ["150"]}]


def test_articles_stop_paging_once_a_whole_page_is_older_than_the_bookmark(make_fake, monkeypatch):
    fake = make_fake(scale="small", seed=1)
    monkeypatch.setattr(ArticlesStream, "page_size", 4)
    articles = fake.dataset.articles  # the API's order: updated_at descending
    bookmark = articles[9]["updated_at"]
    state = {"bookmarks": {"articles": {"updated_at": iso(bookmark)}}}
    run = sync_in_process(fake, {"articles"}, state=state, start_date="2017-01-01T00:00:00Z")

    oracle.assert_ground_truth(fake, "articles", run.records("articles"), bookmark)
    newer = sum(1 for a in articles if a["updated_at"] >= bookmark)
    # Pages of 4: the pages holding newer articles, then one page entirely older; no more.
    expected_pages = math.ceil(newer / 4) + 1
    total_pages = math.ceil(len(articles) / 4)
    requests_made = run.requests_to("/articles")
    assert len(requests_made) == expected_pages < total_pages
    assert parse_qs(urlparse(requests_made[0]).query)["per_page"] == ["4"]


# --- transform -------------------------------------------------------------------------------


def test_records_older_than_the_bound_are_dropped(fake_intercom):
    stream = tap_for(fake_intercom, start_date=iso(2000)).streams["articles"]
    assert stream.post_process({"id": "1", "updated_at": 1999}) is None
    assert stream.post_process({"id": "2", "updated_at": 2000}) == {
        "id": "2",
        "updated_at": iso(2000),
    }


# --- records ---------------------------------------------------------------------------------


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    oracle.assert_ground_truth(fake_intercom, "articles", run.records("articles"), START)


def test_translated_content_of_every_locale(run, fake_intercom):
    articles = {r["id"]: r for r in run.records("articles")}
    translated = 0
    for raw in fake_intercom.dataset.articles:
        content = articles[raw["id"]]["translated_content"]
        assert set(content) == set(raw["translated_content"])
        for locale, value in raw["translated_content"].items():
            if isinstance(value, dict):
                assert content[locale]["title"] == value["title"]
                assert content[locale]["body"] == value["body"]
                assert content[locale]["updated_at"] == iso(value["updated_at"])
                translated += locale != "en"
    assert translated > 0


def test_a_bookmark_in_the_middle_beats_start_date(fake_intercom):
    """A bookmark (Stitch's shape) at the median record: exactly the records at/after it."""
    middle = median_version(fake_intercom, "articles")
    state = {"bookmarks": {"articles": {"updated_at": iso(middle)}}}
    run = sync_in_process(fake_intercom, {"articles"}, state=state, start_date=START)
    everything = oracle.truth_keys(fake_intercom, "articles", START)
    assert 0 < len(oracle.truth_keys(fake_intercom, "articles", middle)) < len(everything)
    oracle.assert_ground_truth(fake_intercom, "articles", run.records("articles"), middle)
