"""activity_logs: requests follow the logs, not the calendar.

One range from the bound (bookmark or start_date) to the sync's start, read page by page
through `pages.next`: a 2015 start with two logs is one request, not one per 30 days.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from urllib.parse import parse_qs, urlparse

import pendulum
import requests

from fake_intercom import FakeIntercom
from tap_intercom.tap import TapIntercom
from tests.singer_run import base_config, select_streams

START_2015 = "2015-01-01T00:00:00Z"
#: The fake's page size for activity logs (the tap asks for the endpoint's default).
DEFAULT_PAGE = 20


def _iso(epoch: int) -> str:
    return pendulum.from_timestamp(epoch, tz="UTC").format("YYYY-MM-DDTHH:mm:ss.SSSSSS[Z]")


def _sync(fake: FakeIntercom, start_date: str, state: dict | None = None) -> tuple[list, list]:
    """(messages, activity-log request queries) of an in-process sync of activity_logs."""
    config = base_config(fake.base_url, start_date=start_date)
    catalog = select_streams(
        TapIntercom(config=config, parse_env_config=False).catalog_dict, {"activity_logs"}
    )
    tap = TapIntercom(config=config, catalog=catalog, state=state or {}, parse_env_config=False)
    queries: list[dict] = []

    def on_response(response: requests.Response, *args: object, **kwargs: object) -> None:
        url = urlparse(response.url)
        if url.path == "/admins/activity_logs":
            queries.append(parse_qs(url.query))

    tap.run.session.hooks["response"].append(on_response)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        tap.sync_all()
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()], queries


def _records(messages: list) -> list[dict]:
    return [m["record"] for m in messages if m["type"] == "RECORD"]


def _final_bookmark(messages: list) -> str:
    states = [m["value"] for m in messages if m["type"] == "STATE"]
    return states[-1]["bookmarks"]["activity_logs"]["replication_key_value"]


def test_two_logs_from_a_2015_start_take_one_request(make_fake) -> None:
    fake = make_fake(activity_logs=2)
    messages, queries = _sync(fake, START_2015)
    assert len(_records(messages)) == 2
    assert len(queries) == 1
    assert fake.stats()["requests_by_endpoint"]["GET /admins/activity_logs"] == 1
    assert queries[0]["created_at_after"] == [str(pendulum.parse(START_2015).int_timestamp - 1)]


def test_every_log_in_pages_of_the_endpoint_with_one_range(make_fake) -> None:
    fake = make_fake(activity_logs=130)
    before = int(pendulum.now("UTC").int_timestamp)
    messages, queries = _sync(fake, START_2015)
    after = int(pendulum.now("UTC").int_timestamp)
    logs = fake.dataset.activity_logs
    assert sorted(r["id"] for r in _records(messages)) == sorted(a["id"] for a in logs)
    assert len(queries) == math.ceil(len(logs) / DEFAULT_PAGE)  # 7 pages, not ~140 windows
    ranges = {(q["created_at_after"][0], q["created_at_before"][0]) for q in queries}
    assert len(ranges) == 1  # every page of the same range
    ((low, high),) = ranges
    assert int(low) == pendulum.parse(START_2015).int_timestamp - 1
    assert before + 1 <= int(high) <= after + 1
    assert _final_bookmark(messages) == _iso(max(a["created_at"] for a in logs))


def test_a_bookmark_starts_the_range_and_older_logs_are_not_emitted(make_fake) -> None:
    fake = make_fake(activity_logs=130)
    logs = sorted(fake.dataset.activity_logs, key=lambda a: a["created_at"])
    middle = logs[len(logs) // 2]["created_at"]
    state = {"bookmarks": {"activity_logs": {"created_at": _iso(middle)}}}
    messages, queries = _sync(fake, START_2015, state)
    expected = {a["id"] for a in logs if a["created_at"] >= middle}
    assert {r["id"] for r in _records(messages)} == expected
    assert {q["created_at_after"][0] for q in queries} == {str(middle - 1)}
    assert len(queries) == math.ceil(
        sum(middle - 1 <= a["created_at"] for a in logs) / DEFAULT_PAGE
    )
