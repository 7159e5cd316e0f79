"""End-to-end: the real CLI against the fake Intercom API, checked against its ground truth."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from tap_intercom.streams import STITCH_STREAM_NAMES
from tests.singer_run import base_config, discover, keys_of, run_tap, select_streams

STITCH_STREAMS = list(STITCH_STREAM_NAMES)
INCREMENTAL = {
    "companies",
    "company_segments",
    "conversations",
    "conversation_parts",
    "contacts",
    "segments",
}
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
SNAPSHOT = Path(__file__).parent / "data" / "catalog_snapshot.json"


def _catalog_summary(catalog: dict) -> list[dict]:
    summary = []
    for entry in catalog["streams"]:
        root = next(m["metadata"] for m in entry["metadata"] if m["breadcrumb"] == [])
        automatic = sorted(
            m["breadcrumb"][1]
            for m in entry["metadata"]
            if m["breadcrumb"] and m["metadata"].get("inclusion") == "automatic"
        )
        summary.append(
            {
                "stream": entry["tap_stream_id"],
                "key_properties": entry["key_properties"],
                "replication_key": entry.get("replication_key"),
                "replication_method": entry.get("replication_method"),
                "root_metadata": root,
                "root_is_first": entry["metadata"][0]["breadcrumb"] == [],
                "nested_breadcrumbs": sum(1 for m in entry["metadata"] if len(m["breadcrumb"]) > 2),
                "automatic": automatic,
            }
        )
    return summary


@pytest.fixture(scope="module")
def full_catalog(fake_intercom) -> dict:
    return discover(base_config(fake_intercom.base_url))


@pytest.fixture(scope="module")
def full_sync(fake_intercom, full_catalog):
    catalog = select_streams(full_catalog, set(STITCH_STREAMS))
    run = run_tap(base_config(fake_intercom.base_url), catalog=catalog)
    assert run.returncode == 0, run.stderr[-4000:]
    return run


def test_discovery_lists_stitch_streams_with_stitch_metadata(full_catalog):
    summary = {s["stream"]: s for s in _catalog_summary(full_catalog)}
    assert [s for s in summary if s in STITCH_STREAMS] == STITCH_STREAMS
    for name in STITCH_STREAMS:
        entry = summary[name]
        root = entry["root_metadata"]
        assert entry["root_is_first"], name
        assert entry["nested_breadcrumbs"] == 0, name
        assert "selected" not in root, name
        assert root["table-key-properties"] == entry["key_properties"], name
        if name in INCREMENTAL:
            assert root["forced-replication-method"] == "INCREMENTAL", name
            assert root["valid-replication-keys"] == ["updated_at"], name
            assert entry["replication_key"] == "updated_at", name
        else:
            assert root["forced-replication-method"] == "FULL_TABLE", name
            assert root["valid-replication-keys"] == [], name
        expected_auto = set(entry["key_properties"]) | (
            {"updated_at"} if name in INCREMENTAL else set()
        )
        assert set(entry["automatic"]) == expected_auto, name
    assert summary["company_segments"]["key_properties"] == ["company_id", "id"]
    assert summary["company_attributes"]["key_properties"] == ["_sdc_record_hash"]
    assert summary["contact_attributes"]["key_properties"] == ["_sdc_record_hash"]


def test_discovery_snapshot(full_catalog):
    """Guards keys, replication and metadata of every stream; update deliberately."""
    summary = _catalog_summary(full_catalog)
    assert summary == json.loads(SNAPSHOT.read_text())


def test_discovery_types_custom_attributes(full_catalog):
    entries = {e["tap_stream_id"]: e for e in full_catalog["streams"]}
    for stream in ("contacts", "companies", "conversations"):
        props = entries[stream]["schema"]["properties"]["custom_attributes"]
        assert props["additionalProperties"] is True
        assert props["properties"], stream
        kinds = {
            json.dumps(p.get("type")) + p.get("format", "") for p in props["properties"].values()
        }
        assert '["null", "integer"]' in kinds, stream
        assert '["null", "number"]' in kinds, stream
        assert '["null", "boolean"]' in kinds, stream
        assert '["null", "string"]date-time' in kinds, stream
    names = set(entries["contacts"]["schema"]["properties"]["custom_attributes"]["properties"])
    assert any(" " in n for n in names) and any("." in n for n in names), names


def test_full_sync_emits_exactly_the_ground_truth(full_sync, fake_intercom):
    for stream in STITCH_STREAMS:
        truth = fake_intercom.ground_truth(stream, "2000-01-01T00:00:00Z")
        key_properties = truth["key_properties"]
        if stream.endswith("_attributes"):
            key_properties = ["model", "name"]
            emitted = [(str(r.get("model")), str(r.get("name"))) for r in full_sync.records(stream)]
        else:
            emitted = keys_of(full_sync.records(stream), key_properties)
        expected = set(keys_of(truth["records"], key_properties))
        assert set(emitted) == expected, (stream, len(set(emitted)), len(expected))
        duplicates = [k for k, n in Counter(emitted).items() if n > 1]
        assert not duplicates, (stream, duplicates[:5])


def test_records_are_stitch_shaped(full_sync):
    contacts = full_sync.records("contacts")
    assert contacts
    for record in contacts:
        assert DATETIME_RE.match(record["updated_at"]), record["updated_at"]
        assert isinstance(record.get("tags", []), list)
        assert isinstance(record.get("companies", []), list)
        assert record.get("avatar") is None or isinstance(record["avatar"], str)
    for record in full_sync.records("companies"):
        assert isinstance(record.get("segments", []), list)
        assert isinstance(record.get("tags", []), list)
    for record in full_sync.records("conversations"):
        assert isinstance(record.get("tags", []), list)
        assert isinstance(record.get("contacts", []), list)
    for record in full_sync.records("admins"):
        assert record.get("avatar") is None or isinstance(record["avatar"], dict)
    hashes = [r["_sdc_record_hash"] for r in full_sync.records("company_attributes")]
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)


def test_attribute_streams_are_wrapped_in_activate_version(full_sync):
    for stream in ("company_attributes", "contact_attributes"):
        kinds = [
            m["type"]
            for m in full_sync.messages
            if m.get("stream") == stream and m["type"] in {"ACTIVATE_VERSION", "RECORD"}
        ]
        assert kinds[0] == "ACTIVATE_VERSION" and kinds[-1] == "ACTIVATE_VERSION", stream
        versions = {
            m["version"]
            for m in full_sync.messages
            if m.get("stream") == stream and m["type"] in {"ACTIVATE_VERSION", "RECORD"}
        }
        assert len(versions) == 1, stream
        assert next(iter(versions)) > 10**12, "version is epoch milliseconds, as Stitch's"
    other = {m.get("stream") for m in full_sync.messages if m["type"] == "ACTIVATE_VERSION"}
    # Every stream read in full each run writes table versions (`tap_intercom/full_table.py`).
    assert other == {
        "company_attributes",
        "contact_attributes",
        "admins",
        "tags",
        "teams",
    }


def test_final_state_is_stitch_and_sdk_compatible(full_sync):
    state = full_sync.final_state
    assert state.get("currently_syncing") is None
    bookmarks = state["bookmarks"]
    assert set(bookmarks) == INCREMENTAL
    for stream, bookmark in bookmarks.items():
        assert DATETIME_RE.match(bookmark["updated_at"]), (stream, bookmark)
        assert bookmark["replication_key"] == "updated_at"
        assert bookmark["replication_key_value"] == bookmark["updated_at"]
        assert "partitions" not in bookmark and "progress_markers" not in bookmark
    # Full-table streams: no key at all (Stitch's tap-tester asserts absence).
    assert "tags" not in bookmarks and "admins" not in bookmarks


def test_one_schema_message_per_stream(full_sync):
    schema_streams = Counter(m["stream"] for m in full_sync.messages if m["type"] == "SCHEMA")
    assert schema_streams["conversation_parts"] == 1
    assert schema_streams["company_segments"] == 1


def test_pre_2001_timestamps_are_correct(full_sync):
    values = [
        v
        for record in full_sync.records("contacts")
        for k, v in record.items()
        if k.endswith("_at") and isinstance(v, str)
    ]
    assert "2000-01-01T00:00:00.000000Z" in values, "the fake's 946684800 came out wrong"
    assert not any(v.startswith("1970-01-1") for v in values), "9-digit epochs read as ms"


def test_tied_timestamps_across_pages_are_all_emitted(full_sync, fake_intercom):
    truth = fake_intercom.ground_truth("contacts", "2000-01-01T00:00:00Z")["records"]
    by_second = Counter(r["updated_at"] for r in truth)
    second, count = by_second.most_common(1)[0]
    assert count > 150, "the fake should have a tie cluster straddling pages"
    tied = {str(r["id"]) for r in truth if r["updated_at"] == second}
    emitted = {r["id"] for r in full_sync.records("contacts")}
    assert tied <= emitted


def test_long_conversations_are_capped_with_a_warning(full_sync, fake_intercom):
    parts = Counter(r["conversation_id"] for r in full_sync.records("conversation_parts"))
    truncated = [
        r for r in full_sync.records("conversation_parts") if r["conversation_total_parts"] > 500
    ]
    assert truncated, "the fake should have conversations with more than 500 parts"
    for conversation_id in {r["conversation_id"] for r in truncated}:
        assert parts[conversation_id] == 500
        assert re.search(rf"conversation {conversation_id} has \d+ parts", full_sync.stderr)
    for record in full_sync.records("conversation_parts"):
        assert DATETIME_RE.match(record["conversation_updated_at"])
        assert isinstance(record["conversation_total_parts"], int)


def test_custom_attributes_are_typed_values(full_sync):
    seen: dict[str, set[str]] = {}
    for record in full_sync.records("contacts"):
        for name, value in (record.get("custom_attributes") or {}).items():
            seen.setdefault(type(value).__name__, set()).add(name)
    assert {"int", "float", "bool", "str"} <= set(seen), seen
    dates = [
        value
        for record in full_sync.records("contacts")
        for value in (record.get("custom_attributes") or {}).values()
        if isinstance(value, str) and DATETIME_RE.match(value)
    ]
    assert dates, "date custom attributes should be emitted as date-times"


def test_contact_lists_past_ten_entries_are_complete(full_sync, fake_intercom):
    long_tags = [r for r in full_sync.records("contacts") if len(r.get("tags") or []) > 10]
    long_companies = [
        r for r in full_sync.records("contacts") if len(r.get("companies") or []) > 10
    ]
    assert long_tags and long_companies
    import requests

    for record in long_tags[:3]:
        response = requests.get(
            f"{fake_intercom.base_url}/contacts/{record['id']}/tags",
            headers={"Authorization": "Bearer test-token", "Intercom-Version": "2.14"},
            timeout=10,
        )
        full = {t["id"] for t in response.json()["data"]}
        assert {t["id"] for t in record["tags"]} == full


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
        truth = fake_intercom.ground_truth(stream, bookmark)
        assert {r["id"] for r in records} == {str(r["id"]) for r in truth["records"]}, stream
    assert "users" not in run.final_state["bookmarks"]


def test_legacy_flat_state_is_read(fake_intercom, full_catalog):
    bookmark = "2025-01-01T00:00:00.000000Z"
    catalog = select_streams(full_catalog, {"contacts"})
    run = run_tap(
        base_config(fake_intercom.base_url), catalog=catalog, state={"contacts": bookmark}
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert all(r["updated_at"] >= bookmark for r in run.records("contacts"))


@pytest.mark.slow
def test_medium_sync_final_state_is_small(make_fake):
    fake = make_fake(scale="medium", seed=1)
    config = base_config(fake.base_url)
    run = run_tap(config, catalog=select_streams(discover(config)), timeout=1200)
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(json.dumps(run.final_state)) < 10_000
    assert max(len(json.dumps(s)) for s in run.states()) < 10_000


def test_custom_attribute_created_after_discovery_still_reaches_the_target(
    fake_intercom, full_catalog
):
    catalog = select_streams(full_catalog, {"contacts"})
    entry = next(e for e in catalog["streams"] if e["tap_stream_id"] == "contacts")
    declared = entry["schema"]["properties"]["custom_attributes"]["properties"]
    dropped = sorted(declared)[0]
    del declared[dropped]  # as if the attribute had been created after discovery
    run = run_tap(base_config(fake_intercom.base_url), catalog=catalog)
    assert run.returncode == 0, run.stderr[-3000:]
    carrying = [r for r in run.records("contacts") if dropped in (r.get("custom_attributes") or {})]
    assert carrying, f"custom attribute {dropped!r} was dropped"
    assert f"'custom_attributes.{dropped}'" not in run.stderr


def test_summary_and_progress_go_to_stderr_only(full_sync):
    assert "Sync summary:" in full_sync.stderr
    summary = full_sync.stderr[full_sync.stderr.index("Sync summary:") :]
    contacts = len(full_sync.records("contacts"))
    assert re.search(rf"contacts\s+{contacts:,} records", summary)
    assert re.search(r"requests: [\d,]+, retries: \d+, elapsed: \d+", summary)
    # stdout carries nothing but Singer messages
    assert all(
        m["type"] in {"SCHEMA", "RECORD", "STATE", "ACTIVATE_VERSION"} for m in full_sync.messages
    )


def test_schemas_cover_everything_the_api_sends(full_sync):
    """No field dropped, no value nulled: the schemas declare all the fake's (2.14) fields,
    including entries of contacts' long tag/company lists fetched from their own endpoints."""
    assert "was dropped" not in full_sync.stderr
    assert "is not valid" not in full_sync.stderr
