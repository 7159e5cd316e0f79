"""contact_tags: one row per tag on a contact (key `contact_id` + `tag_id`), with the contact's
`updated_at` as `contact_updated_at`.

Written by contacts from each contact's complete tag list (past the 10 inline entries, the
list contacts already reads), no request of its own; its bookmark is the newest contact
whose tags it wrote. Code: `tap_intercom/streams/contacts.py` (`ContactTagsStream`),
`tap_intercom/bridges.py`; schema: `schemas/contact_tags.json`.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests import oracle
from tests.in_process import InProcessRun, discovered_catalog, sync_in_process, tap_for
from tests.singer_run import select_streams
from tests.streams.helpers import START, iso

BRIDGE = "contact_tags"


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {BRIDGE})


def test_a_contact_with_more_than_ten_tags_has_every_one(run, fake_intercom):
    per_contact: dict[str, int] = {}
    for row in run.records(BRIDGE):
        per_contact[row["contact_id"]] = per_contact.get(row["contact_id"], 0) + 1
    assert max(per_contact.values()) > 10
    assert run.requests_to("/contacts/search")
    assert any(urlparse(u).path.endswith("/tags") for u in run.urls), "long lists not read"


def test_complete_even_with_the_contacts_tags_property_deselected(fake_intercom):
    catalog = select_streams(discovered_catalog(fake_intercom), {"contacts", BRIDGE})
    for stream in catalog["streams"]:
        if stream["tap_stream_id"] == "contacts":
            for entry in stream["metadata"]:
                if entry["breadcrumb"] == ["properties", "tags"]:
                    entry["metadata"]["selected"] = False
    run = sync_in_process(fake_intercom, None, catalog=catalog)
    assert all("tags" not in r for r in run.records("contacts"))
    oracle.assert_ground_truth(fake_intercom, BRIDGE, run.records(BRIDGE), START)


def test_the_bookmark_is_the_newest_contact(run, fake_intercom):
    _, contacts = oracle.truth(fake_intercom, "contacts", START)
    newest = max(c["updated_at"] for c in contacts)
    assert run.final_state["bookmarks"][BRIDGE]["contact_updated_at"] == iso(newest)


def test_a_resumed_run_starts_from_its_own_bookmark(run, fake_intercom):
    median = sorted(r["contact_updated_at"] for r in run.records(BRIDGE))[
        len(run.records(BRIDGE)) // 2
    ]
    state = {"bookmarks": {BRIDGE: {"contact_updated_at": median}}}
    resumed = sync_in_process(fake_intercom, {BRIDGE}, state=state)
    rows = resumed.records(BRIDGE)
    assert rows and all(r["contact_updated_at"] >= median for r in rows)
    oracle.assert_ground_truth(fake_intercom, BRIDGE, rows, median)


def test_rows_of_one_contact_from_its_complete_list(fake_intercom):
    """The contact as its transform leaves it: `tags` a bare list (inline or fetched)."""
    stream = tap_for(fake_intercom).streams[BRIDGE]
    contact = {"id": "c1", "tags": [{"type": "tag", "id": "7", "url": "/tags/7"}, {"id": 8}]}
    assert stream.rows_of(contact, "2024-01-02T03:04:05.000000Z") == [
        {"contact_id": "c1", "tag_id": "7", "contact_updated_at": "2024-01-02T03:04:05.000000Z"},
        {"contact_id": "c1", "tag_id": "8", "contact_updated_at": "2024-01-02T03:04:05.000000Z"},
    ]
    assert stream.rows_of({"id": "c2", "tags": []}, "x") == []
