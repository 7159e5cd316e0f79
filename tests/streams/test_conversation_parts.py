"""conversation_parts: every part of every changed conversation, one `GET /conversations/{id}` each.

A child of conversations: parts carry their conversation's id, times and part count; Intercom
returns only the 500 most recent parts (a warning names each conversation cut off). Its
bookmark is the last complete conversation's `updated_at`.
Code: `tap_intercom/streams/conversations.py` (`ConversationPartsStream`, `conversation_parts`);
schema: `schemas/conversation_parts.json`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from urllib.parse import urlparse

import pytest

from tap_intercom.schemas import stream_schema
from tap_intercom.streams.conversations import conversation_parts
from tests import oracle
from tests.in_process import InProcessRun, sync_in_process
from tests.streams.helpers import START, iso

DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
DATE_TIME = {"type": ["null", "string"], "format": "date-time"}


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"conversation_parts"})


# --- request ---------------------------------------------------------------------------------


def test_one_plaintext_detail_request_per_conversation(run, fake_intercom):
    conversations = oracle.truth_keys(fake_intercom, "conversations", START)
    details = [u for u in run.urls if urlparse(u).path != "/conversations/search"]
    paths = Counter(urlparse(u).path for u in details)
    assert set(paths) == {f"/conversations/{cid}" for (cid,) in conversations}
    assert set(paths.values()) == {1}
    assert all(urlparse(u).query == "display_as=plaintext" for u in details)


# --- transform -------------------------------------------------------------------------------


def test_parts_carry_their_conversation(caplog):
    conversation = {
        "id": 42,
        "created_at": 100,
        "updated_at": 200,
        "conversation_parts": {
            "type": "conversation_part.list",
            "conversation_parts": [{"id": 7, "part_type": "comment"}, "not a part"],
            "total_count": 1,
        },
    }
    logger = logging.getLogger("tests.conversation_parts")
    assert list(conversation_parts(conversation, logger)) == [
        {
            "id": "7",
            "part_type": "comment",
            "conversation_id": "42",
            "conversation_created_at": 100,
            "conversation_updated_at": 200,
            "conversation_total_parts": 1,
        }
    ]
    assert not caplog.records


def test_a_capped_conversation_is_named_in_a_warning(caplog):
    conversation = {
        "id": "9",
        "conversation_parts": {"conversation_parts": [{"id": "1"}, {"id": "2"}], "total_count": 5},
    }
    with caplog.at_level(logging.WARNING):
        parts = list(conversation_parts(conversation, logging.getLogger("tests.parts")))
    assert [p["conversation_total_parts"] for p in parts] == [5, 5]
    assert "conversation 9 has 5 parts; Intercom returned only the 2 most recent" in caplog.text


def test_schema_adds_the_conversation_fields():
    props = stream_schema("conversation_parts")["properties"]
    assert props["conversation_id"]["type"] == ["null", "string"]
    assert props["id"]["type"] == ["null", "string"]
    assert props["conversation_created_at"] == DATE_TIME
    assert props["conversation_updated_at"] == DATE_TIME
    assert props["conversation_total_parts"]["type"] == ["null", "integer"]


# --- records ---------------------------------------------------------------------------------


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    records = run.records("conversation_parts")
    oracle.assert_ground_truth(fake_intercom, "conversation_parts", records, START)


def test_long_conversations_are_capped_with_a_warning(run):
    records = run.records("conversation_parts")
    parts = Counter(r["conversation_id"] for r in records)
    truncated = [r for r in records if r["conversation_total_parts"] > 500]
    assert truncated, "the fake should have conversations with more than 500 parts"
    warnings = "\n".join(run.log_lines())
    for conversation_id in {r["conversation_id"] for r in truncated}:
        assert parts[conversation_id] == 500
        assert re.search(rf"conversation {conversation_id} has \d+ parts", warnings)
    for record in records:
        assert DATETIME_RE.match(record["conversation_updated_at"])
        assert isinstance(record["conversation_total_parts"], int)


def test_the_bookmark_is_the_newest_conversation(run, fake_intercom):
    _, conversations = oracle.truth(fake_intercom, "conversations", START)
    newest = max(c["updated_at"] for c in conversations)
    bookmark = run.final_state["bookmarks"]["conversation_parts"]
    assert bookmark["updated_at"] == iso(newest)
