"""ticket_parts: every part of every changed ticket, one `GET /tickets/{id}` each.

A child of tickets: parts carry their ticket's id, `updated_at` and part count; Intercom returns
only the 500 most recent parts (a warning names each ticket cut off). Its bookmark is the last
complete ticket's `updated_at`; the detail requests run on the worker pool.
Code: `tap_intercom/streams/tickets.py` (`TicketPartsStream`, `ticket_parts`),
`tap_intercom/detail_children.py`; schema: `schemas/ticket_parts.json`.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from urllib.parse import urlparse

import pytest

from tap_intercom.schemas import stream_schema
from tap_intercom.streams.tickets import ticket_parts
from tests import oracle
from tests.in_process import InProcessRun, sync_in_process
from tests.streams.helpers import START, iso, median_version

DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
DATE_TIME = {"type": ["null", "string"], "format": "date-time"}


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"ticket_parts"}, concurrency=4)


# --- request ---------------------------------------------------------------------------------


def test_one_detail_request_per_changed_ticket(run, fake_intercom):
    tickets = oracle.truth_keys(fake_intercom, "tickets", START)
    details = [u for u in run.urls if urlparse(u).path.startswith("/tickets/")]
    paths = Counter(urlparse(u).path for u in details if urlparse(u).path != "/tickets/search")
    assert set(paths) == {f"/tickets/{tid}" for (tid,) in tickets}
    assert set(paths.values()) == {1}


def test_details_run_on_the_worker_pool(fake_intercom):
    seen: set[str] = set()

    def hook(response):
        if urlparse(response.url).path != "/tickets/search":
            seen.add(threading.current_thread().name)

    sync_in_process(fake_intercom, {"ticket_parts"}, concurrency=4, hook=hook)
    assert any(name.startswith("tap-intercom-worker") for name in seen), seen


def test_a_bookmark_in_the_middle_asks_only_for_newer_tickets(fake_intercom):
    middle = median_version(fake_intercom, "tickets")
    state = {"bookmarks": {"ticket_parts": {"updated_at": iso(middle)}}}
    run = sync_in_process(fake_intercom, {"ticket_parts"}, state=state)
    asked = {urlparse(u).path for u in run.urls if urlparse(u).path != "/tickets/search"}
    newer = oracle.truth_keys(fake_intercom, "tickets", middle)
    assert asked == {f"/tickets/{tid}" for (tid,) in newer}
    oracle.assert_ground_truth(fake_intercom, "ticket_parts", run.records("ticket_parts"), middle)


# --- transform -------------------------------------------------------------------------------


def test_parts_carry_their_ticket(caplog):
    ticket = {
        "id": 42,
        "updated_at": 200,
        "ticket_parts": {
            "type": "ticket_part.list",
            "ticket_parts": [{"id": 7, "part_type": "comment"}, "not a part"],
            "total_count": 1,
        },
    }
    assert list(ticket_parts(ticket, logging.getLogger("tests.ticket_parts"))) == [
        {
            "id": "7",
            "part_type": "comment",
            "ticket_id": "42",
            "ticket_updated_at": 200,
            "ticket_total_parts": 1,
        }
    ]
    assert not caplog.records


def test_a_ticket_without_parts_has_none():
    logger = logging.getLogger("tests.ticket_parts")
    assert list(ticket_parts({"id": "1"}, logger)) == []
    assert list(ticket_parts({"id": "1", "ticket_parts": None}, logger)) == []


def test_a_capped_ticket_is_named_in_a_warning(caplog):
    ticket = {
        "id": "9",
        "ticket_parts": {"ticket_parts": [{"id": "1"}, {"id": "2"}], "total_count": 5},
    }
    with caplog.at_level(logging.WARNING):
        parts = list(ticket_parts(ticket, logging.getLogger("tests.ticket_parts")))
    assert [p["ticket_total_parts"] for p in parts] == [5, 5]
    assert "ticket 9 has 5 parts; Intercom returned only the 2 most recent" in caplog.text


def test_schema_adds_the_ticket_fields():
    props = stream_schema("ticket_parts")["properties"]
    assert props["ticket_id"]["type"] == ["null", "string"]
    assert props["id"]["type"] == ["null", "string"]
    assert props["ticket_updated_at"] == DATE_TIME
    assert props["updated_at"] == DATE_TIME
    assert props["ticket_total_parts"]["type"] == ["null", "integer"]


# --- records ---------------------------------------------------------------------------------


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    oracle.assert_ground_truth(fake_intercom, "ticket_parts", run.records("ticket_parts"), START)


def test_records_match_the_ticket_detail(run, fake_intercom):
    data = fake_intercom.dataset
    records = {r["id"]: r for r in run.records("ticket_parts")}
    detail = data.ticket(5, with_parts=True)
    for part in detail["ticket_parts"]["ticket_parts"]:
        record = records[part["id"]]
        assert record["ticket_id"] == detail["id"]
        assert record["ticket_updated_at"] == iso(detail["updated_at"])
        assert record["created_at"] == iso(part["created_at"])
        assert record["author"] == part["author"]


def test_long_tickets_are_capped_with_a_warning(run):
    records = run.records("ticket_parts")
    parts = Counter(r["ticket_id"] for r in records)
    truncated = {r["ticket_id"] for r in records if r["ticket_total_parts"] > 500}
    assert truncated, "the fake should have tickets with more than 500 parts"
    warnings = "\n".join(run.log_lines())
    for ticket_id in truncated:
        assert parts[ticket_id] == 500
        assert re.search(rf"ticket {ticket_id} has \d+ parts", warnings)
    assert all(DATETIME_RE.match(r["ticket_updated_at"]) for r in records)


def test_the_bookmark_is_the_newest_ticket(run, fake_intercom):
    _, tickets = oracle.truth(fake_intercom, "tickets", START)
    newest = max(t["updated_at"] for t in tickets)
    assert run.final_state["bookmarks"]["ticket_parts"]["updated_at"] == iso(newest)


def test_a_ticket_deleted_after_the_search_is_skipped_with_a_warning(make_fake):
    fake = make_fake(scale="small", seed=1)
    gone = "/tickets/" + fake.dataset.ticket(5)["id"]
    run = sync_in_process(
        fake, {"ticket_parts"}, hook=lambda r: _as_404(r) if urlparse(r.url).path == gone else None
    )
    assert not [r for r in run.records("ticket_parts") if "/tickets/" + r["ticket_id"] == gone]
    assert any("was deleted after it was found" in line for line in run.log_lines())


def _as_404(response) -> None:
    """The ticket is gone by the time its detail is asked for (Intercom answers 404)."""
    response.status_code = 404
    response._content = b'{"type":"error.list","errors":[{"code":"ticket_not_found"}]}'
