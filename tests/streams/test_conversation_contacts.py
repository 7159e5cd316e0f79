"""conversation_contacts: one row per contact in a conversation (key `conversation_id` +
`contact_id`), with the conversation's `updated_at` as `conversation_updated_at`.

Written by conversations from each conversation's inline `contacts`, no request of its own. A
deleted conversation's links stay as they were, and its tombstone says they are gone. Code:
`tap_intercom/streams/conversations.py` (`ConversationContactsStream`),
`tap_intercom/bridges.py`; schema: `schemas/conversation_contacts.json`.
"""

from __future__ import annotations

import pytest

from tests import oracle
from tests.in_process import InProcessRun, sync_in_process, tap_for
from tests.streams.helpers import START

BRIDGE = "conversation_contacts"


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {BRIDGE})


def test_a_deleted_conversation_keeps_its_links_and_gets_a_tombstone(make_fake):
    fake = make_fake(scale="small", seed=4)
    first = sync_in_process(fake, {"conversations", BRIDGE})
    gone = set(fake.delete(conversations=2)["conversations"])
    second = sync_in_process(
        fake, {"conversations", BRIDGE}, state=first.final_state, deleted_conversations=True
    )
    tombstoned = {r["id"] for r in second.records("conversations") if r.get("_sdc_deleted_at")}
    assert tombstoned == gone
    assert not {r["conversation_id"] for r in second.records(BRIDGE)} & gone
    assert {r["conversation_id"] for r in first.records(BRIDGE)} >= gone
    live = oracle.truth_keys(fake, BRIDGE, START)
    assert not {key for key in live if key[0] in gone}


def test_rows_of_one_conversation(fake_intercom):
    stream = tap_for(fake_intercom).streams[BRIDGE]
    conversation = {"id": "1", "contacts": [{"type": "contact", "id": "c1", "external_id": "e"}]}
    assert stream.rows_of(conversation, "v") == [
        {"conversation_id": "1", "contact_id": "c1", "conversation_updated_at": "v"}
    ]
