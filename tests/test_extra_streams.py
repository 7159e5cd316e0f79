"""The streams Stitch lacks (data_attributes, articles, collections, help_centers, tickets,
activity_logs), against the fake Intercom API over real HTTP, checked against its ground truth.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

import jsonschema
import pendulum
import pytest
import requests

from fake_intercom import DATA_NOW, FakeIntercom
from tap_intercom.streams.help_center import ArticlesStream
from tap_intercom.tap import TapIntercom
from tests.singer_run import base_config, discover, keys_of, run_tap, select_streams

EXTRA_STREAMS = [
    "data_attributes",
    "articles",
    "collections",
    "help_centers",
    "tickets",
    "activity_logs",
]
EXPECTED = {
    # stream: (key_properties, replication_key)
    "data_attributes": (["model", "name"], None),
    "articles": (["id"], "updated_at"),
    "collections": (["id"], None),
    "help_centers": (["id"], None),
    "tickets": (["id"], "updated_at"),
    "activity_logs": (["id"], "created_at"),
}
FULL_TABLE = {name for name, (_, rk) in EXPECTED.items() if rk is None}
#: Before every article, ticket and activity log of the fake (articles start in mid-2017).
START_DATE = "2017-01-01T00:00:00Z"


def ground_truth_keys(fake: FakeIntercom, stream: str, start: str | int | None) -> set[tuple]:
    truth = fake.ground_truth(stream, start_date=None if stream in FULL_TABLE else start)
    assert truth["key_properties"] == EXPECTED[stream][0]
    return set(keys_of(truth["records"], truth["key_properties"]))


def assert_exact(records: list[dict], expected: set[tuple], stream: str) -> None:
    keys = keys_of(records, EXPECTED[stream][0])
    missing = expected - set(keys)
    unexpected = set(keys) - expected
    assert not missing, f"{stream}: {len(missing)} missing, e.g. {sorted(missing)[:3]}"
    assert not unexpected, f"{stream}: {len(unexpected)} unexpected, e.g. {sorted(unexpected)[:3]}"
    assert len(keys) == len(set(keys)), f"{stream}: duplicate records"


# --- in-process runs ----------------------------------------------------------------------


class InProcessRun:
    """Singer messages of one in-process `sync_all`, and every HTTP request it made."""

    def __init__(self, messages: list[dict], urls: list[str]) -> None:
        self.messages = messages
        self.urls = urls

    def records(self, stream: str) -> list[dict]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    @property
    def final_state(self) -> dict:
        states = [m["value"] for m in self.messages if m["type"] == "STATE"]
        assert states
        return states[-1]

    def requests_to(self, path: str) -> list[str]:
        return [u for u in self.urls if urlparse(u).path == path]


ResponseHook = Callable[[requests.Response], None]


def run_in_process(
    fake: FakeIntercom,
    streams: set[str],
    *,
    start_date: str = START_DATE,
    state: dict | None = None,
    hook: ResponseHook | None = None,
) -> InProcessRun:
    """Sync `streams` with TapIntercom in this process; `hook` may edit each response body."""
    config = base_config(fake.base_url, start_date=start_date)
    catalog = TapIntercom(config=config, parse_env_config=False).catalog_dict
    tap = TapIntercom(
        config=config,
        catalog=select_streams(catalog, streams),
        state=state or {},
        parse_env_config=False,
    )
    urls: list[str] = []

    def on_response(response: requests.Response, *args: object, **kwargs: object) -> None:
        urls.append(response.url)
        if hook is not None and response.status_code == 200:
            hook(response)

    tap.run.session.hooks["response"].append(on_response)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        tap.sync_all()
    messages = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return InProcessRun(messages, urls)


def rewrite_body(response: requests.Response, edit: Callable[[dict], None]) -> None:
    body = response.json()
    edit(body)
    response._content = json.dumps(body).encode()


# --- CLI runs (discovery, full sync, second sync) -------------------------------------------


@pytest.fixture(scope="module")
def catalog(fake_intercom: FakeIntercom) -> dict:
    return discover(base_config(fake_intercom.base_url, start_date=START_DATE))


@pytest.fixture(scope="module")
def full_run(fake_intercom: FakeIntercom, catalog: dict):
    run = run_tap(
        base_config(fake_intercom.base_url, start_date=START_DATE),
        catalog=select_streams(catalog, set(EXTRA_STREAMS)),
    )
    assert run.returncode == 0, run.stderr[-4000:]
    return run


def test_discovery_lists_extra_streams_with_stitch_metadata(catalog):
    names = [entry["tap_stream_id"] for entry in catalog["streams"]]
    assert names[-len(EXTRA_STREAMS) :] == EXTRA_STREAMS
    assert names.index("teams") == len(names) - len(EXTRA_STREAMS) - 1
    entries = {entry["tap_stream_id"]: entry for entry in catalog["streams"]}
    for name in EXTRA_STREAMS:
        keys, replication_key = EXPECTED[name]
        entry = entries[name]
        assert entry["key_properties"] == keys
        assert entry["metadata"][0]["breadcrumb"] == [], f"{name}: root metadata not first"
        root = entry["metadata"][0]["metadata"]
        assert root["table-key-properties"] == keys
        assert root["forced-replication-method"] == (
            "INCREMENTAL" if replication_key else "FULL_TABLE"
        )
        assert root["valid-replication-keys"] == ([replication_key] if replication_key else [])
        assert root["inclusion"] == "available"
        assert root["selected-by-default"] is True
        assert "selected" not in root
        assert "replication-key" not in root
        breadcrumbs = [m["breadcrumb"] for m in entry["metadata"][1:]]
        assert all(len(b) == 2 and b[0] == "properties" for b in breadcrumbs), name
        assert {b[1] for b in breadcrumbs} == set(entry["schema"]["properties"])
        automatic = {
            m["breadcrumb"][1]
            for m in entry["metadata"][1:]
            if m["metadata"]["inclusion"] == "automatic"
        }
        assert automatic == {*keys, *([replication_key] if replication_key else [])}
    # activity-log metadata depends on the activity type: an untyped object.
    metadata_schema = entries["activity_logs"]["schema"]["properties"]["metadata"]
    assert metadata_schema.get("additionalProperties") is True
    assert "properties" not in metadata_schema


def test_full_sync_emits_exactly_the_ground_truth(fake_intercom, full_run):
    for stream in EXTRA_STREAMS:
        expected = ground_truth_keys(fake_intercom, stream, START_DATE)
        assert expected, f"{stream}: the fake has no data (test would prove nothing)"
        assert_exact(full_run.records(stream), expected, stream)
    assert full_run.streams_emitted() == set(EXTRA_STREAMS)
    assert "was dropped" not in full_run.stderr
    assert "is not valid" not in full_run.stderr


def test_full_sync_records_match_their_schema_and_the_api(fake_intercom, full_run):
    schemas = full_run.schemas()
    for stream in EXTRA_STREAMS:
        validator = jsonschema.Draft4Validator(
            schemas[stream]["schema"], format_checker=jsonschema.FormatChecker()
        )
        for record in full_run.records(stream):
            validator.validate(record)
    data = fake_intercom.dataset

    # data_attributes: every model, archived ones included, all fields kept.
    attributes = {(r["model"], r["name"]): r for r in full_run.records("data_attributes")}
    assert {model for model, _ in attributes} == {"contact", "company", "conversation"}
    for model, raw_list in data.data_attributes.items():
        for raw in raw_list:
            record = attributes[(model, raw["name"])]
            for field in ("custom", "archived", "data_type", "full_name", "options", "id"):
                assert record.get(field) == raw.get(field), (model, raw["name"], field)
    assert any(r["archived"] for r in attributes.values())
    assert any(r.get("options") for r in attributes.values())

    # articles: translated content of every locale.
    articles = {r["id"]: r for r in full_run.records("articles")}
    translated = 0
    for raw in data.articles:
        content = articles[raw["id"]]["translated_content"]
        assert set(content) == set(raw["translated_content"])
        for locale, value in raw["translated_content"].items():
            if isinstance(value, dict):
                assert content[locale]["title"] == value["title"]
                assert content[locale]["body"] == value["body"]
                assert content[locale]["updated_at"] == _iso(value["updated_at"])
                translated += locale != "en"
    assert translated > 0

    # collections: nested ones (sections) are there.
    collections = full_run.records("collections")
    assert any(c["parent_id"] for c in collections)
    assert any(c["parent_id"] is None for c in collections)

    # tickets: contacts unwrapped, attribute values keep their JSON type.
    tickets = full_run.records("tickets")
    raw_ticket = data.ticket(int(tickets[0]["id"]) - int(data.ticket(0)["id"]))
    ticket = next(t for t in tickets if t["id"] == raw_ticket["id"])
    assert ticket["contacts"] == raw_ticket["contacts"]["contacts"]
    assert ticket["ticket_attributes"] == raw_ticket["ticket_attributes"]
    assert ticket["updated_at"] == _iso(raw_ticket["updated_at"])

    # activity_logs: metadata passes through untouched (expired_at stays an ISO string).
    raw_logs = {a["id"]: a for a in data.activity_logs}
    for record in full_run.records("activity_logs"):
        raw = raw_logs[record["id"]]
        assert record["metadata"] == raw["metadata"]
        assert record["created_at"] == _iso(raw["created_at"])
        assert record["performed_by"] == raw["performed_by"]


def _iso(epoch: int) -> str:
    return pendulum.from_timestamp(epoch, tz="UTC").format("YYYY-MM-DDTHH:mm:ss.SSSSSS[Z]")


def test_second_run_with_the_final_state_is_incremental(fake_intercom, catalog, full_run):
    state = full_run.final_state
    bookmarks = state["bookmarks"]
    assert set(bookmarks) == {"articles", "tickets", "activity_logs"}
    second = run_tap(
        base_config(fake_intercom.base_url, start_date=START_DATE),
        catalog=select_streams(catalog, set(EXTRA_STREAMS)),
        state=state,
    )
    assert second.returncode == 0, second.stderr[-4000:]
    for stream in EXTRA_STREAMS:
        replication_key = EXPECTED[stream][1]
        if replication_key is None:
            expected = ground_truth_keys(fake_intercom, stream, None)
        else:
            bookmark = bookmarks[stream]["replication_key_value"]
            expected = ground_truth_keys(fake_intercom, stream, bookmark)
            first = ground_truth_keys(fake_intercom, stream, START_DATE)
            assert len(expected) < len(first), f"{stream}: the second run is not smaller"
            for record in second.records(stream):
                assert record[replication_key] >= bookmark
        assert_exact(second.records(stream), expected, stream)
    assert second.final_state["bookmarks"] == bookmarks


def test_a_bookmark_in_the_middle_beats_start_date(fake_intercom):
    """Bookmarks (Stitch's shape) at the median record: exactly the records at/after it."""
    middles: dict[str, int] = {}
    for stream in ("articles", "tickets", "activity_logs"):
        values = sorted(r["updated_at"] for r in fake_intercom.ground_truth(stream)["records"])
        middles[stream] = values[len(values) // 2]
    state = {
        "bookmarks": {
            "articles": {"updated_at": _iso(middles["articles"])},
            "tickets": {"updated_at": _iso(middles["tickets"])},
            "activity_logs": {"created_at": _iso(middles["activity_logs"])},
        }
    }
    run = run_in_process(fake_intercom, set(middles), state=state)
    for stream, middle in middles.items():
        expected = ground_truth_keys(fake_intercom, stream, middle)
        everything = ground_truth_keys(fake_intercom, stream, START_DATE)
        assert 0 < len(expected) < len(everything)
        assert_exact(run.records(stream), expected, stream)


def test_articles_stop_paging_once_a_whole_page_is_older_than_the_bookmark(make_fake, monkeypatch):
    fake = make_fake(scale="small", seed=1)
    monkeypatch.setattr(ArticlesStream, "page_size", 4)
    articles = fake.dataset.articles  # the API's order: updated_at descending
    bookmark = articles[9]["updated_at"]
    state = {"bookmarks": {"articles": {"updated_at": _iso(bookmark)}}}
    run = run_in_process(fake, {"articles"}, state=state)

    assert_exact(run.records("articles"), ground_truth_keys(fake, "articles", bookmark), "articles")
    newer = sum(1 for a in articles if a["updated_at"] >= bookmark)
    # Pages of 4: the pages holding newer articles, then one page entirely older; no more.
    expected_pages = math.ceil(newer / 4) + 1
    total_pages = math.ceil(len(articles) / 4)
    requests_made = run.requests_to("/articles")
    assert len(requests_made) == expected_pages < total_pages
    assert parse_qs(urlparse(requests_made[0]).query)["per_page"] == ["4"]


def test_tickets_forbidden_skips_only_that_stream_with_a_warning(make_fake, catalog):
    fake = make_fake(scale="small", seed=1)
    fake.control(forbidden=["/tickets"])
    run = run_tap(
        base_config(fake.base_url, start_date=START_DATE),
        catalog=select_streams(catalog, set(EXTRA_STREAMS)),
    )
    assert run.returncode == 0, run.stderr[-4000:]
    assert run.records("tickets") == []
    warnings = [line for line in run.stderr.splitlines() if "WARNING" in line and "403" in line]
    assert any("'tickets'" in line for line in warnings), run.stderr[-4000:]
    assert fake.stats()["responses_by_status"].get("403", 0) >= 1
    for stream in EXTRA_STREAMS:
        if stream != "tickets":
            assert_exact(run.records(stream), ground_truth_keys(fake, stream, START_DATE), stream)
    assert "tickets" not in run.final_state.get("bookmarks", {})


def test_forbidden_activity_logs_stop_after_the_first_window(make_fake, caplog):
    """A 403 skips the stream once, with one request and one warning."""
    fake = make_fake(scale="small", seed=1)
    fake.control(forbidden=["/admins/activity_logs"])
    with caplog.at_level("WARNING"):
        run = run_in_process(fake, {"activity_logs", "help_centers"})
    assert run.records("activity_logs") == []
    assert len(run.requests_to("/admins/activity_logs")) == 1
    skips = [
        r.getMessage()
        for r in caplog.records
        if "Skipping stream 'activity_logs'" in r.getMessage()
    ]
    assert len(skips) == 1
    assert_exact(
        run.records("help_centers"), ground_truth_keys(fake, "help_centers", None), "help_centers"
    )


def _next_as_relative(body: dict) -> None:
    nxt = body.get("pages", {}).get("next")
    if isinstance(nxt, str):
        parsed = urlparse(nxt)
        body["pages"]["next"] = f"{parsed.path}?{parsed.query}"


def _next_as_page_object(body: dict) -> None:
    nxt = body.get("pages", {}).get("next")
    if isinstance(nxt, str):
        body["pages"]["next"] = {"page": int(parse_qs(urlparse(nxt).query)["page"][0])}


def _next_missing_at_end(body: dict) -> None:
    pages = body.get("pages", {})
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
        if edit is not None and urlparse(response.url).path == "/admins/activity_logs":
            rewrite_body(response, edit)

    run = run_in_process(fake_intercom, {"activity_logs"}, start_date=_iso(start), hook=hook)
    expected = ground_truth_keys(fake_intercom, "activity_logs", start)
    assert len(expected) > 40  # more than two pages of 20
    assert_exact(run.records("activity_logs"), expected, "activity_logs")
    pages = [parse_qs(urlparse(u).query) for u in run.requests_to("/admins/activity_logs")]
    assert any(q.get("page") == ["2"] for q in pages)
    # Every follow-up page stays inside the range.
    assert all("created_at_after" in q and "created_at_before" in q for q in pages)


def test_data_attributes_take_the_requested_model_when_the_api_omits_it(fake_intercom):
    def hook(response: requests.Response) -> None:
        if urlparse(response.url).path == "/data_attributes":

            def strip(body: dict) -> None:
                for item in body.get("data", []):
                    item.pop("model", None)

            rewrite_body(response, strip)

    run = run_in_process(fake_intercom, {"data_attributes"}, hook=hook)
    assert_exact(
        run.records("data_attributes"),
        ground_truth_keys(fake_intercom, "data_attributes", None),
        "data_attributes",
    )
    requested = sorted(
        parse_qs(urlparse(u).query)["model"][0] for u in run.requests_to("/data_attributes")
    )
    # One request per model (plus the tap's own custom-attribute discovery, also per model).
    assert set(requested) == {"contact", "company", "conversation"}
    for url in run.requests_to("/data_attributes"):
        assert parse_qs(urlparse(url).query)["include_archived"] == ["true"]
