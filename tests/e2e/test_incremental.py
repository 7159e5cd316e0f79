"""End to end: runs after the first one, through the real CLI. A second run from the final
state emits only what changed; a run resumes from a hand-written Stitch state (nested, legacy
bare-string and flat shapes); the state stays small on a medium workspace.
"""

from __future__ import annotations

import json

import pytest

from tests import oracle
from tests.singer_run import base_config, discover, run_tap, select_streams


@pytest.fixture(scope="module")
def full_catalog(fake_intercom) -> dict:
    return discover(base_config(fake_intercom.base_url))


def test_second_run_emits_only_changed_records(make_fake):
    fake = make_fake(scale="small", seed=3)
    config = base_config(fake.base_url)
    catalog = select_streams(discover(config), {"contacts", "conversations", "conversation_parts"})
    first = run_tap(config, catalog=catalog)
    assert first.returncode == 0, first.stderr[-3000:]
    mutated = fake.mutate(contacts=3, conversations=2)
    second = run_tap(config, catalog=catalog, state=first.final_state)
    assert second.returncode == 0, second.stderr[-3000:]
    contacts = {r["id"] for r in second.records("contacts")}
    conversations = {r["id"] for r in second.records("conversations")}
    assert {str(i) for i in mutated["contacts"]} <= contacts
    assert {str(i) for i in mutated["conversations"]} <= conversations
    bookmark = first.final_state["bookmarks"]["contacts"]["updated_at"]
    assert all(r["updated_at"] >= bookmark[:19] for r in second.records("contacts"))
    # Only the mutated records and those tied with the old bookmark's second come back.
    assert len(contacts) < len(first.records("contacts")) / 10
    assert len(conversations) < len(first.records("conversations")) / 10
    parts_parents = {r["conversation_id"] for r in second.records("conversation_parts")}
    assert {str(i) for i in mutated["conversations"]} <= parts_parents


def test_resume_from_hand_written_stitch_state(fake_intercom, full_catalog):
    bookmark = "2024-01-01T00:00:00.000000Z"
    state = {
        "currently_syncing": "conversations",
        "bookmarks": {
            "contacts": {"updated_at": bookmark},
            "conversations": "2024-01-01T00:00:00-00:00",  # legacy bare-string form
            "users": {"updated_at": "2020-01-01T00:00:00Z"},  # stream long gone (Stitch crashed)
        },
    }
    catalog = select_streams(full_catalog, {"contacts", "conversations"})
    run = run_tap(base_config(fake_intercom.base_url), catalog=catalog, state=state)
    assert run.returncode == 0, run.stderr[-3000:]
    for stream in ("contacts", "conversations"):
        records = run.records(stream)
        assert all(r["updated_at"] >= bookmark for r in records), stream
        oracle.assert_ground_truth(fake_intercom, stream, records, bookmark)
    assert "users" not in run.final_state["bookmarks"]


def test_legacy_flat_state_is_read(fake_intercom, full_catalog):
    bookmark = "2025-01-01T00:00:00.000000Z"
    catalog = select_streams(full_catalog, {"contacts"})
    run = run_tap(
        base_config(fake_intercom.base_url), catalog=catalog, state={"contacts": bookmark}
    )
    assert run.returncode == 0, run.stderr[-3000:]
    records = run.records("contacts")
    assert all(r["updated_at"] >= bookmark for r in records)
    oracle.assert_ground_truth(fake_intercom, "contacts", records, bookmark)


@pytest.mark.slow
def test_medium_sync_final_state_is_small(make_fake):
    fake = make_fake(scale="medium", seed=1)
    config = base_config(fake.base_url)
    run = run_tap(config, catalog=select_streams(discover(config)), timeout=1200)
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(json.dumps(run.final_state)) < 10_000
    assert max(len(json.dumps(s)) for s in run.states()) < 10_000
