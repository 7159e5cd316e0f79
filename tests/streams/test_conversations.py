"""conversations: `POST /conversations/search`, `updated_at` > OR = the bound, ascending.

The parent of conversation_parts: the query asks from the lowest bound anything selected needs.
Code: `tap_intercom/streams/conversations.py` (`ConversationsStream`, `normalize_teammates`),
the search loop in `tap_intercom/search.py`; schema: `schemas/conversations.json`.
"""

from __future__ import annotations

import pytest

from tap_intercom.schemas import stream_schema
from tap_intercom.streams.conversations import normalize_teammates
from tests import oracle
from tests.in_process import InProcessRun, discovered_catalog, sync_in_process, tap_for
from tests.singer_run import select_streams
from tests.streams.helpers import START, iso, median_version

PARENT_BOOKMARK = 1_700_000_000
CHILD_BOOKMARK = 1_600_000_000
STATE = {
    "bookmarks": {
        "conversations": {"updated_at": iso(PARENT_BOOKMARK)},
        "conversation_parts": {"updated_at": iso(CHILD_BOOKMARK)},
    }
}


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"conversations"})


# --- request ---------------------------------------------------------------------------------


def _query_bound(fake, selected: set[str]) -> int:
    catalog = select_streams(discovered_catalog(fake), selected)
    stream = tap_for(fake, state=STATE, catalog=catalog).streams["conversations"]
    payload = stream.prepare_request_payload(None, None)
    assert payload["sort"] == {"field": "updated_at", "order": "ascending"}
    greater, equal = payload["query"]["value"]
    assert payload["query"]["operator"] == "OR"
    assert (greater["operator"], equal["operator"]) == (">", "=")
    assert greater["value"] == equal["value"]
    return greater["value"]


def test_search_asks_from_the_conversations_bookmark(fake_intercom):
    assert _query_bound(fake_intercom, {"conversations"}) == PARENT_BOOKMARK


def test_search_asks_from_an_older_child_bookmark_when_parts_are_selected(fake_intercom):
    both = {"conversations", "conversation_parts"}
    assert _query_bound(fake_intercom, both) == CHILD_BOOKMARK
    assert _query_bound(fake_intercom, {"conversation_parts"}) == CHILD_BOOKMARK


# --- transform -------------------------------------------------------------------------------


def test_teammates_under_the_specs_name_are_also_under_admins():
    listed = [{"type": "admin", "id": "1"}]
    assert normalize_teammates({"type": "admin.list", "teammates": listed}) == {
        "type": "admin.list",
        "teammates": listed,
        "admins": listed,
    }
    as_sent = {"type": "admin.list", "admins": listed}
    assert normalize_teammates(as_sent) == as_sent
    assert normalize_teammates(None) is None


def test_tag_and_contact_lists_are_denested(fake_intercom):
    stream = tap_for(fake_intercom).streams["conversations"]
    tag = {"type": "tag", "id": "9000", "name": "vip"}
    contact = {"type": "contact", "id": "65", "external_id": "ext-0"}
    raw = {
        "id": "1",
        "tags": {"type": "tag.list", "tags": [tag]},
        "contacts": {"type": "contact.list", "contacts": [contact]},
        "teammates": {"type": "admin.list", "teammates": []},
    }
    record = stream.transform_record(raw, None)
    assert record["tags"] == [tag]
    assert record["contacts"] == [contact]
    assert record["teammates"]["admins"] == []


def test_schema_denests_lists_and_keeps_teammates_an_object():
    props = stream_schema("conversations")["properties"]
    for field in ("tags", "contacts"):
        assert set(props[field]["type"]) == {"null", "array"}, field
        assert "id" in props[field]["items"]["properties"], field
    assert "object" in props["teammates"]["type"]
    assert "array" in props["teammates"]["properties"]["admins"]["type"]
    assert props["custom_attributes"] == {
        "type": ["null", "object"],
        "additionalProperties": True,
        "properties": {},
    }


# --- records ---------------------------------------------------------------------------------


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    records = run.records("conversations")
    oracle.assert_ground_truth(fake_intercom, "conversations", records, START)


def test_records_are_stitch_shaped(run):
    records = run.records("conversations")
    assert records
    for record in records:
        assert isinstance(record["tags"], list), record["id"]
        assert isinstance(record["contacts"], list), record["id"]
        teammates = record["teammates"]
        assert teammates is None or isinstance(teammates["admins"], list), record["id"]
    assert any(r["teammates"] for r in records)


def test_a_start_date_in_the_middle_keeps_only_what_is_newer(fake_intercom):
    middle = median_version(fake_intercom, "conversations")
    run = sync_in_process(fake_intercom, {"conversations"}, start_date=iso(middle))
    records = run.records("conversations")
    assert 0 < len(records) < len(oracle.truth_keys(fake_intercom, "conversations", START))
    oracle.assert_ground_truth(fake_intercom, "conversations", records, middle)
