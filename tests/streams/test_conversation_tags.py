"""conversation_tags: one row per tag on a conversation (key `conversation_id` + `tag_id`),
with the conversation's `updated_at` as `conversation_updated_at`.

Written by conversations from each conversation's inline `tags`, no request of its own. A
deleted conversation's links stay as they were: the conversation's tombstone
(`_sdc_deleted_at`) says they are gone. Code: `tap_intercom/streams/conversations.py`
(`ConversationTagsStream`), `tap_intercom/bridges.py`; schema: `schemas/conversation_tags.json`.
"""

from __future__ import annotations

import pytest

from tests.in_process import InProcessRun, sync_in_process, tap_for
from tests.streams import bridge_checks

BRIDGE = "conversation_tags"


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {BRIDGE})


def test_with_conversation_parts_both_children_are_written(fake_intercom):
    """A parent-bookmarked child and a bridge of one parent: each gets every parent."""
    both = sync_in_process(fake_intercom, {"conversation_parts", BRIDGE})
    alone = sync_in_process(fake_intercom, {"conversation_parts"})
    assert both.records("conversation_parts") == alone.records("conversation_parts")
    bridge_checks.check_alone(both, fake_intercom, BRIDGE)


def test_rows_of_one_conversation(fake_intercom):
    """The conversation as its transform leaves it: `tags` unwrapped from `tag.list`."""
    stream = tap_for(fake_intercom).streams[BRIDGE]
    conversation = {"id": 1000000001, "tags": [{"type": "tag", "id": "9000", "name": "vip"}]}
    assert stream.rows_of(conversation, "v") == [
        {"conversation_id": "1000000001", "tag_id": "9000", "conversation_updated_at": "v"}
    ]
