"""End to end: the real CLI syncs the streams Stitch lacks (data_attributes, articles,
collections, help_centers, the ticket tables, activity_logs) against the fake Intercom API.

Discovery with Stitch-shaped metadata, one full sync checked against the fake's ground truth
and the schemas, and a second run from its final state. Each stream's own behaviour is in
`tests/streams/test_<stream>.py`.
"""

from __future__ import annotations

import jsonschema
import pytest

from fake_intercom import FakeIntercom
from tests import oracle
from tests.singer_run import base_config, discover, run_tap, select_streams

EXTRA_STREAMS = [
    "data_attributes",
    "articles",
    "collections",
    "help_centers",
    "ticket_types",
    "ticket_states",
    "tickets",
    "ticket_parts",
    "ticket_contacts",
    "activity_logs",
]
EXPECTED = {
    # stream: (key_properties, replication_key)
    "data_attributes": (["model", "name"], None),
    "articles": (["id"], "updated_at"),
    "collections": (["id"], None),
    "help_centers": (["id"], None),
    "tickets": (["id"], "updated_at"),
    "ticket_parts": (["id"], "updated_at"),
    "ticket_contacts": (["ticket_id", "contact_id"], "ticket_updated_at"),
    "ticket_types": (["id"], None),
    "ticket_states": (["id"], None),
    "activity_logs": (["id"], "created_at"),
}
#: The column holding the parent's `updated_at`, which a child's bookmark follows.
CHILD_PARENT_VERSION = {"ticket_parts": "ticket_updated_at", "ticket_contacts": "ticket_updated_at"}
#: Before every article, ticket and activity log of the fake (articles start in mid-2017).
START_DATE = "2017-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def catalog(fake_intercom: FakeIntercom) -> dict:
    return discover(base_config(fake_intercom.base_url, start_date=START_DATE))


@pytest.fixture(scope="module")
def full_run(fake_intercom: FakeIntercom, catalog: dict):
    run = run_tap(
        base_config(fake_intercom.base_url, start_date=START_DATE),
        catalog=select_streams(catalog, set(EXTRA_STREAMS)),
    )
    assert run.returncode == 0, run.stderr[-4000:]
    return run


def test_discovery_lists_extra_streams_with_stitch_metadata(catalog):
    names = [entry["tap_stream_id"] for entry in catalog["streams"]]
    after_teams = names.index("teams") + 1
    assert names[after_teams : after_teams + len(EXTRA_STREAMS)] == EXTRA_STREAMS
    entries = {entry["tap_stream_id"]: entry for entry in catalog["streams"]}
    for name in EXTRA_STREAMS:
        keys, replication_key = EXPECTED[name]
        entry = entries[name]
        assert entry["key_properties"] == keys
        assert entry["metadata"][0]["breadcrumb"] == [], f"{name}: root metadata not first"
        root = entry["metadata"][0]["metadata"]
        assert root["table-key-properties"] == keys
        assert root["forced-replication-method"] == (
            "INCREMENTAL" if replication_key else "FULL_TABLE"
        )
        assert root["valid-replication-keys"] == ([replication_key] if replication_key else [])
        assert root["inclusion"] == "available"
        assert root["selected-by-default"] is True
        assert "selected" not in root
        assert "replication-key" not in root
        breadcrumbs = [m["breadcrumb"] for m in entry["metadata"][1:]]
        assert all(len(b) == 2 and b[0] == "properties" for b in breadcrumbs), name
        assert {b[1] for b in breadcrumbs} == set(entry["schema"]["properties"])
        automatic = {
            m["breadcrumb"][1]
            for m in entry["metadata"][1:]
            if m["metadata"]["inclusion"] == "automatic"
        }
        assert automatic == {*keys, *([replication_key] if replication_key else [])}
    # activity-log metadata depends on the activity type: an untyped object.
    metadata_schema = entries["activity_logs"]["schema"]["properties"]["metadata"]
    assert metadata_schema.get("additionalProperties") is True
    assert "properties" not in metadata_schema


def test_full_sync_emits_exactly_the_ground_truth(fake_intercom, full_run):
    for stream in EXTRA_STREAMS:
        # The fake keys its ground truth as the catalog does.
        assert fake_intercom.ground_truth(stream)["key_properties"] == EXPECTED[stream][0]
        oracle.assert_ground_truth(fake_intercom, stream, full_run.records(stream), START_DATE)
    assert full_run.streams_emitted() == set(EXTRA_STREAMS)
    assert "was dropped" not in full_run.stderr
    assert "is not valid" not in full_run.stderr


def test_full_sync_records_match_their_schema(full_run):
    """Each stream's fields against the API are checked in `tests/streams/`."""
    schemas = full_run.schemas()
    for stream in EXTRA_STREAMS:
        validator = jsonschema.Draft4Validator(
            schemas[stream]["schema"], format_checker=jsonschema.FormatChecker()
        )
        records = full_run.records(stream)
        assert records, stream
        for record in records:
            validator.validate(record)


def test_second_run_with_the_final_state_is_incremental(fake_intercom, catalog, full_run):
    state = full_run.final_state
    bookmarks = state["bookmarks"]
    assert set(bookmarks) == {
        "articles",
        "tickets",
        "ticket_parts",
        "ticket_contacts",
        "activity_logs",
    }
    second = run_tap(
        base_config(fake_intercom.base_url, start_date=START_DATE),
        catalog=select_streams(catalog, set(EXTRA_STREAMS)),
        state=state,
    )
    assert second.returncode == 0, second.stderr[-4000:]
    for stream in EXTRA_STREAMS:
        replication_key = EXPECTED[stream][1]
        start: str = START_DATE
        if replication_key is not None:
            start = bookmarks[stream]["replication_key_value"]
            first = oracle.truth_keys(fake_intercom, stream, START_DATE)
            expected = oracle.truth_keys(fake_intercom, stream, start)
            assert len(expected) < len(first), f"{stream}: the second run is not smaller"
            # A child's bookmark is its parent's `updated_at`, which its rows carry.
            field = CHILD_PARENT_VERSION.get(stream, replication_key)
            for record in second.records(stream):
                assert record[field] >= start
        oracle.assert_ground_truth(fake_intercom, stream, second.records(stream), start)
    assert second.final_state["bookmarks"] == bookmarks
