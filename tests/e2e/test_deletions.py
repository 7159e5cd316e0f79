"""Deletions become visible downstream, with the Singer conventions a target understands.

- every stream read in full each run is one table version: ACTIVATE_VERSION before its first
  record and after its last, every record of the run carrying that version, and a record
  deleted in Intercom missing from the next version;
- deleted conversations become tombstones (`id`, `_sdc_deleted_at`) read from
  `GET /conversations/deleted`, the only request sent with `Intercom-Version: 2.16`;
- a stream skipped on 403 writes no closing ACTIVATE_VERSION (it would delete the table);
- tombstones and table versions pass `target-stitch --dry-run`.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests import aux_venvs
from tests.singer_run import base_config, discover, run_tap, select_streams

FULL_TABLE = [
    "admins",
    "teams",
    "tags",
    "segments",
    "data_attributes",
    "collections",
    "help_centers",
]
DELETABLE = {"tags": 2, "teams": 1, "segments": 2, "collections": 2, "help_centers": 1}


def _keys(run, stream: str) -> set[str]:
    return {str(r["id"]) for r in run.records(stream)}


@pytest.fixture
def fake(make_fake):
    return make_fake(scale="small", seed=5)


def test_full_table_streams_write_one_complete_version_per_run(fake):
    config = base_config(fake.base_url)
    catalog = select_streams(discover(config), set(FULL_TABLE))
    first = run_tap(config, catalog=catalog)
    assert first.returncode == 0, first.stderr[-3000:]
    for stream in FULL_TABLE:
        kinds = [
            m
            for m in first.messages
            if m.get("stream") == stream and m["type"] in {"ACTIVATE_VERSION", "RECORD"}
        ]
        assert kinds[0]["type"] == "ACTIVATE_VERSION", stream
        assert kinds[-1]["type"] == "ACTIVATE_VERSION", stream
        assert [m["type"] for m in kinds].count("ACTIVATE_VERSION") == 2, stream
        assert len({m["version"] for m in kinds}) == 1, stream

    deleted = fake.delete(**DELETABLE)
    second = run_tap(config, catalog=catalog, state=first.final_state)
    assert second.returncode == 0, second.stderr[-3000:]
    for stream, ids in deleted.items():
        assert set(ids) <= _keys(first, stream), stream
        assert not set(ids) & _keys(second, stream), f"{stream}: deleted rows in the new version"
        truth = {str(r["id"]) for r in fake.ground_truth(stream)["records"]}
        assert _keys(second, stream) == truth, f"{stream}: the version is not the live table"


def test_deleted_conversations_become_tombstones(fake):
    config = base_config(fake.base_url, start_date="2023-01-01T00:00:00Z")
    catalog = select_streams(discover(config), {"conversations", "conversation_parts"})
    first = run_tap(config, catalog=catalog)
    assert first.returncode == 0, first.stderr[-3000:]
    deleted = set(fake.delete(conversations=4)["conversations"])
    time.sleep(1.1)  # the listing's bookmark is inclusive, to the second
    fake.reset_stats()
    second = run_tap(config, catalog=catalog, state=first.final_state)
    assert second.returncode == 0, second.stderr[-3000:]

    tombstones = [r for r in second.records("conversations") if "_sdc_deleted_at" in r]
    assert {r["id"] for r in tombstones} == deleted
    assert all(set(r) == {"id", "_sdc_deleted_at"} for r in tombstones), tombstones
    assert all(r["_sdc_deleted_at"].endswith("Z") for r in tombstones)
    stats = fake.stats()
    assert stats["requests_by_endpoint"]["GET /conversations/deleted"] == 1
    # The default version stays 2.14; only the listing asks for 2.16.
    assert stats["intercom_versions"]["2.16"] == 1
    assert second.final_state["bookmarks"]["conversations"]["deleted_at"]
    # A third run, nothing deleted since: the bookmark is the newest deletion's second,
    # inclusive (a deletion later in that second is not lost), so only that second's
    # tombstones come again.
    newest = max(r["_sdc_deleted_at"] for r in tombstones)
    third = run_tap(config, catalog=catalog, state=second.final_state)
    again = [r for r in third.records("conversations") if "_sdc_deleted_at" in r]
    assert again, "the newest second is read again"
    assert {r["id"] for r in again} == {
        r["id"] for r in tombstones if r["_sdc_deleted_at"] == newest
    }


def test_deleted_conversations_can_be_switched_off(fake):
    config = base_config(fake.base_url, deleted_conversations=False)
    catalog = select_streams(discover(config), {"conversations"})
    fake.delete(conversations=2)
    fake.reset_stats()
    run = run_tap(config, catalog=catalog)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "GET /conversations/deleted" not in fake.stats()["requests_by_endpoint"]
    assert not [r for r in run.records("conversations") if "_sdc_deleted_at" in r]


def test_a_forbidden_full_table_stream_writes_no_closing_version(fake):
    config = base_config(fake.base_url)
    catalog = select_streams(discover(config), {"tags", "teams"})
    fake.control(forbidden=["/tags"])
    run = run_tap(config, catalog=catalog)
    assert run.returncode == 0, run.stderr[-3000:]
    versions = [m["stream"] for m in run.messages if m["type"] == "ACTIVATE_VERSION"]
    assert versions == ["teams", "teams"]


@pytest.mark.slow
def test_target_stitch_dry_run_accepts_tombstones_and_versions(fake, tmp_path: Path):
    """Conversation tombstones, 2.16 merged-contact tombstones, and the table versions of
    tags, segments, companies and company_segments (`company_deletions`)."""
    config = base_config(
        fake.base_url, start_date="2023-01-01T00:00:00Z", api_version="2.16", company_deletions=True
    )
    streams = {"conversations", "tags", "segments", "contacts", "companies", "company_segments"}
    catalog = select_streams(discover(config), streams)
    fake.delete(conversations=3, tags=1, merge_contacts=2)
    run = run_tap(config, catalog=catalog)
    assert run.returncode == 0, run.stderr[-3000:]
    assert [r for r in run.records("conversations") if "_sdc_deleted_at" in r]
    assert [r for r in run.records("contacts") if "_sdc_deleted_at" in r]
    versioned = {m["stream"] for m in run.messages if m["type"] == "ACTIVATE_VERSION"}
    assert versioned == {"tags", "segments", "companies", "company_segments"}
    output = tmp_path / "singer.jsonl"
    output.write_text(run.stdout)
    target = aux_venvs.venv_bin("target-stitch", "target-stitch")
    with output.open("rb") as stdin:
        proc = subprocess.run(
            [str(target), "--dry-run"],
            stdin=stdin,
            capture_output=True,
            cwd=tmp_path,
            timeout=300,
            check=False,
        )
    stderr = proc.stderr.decode()
    assert proc.returncode == 0, stderr[-5000:]
    assert "Batch is valid" in stderr
    assert "conversations (" in stderr
    assert "contacts (" in stderr


def test_deleted_and_merged_contacts_become_tombstones_with_the_preview_opt_in(fake):
    config = base_config(fake.base_url, start_date="2023-01-01T00:00:00Z")
    catalog = select_streams(discover(config), {"contacts"})
    fake.reset_stats()
    default = run_tap(config, catalog=catalog)
    assert "GET /contacts/activities" not in fake.stats()["requests_by_endpoint"]
    opted = {**config, "contact_deletions_preview": True}
    first = run_tap(opted, catalog=catalog, state=default.final_state)
    assert first.returncode == 0, first.stderr[-3000:]
    gone = fake.delete(contacts=2, merge_contacts=3)
    fake.reset_stats()
    second = run_tap(opted, catalog=catalog, state=first.final_state)
    assert second.returncode == 0, second.stderr[-3000:]
    tombstones = {r["id"] for r in second.records("contacts") if "_sdc_deleted_at" in r}
    assert tombstones == set(gone["contacts"] + gone["merge_contacts"])
    assert fake.stats()["intercom_versions"]["Preview"] == 1
    assert second.final_state["bookmarks"]["contacts"]["activities_after"]
    third = run_tap(opted, catalog=catalog, state=second.final_state)
    assert not [r for r in third.records("contacts") if "_sdc_deleted_at" in r]


def test_deletion_features_write_the_same_output_in_parallel_and_in_sequence(fake):
    """Tombstones and table versions go through the same per-stream output as records: a
    parallel run writes what a sequential one does."""
    config = base_config(
        fake.base_url,
        api_version="2.16",
        company_deletions=True,
        contact_deletions_preview=True,
    )
    catalog = select_streams(discover(config))
    fake.delete(conversations=3, contacts=2, merge_contacts=2, companies=2, segments=1)
    sequential = run_tap({**config, "parallel_streams": 1}, catalog=catalog, timeout=300)
    parallel = run_tap(config, catalog=catalog, timeout=300)
    assert sequential.returncode == parallel.returncode == 0, parallel.stderr[-3000:]

    # STATE aside: the merges moved users to now, so the contacts bookmark is capped at each
    # run's own search start minus the lag (`bounds.search_ceiling`), a moment apart.
    def output(run) -> list[dict]:
        return [m for m in run.comparable_messages() if m["type"] != "STATE"]

    assert output(parallel) == output(sequential)
    tombstoned = {
        m["stream"] for m in parallel.record_messages() if "_sdc_deleted_at" in m["record"]
    }
    assert tombstoned == {"conversations", "contacts"}
