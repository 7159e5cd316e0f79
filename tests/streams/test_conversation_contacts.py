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
from tests.in_process import InProcessRun, sync_in_process
from tests.streams import bridge_checks
from tests.streams.helpers import START

BRIDGE = "conversation_contacts"


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
