"""conversation_tags: one row per tag on a conversation (key `conversation_id` + `tag_id`),
with the conversation's `updated_at` as `conversation_updated_at`.

Written by conversations from each conversation's inline `tags`, no request of its own. A
deleted conversation's links stay as they were: the conversation's tombstone
(`_sdc_deleted_at`) says they are gone. Code: `tap_intercom/streams/conversations.py`
(`ConversationTagsStream`), `tap_intercom/bridges.py`; schema: `schemas/conversation_tags.json`.
"""

from __future__ import annotations

import pytest

from tests.in_process import InProcessRun, sync_in_process
from tests.streams import bridge_checks

BRIDGE = "conversation_tags"


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {BRIDGE})


def test_no_request_of_its_own(fake_intercom):
    bridge_checks.check_no_extra_request(fake_intercom, BRIDGE)


def test_deselected_it_does_nothing(fake_intercom):
    bridge_checks.check_deselected_bridge_does_nothing(fake_intercom, BRIDGE)


def test_schema():
    bridge_checks.check_schema(BRIDGE)


def test_alone_its_rows_are_the_ground_truth(run, fake_intercom):
    bridge_checks.check_alone(run, fake_intercom, BRIDGE)


def test_rows_carry_the_conversation_version(fake_intercom):
    bridge_checks.check_rows_carry_the_parent_version(fake_intercom, BRIDGE)


def test_removed_links_are_not_current(make_fake):
    bridge_checks.check_removed_links_are_not_current(make_fake, BRIDGE)


def test_with_conversation_parts_both_children_are_written(fake_intercom):
    """A parent-bookmarked child and a bridge of one parent: each gets every parent."""
    both = sync_in_process(fake_intercom, {"conversation_parts", BRIDGE})
    alone = sync_in_process(fake_intercom, {"conversation_parts"})
    assert both.records("conversation_parts") == alone.records("conversation_parts")
    bridge_checks.check_alone(both, fake_intercom, BRIDGE)
