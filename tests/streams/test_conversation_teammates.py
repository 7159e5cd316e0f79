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
from tests.in_process import InProcessRun, rewrite_body, sync_in_process
from tests.streams import bridge_checks
from tests.streams.helpers import START

BRIDGE = "conversation_teammates"


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
