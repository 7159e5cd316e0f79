"""conversation_teammates: one row per teammate (admin) of a conversation (key
`conversation_id` + `admin_id`), with the conversation's `updated_at` as
`conversation_updated_at`.

Written by conversations from each conversation's `teammates` list (`{"admins": [...]}`, or
`{"teammates": [...]}` as the spec names it), no request of its own. Code:
`tap_intercom/streams/conversations.py` (`ConversationTeammatesStream`),
`tap_intercom/bridges.py`; schema: `schemas/conversation_teammates.json`.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
import requests

from tests import oracle
from tests.in_process import InProcessRun, rewrite_body, sync_in_process, tap_for
from tests.streams.helpers import START

BRIDGE = "conversation_teammates"


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {BRIDGE})


def test_the_spec_s_teammates_key_gives_the_same_rows(fake_intercom, run):
    def spec_shape(body: dict) -> None:
        for conversation in body["conversations"]:
            teammates = conversation.get("teammates")
            if isinstance(teammates, dict):
                teammates["teammates"] = teammates.pop("admins")

    def hook(response: requests.Response) -> None:
        if urlparse(response.url).path == "/conversations/search":
            rewrite_body(response, spec_shape)

    spec = sync_in_process(fake_intercom, {BRIDGE}, hook=hook)
    assert spec.records(BRIDGE) == run.records(BRIDGE)
    oracle.assert_ground_truth(fake_intercom, BRIDGE, spec.records(BRIDGE), START)


def test_a_conversation_without_teammates_has_no_rows(run, fake_intercom):
    sparse = {
        str(1000000001 + i)
        for i in range(fake_intercom.dataset.conversations.count)
        if i % 19 == 11
    }
    assert sparse
    assert not {r["conversation_id"] for r in run.records(BRIDGE)} & sparse


def test_rows_of_one_conversation(fake_intercom):
    stream = tap_for(fake_intercom).streams[BRIDGE]
    teammates = {"type": "admin.list", "admins": [{"type": "admin", "id": 991267400}]}
    assert stream.rows_of({"id": "1", "teammates": teammates}, "v") == [
        {"conversation_id": "1", "admin_id": "991267400", "conversation_updated_at": "v"}
    ]
    assert stream.rows_of({"id": "1", "teammates": None}, "v") == []
