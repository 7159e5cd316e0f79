"""The stream registry the state translation and the tests read: names, keys, replication keys."""

from __future__ import annotations

from tap_intercom.streams import REPLICATION_KEYS, STITCH_STREAM_NAMES, STREAM_TYPES


def test_replication_keys_are_names_or_none() -> None:
    """Read from the classes: a stream that inherits the SDK's property would leak a property
    object here and be taken for an incremental stream."""
    for name, key in REPLICATION_KEYS.items():
        assert key is None or isinstance(key, str), (name, key)
    full_table = {name for name, key in REPLICATION_KEYS.items() if key is None}
    assert {
        "admins",
        "teams",
        "tags",
        "data_attributes",
        "collections",
        "help_centers",
    } <= full_table
    assert REPLICATION_KEYS["activity_logs"] == "created_at"


def test_every_stream_has_a_unique_name_and_keys() -> None:
    names = [stream_type.name for stream_type in STREAM_TYPES]
    assert len(names) == len(set(names)) == len(REPLICATION_KEYS)
    assert set(STITCH_STREAM_NAMES) <= set(names)
    for stream_type in STREAM_TYPES:
        assert isinstance(stream_type.primary_keys, list), stream_type.name
        assert stream_type.primary_keys, stream_type.name
