"""End to end: the real CLI syncs Stitch's eleven streams against the fake Intercom API.

Discovery (Stitch's metadata, a committed snapshot, typed custom attributes), then one full sync
checked against the fake's ground truth, the final state, the SCHEMA and ACTIVATE_VERSION
messages, and stderr. Each stream's own behaviour is in `tests/streams/test_<stream>.py`; later
runs (incremental, resumed from Stitch's state) in `test_incremental.py`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from tap_intercom.streams import STITCH_STREAM_NAMES
from tests import oracle
from tests.singer_run import base_config, discover, run_tap, select_streams

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
SNAPSHOT = Path(__file__).parent.parent / "data" / "catalog_snapshot.json"
START = "2000-01-01T00:00:00Z"


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
        oracle.assert_ground_truth(fake_intercom, stream, full_sync.records(stream), START)


def test_primary_keys_are_unique_in_every_stream(full_sync):
    """With the catalog's own keys (`_sdc_record_hash` for Stitch's attribute tables)."""
    for stream, schema in full_sync.schemas().items():
        records = full_sync.records(stream)
        assert records, stream
        duplicates = oracle.duplicate_primary_keys(records, schema["key_properties"])
        assert not duplicates, (stream, sorted(duplicates)[:5])


def test_streams_read_in_full_are_wrapped_in_activate_version(full_sync):
    """Every stream read in full each run writes table versions (`tap_intercom/full_table.py`),
    so a target can retire what vanished; the attribute tables' replace semantics are in
    `tests/streams/test_data_attributes.py`."""
    wrapped = {m.get("stream") for m in full_sync.messages if m["type"] == "ACTIVATE_VERSION"}
    assert wrapped == {
        "company_attributes",
        "contact_attributes",
        "admins",
        "tags",
        "teams",
        "segments",
    }


def test_final_state_is_stitch_and_sdk_compatible(full_sync):
    state = full_sync.final_state
    assert "currently_syncing" in state, state
    assert state["currently_syncing"] is None
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
    assert schema_streams["conversation_parts"] == 1  # children: not one per parent
    assert schema_streams["company_segments"] == 1
    assert schema_streams == dict.fromkeys(STITCH_STREAMS, 1)


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
