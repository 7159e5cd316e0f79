"""Unit and property tests for tap_intercom.state."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tap_intercom.dates import format_datetime, parse_datetime
from tap_intercom.stitch.state import load_external_state, to_external_state

KEYS: dict[str, str | None] = {
    "admins": None,
    "companies": "updated_at",
    "company_attributes": None,
    "company_segments": "updated_at",
    "contact_attributes": None,
    "contacts": "updated_at",
    "conversation_parts": "updated_at",
    "conversations": "updated_at",
    "segments": "updated_at",
    "tags": None,
    "teams": None,
}
INCREMENTAL = sorted(stream for stream, key in KEYS.items() if key)


def sdk(value: str, key: str = "updated_at") -> dict[str, str]:
    return {"replication_key": key, "replication_key_value": value}


# ------------------------------------------------------------------ load_external_state


def test_stitch_state_after_a_full_run() -> None:
    stitch = {
        "currently_syncing": None,
        "bookmarks": {
            "companies": {"updated_at": "2023-11-14T22:13:20.000000Z"},
            "conversations": {"updated_at": "2026-11-23T19:06:45.994762Z"},
            "contacts": {"updated_at": "2023-11-14T22:13:20.000000Z"},
        },
    }
    loaded, warnings = load_external_state(stitch, KEYS)
    assert loaded == {
        "bookmarks": {
            "companies": sdk("2023-11-14T22:13:20.000000Z"),
            "conversations": sdk("2026-11-23T19:06:45.994762Z"),
            "contacts": sdk("2023-11-14T22:13:20.000000Z"),
        }
    }
    assert warnings == []


def test_values_are_normalised() -> None:
    loaded, _ = load_external_state(
        {"bookmarks": {"contacts": {"updated_at": "2021-01-01T10:00:00-00:00"}}}, KEYS
    )
    assert loaded["bookmarks"]["contacts"] == sdk("2021-01-01T10:00:00.000000Z")
    loaded, _ = load_external_state(
        {"bookmarks": {"contacts": sdk("2021-01-01T12:00:00+02:00")}}, KEYS
    )
    assert loaded["bookmarks"]["contacts"] == sdk("2021-01-01T10:00:00.000000Z")


@pytest.mark.parametrize(
    "state",
    [
        {"bookmarks": {"contacts": "2021-12-22T07:23:47.000000Z"}},  # bare string bookmark
        {"contacts": "2021-12-22T07:23:47.000000Z"},  # flat, bare string
        {"contacts": {"updated_at": "2021-12-22T07:23:47Z"}},  # flat, object
        {"contacts": "2021-12-22T07:23:47+00:00", "currently_syncing": None},
    ],
)
def test_legacy_shapes(state: dict) -> None:
    loaded, warnings = load_external_state(state, KEYS)
    assert loaded == {"bookmarks": {"contacts": sdk("2021-12-22T07:23:47.000000Z")}}
    assert warnings == []


def test_unknown_streams_are_dropped_with_a_warning() -> None:
    # The README / state.json.example shape that crashes Stitch's tap with KeyError.
    state = {
        "bookmarks": {
            "users": "2021-01-01T00:00:00Z",
            "leads": {"updated_at": "2021-01-01T00:00:00Z"},
            "contacts": "2021-01-01T00:00:00Z",
        }
    }
    loaded, warnings = load_external_state(state, KEYS)
    assert loaded == {"bookmarks": {"contacts": sdk("2021-01-01T00:00:00.000000Z")}}
    assert len(warnings) == 2
    assert "'users'" in warnings[0]
    assert "'leads'" in warnings[1]


def test_full_table_streams_get_no_bookmark() -> None:
    state = {"bookmarks": {"tags": {}, "admins": {"updated_at": "2021-01-01T00:00:00Z"}}}
    loaded, warnings = load_external_state(state, KEYS)
    assert loaded == {"bookmarks": {}}
    assert len(warnings) == 1
    assert "full-table" in warnings[0]
    assert "'admins'" in warnings[0]


def test_stitch_key_wins_over_replication_key_value() -> None:
    state = {
        "bookmarks": {
            "contacts": {
                "replication_key": "updated_at",
                "replication_key_value": "2021-01-01T00:00:00.000000Z",
                "updated_at": "2020-06-01T00:00:00.000000Z",
            }
        }
    }
    loaded, warnings = load_external_state(state, KEYS)
    assert loaded["bookmarks"]["contacts"] == sdk("2020-06-01T00:00:00.000000Z")
    assert len(warnings) == 1
    assert "using updated_at" in warnings[0]


def test_equal_values_in_both_keys_give_no_warning() -> None:
    state = {
        "bookmarks": {
            "contacts": {
                "replication_key": "updated_at",
                "replication_key_value": "2021-01-01T00:00:00+00:00",
                "updated_at": "2021-01-01T00:00:00.000000Z",
            }
        }
    }
    loaded, warnings = load_external_state(state, KEYS)
    assert loaded["bookmarks"]["contacts"] == sdk("2021-01-01T00:00:00.000000Z")
    assert warnings == []


def test_transient_keys_and_partitions_are_dropped() -> None:
    state = {
        "bookmarks": {
            "conversations": {
                "updated_at": "2021-01-01T00:00:00.000000Z",
                "last_processed": "1149",
                "last_sync_started_at": "2026-11-23T19:06:45.994762Z",
            },
            "contacts": {
                "replication_key": "updated_at",
                "replication_key_value": "2021-02-01T00:00:00.000000Z",
                "starting_replication_value": "2021-01-01T00:00:00.000000Z",
                "replication_key_signpost": "2026-01-01T00:00:00.000000Z",
                "progress_markers": {
                    "Note": "Progress is not resumable if interrupted.",
                    "replication_key": "updated_at",
                    "replication_key_value": "2021-03-01T00:00:00.000000Z",
                },
                "partitions": [],
            },
        }
    }
    loaded, warnings = load_external_state(state, KEYS)
    assert loaded == {
        "bookmarks": {
            "conversations": sdk("2021-01-01T00:00:00.000000Z"),
            "contacts": sdk("2021-02-01T00:00:00.000000Z"),
        }
    }
    assert warnings == []


def test_non_empty_partitions_are_dropped_with_a_warning() -> None:
    state = {
        "bookmarks": {
            "conversation_parts": {
                "partitions": [
                    {
                        "context": {"conversation_id": "1"},
                        "replication_key": "updated_at",
                        "replication_key_value": "2021-01-01T00:00:00Z",
                    }
                ]
            }
        }
    }
    loaded, warnings = load_external_state(state, KEYS)
    assert loaded == {"bookmarks": {}}
    assert any("partition" in warning for warning in warnings)


def test_interrupted_first_stitch_sync_restarts() -> None:
    state = {
        "currently_syncing": "conversations",
        "bookmarks": {
            "conversations": {
                "last_processed": "1149",
                "last_sync_started_at": "2026-11-23T19:06:45.994762Z",
            }
        },
    }
    loaded, warnings = load_external_state(state, KEYS)
    assert loaded == {"bookmarks": {}, "currently_syncing": "conversations"}
    assert len(warnings) == 1
    assert "start_date" in warnings[0]


def test_sdk_bookmark_for_another_replication_key_is_ignored() -> None:
    state = {"bookmarks": {"contacts": sdk("2021-01-01T00:00:00Z", key="created_at")}}
    loaded, warnings = load_external_state(state, KEYS)
    assert loaded == {"bookmarks": {}}
    assert "created_at" in warnings[0]


def test_unknown_bookmark_keys_and_top_level_keys_warn() -> None:
    state = {
        "bookmarks": {"contacts": {"updated_at": "2021-01-01T00:00:00Z", "cursor": "x"}},
        "something": 1,
    }
    loaded, warnings = load_external_state(state, KEYS)
    assert loaded == {"bookmarks": {"contacts": sdk("2021-01-01T00:00:00.000000Z")}}
    assert len(warnings) == 2


@pytest.mark.parametrize(
    ("currently_syncing", "kept"),
    [("contacts", True), ("tags", True), ("users", False), (5, False), (None, False)],
)
def test_currently_syncing(currently_syncing: object, kept: bool) -> None:
    loaded, warnings = load_external_state(
        {"currently_syncing": currently_syncing, "bookmarks": {}}, KEYS
    )
    if kept:
        assert loaded == {"bookmarks": {}, "currently_syncing": currently_syncing}
    else:
        assert loaded == {"bookmarks": {}}
    assert bool(warnings) == (currently_syncing is not None and not kept)


@pytest.mark.parametrize("state", [None, {}, {"bookmarks": None}, {"bookmarks": {}}])
def test_empty_states(state: dict | None) -> None:
    assert load_external_state(state, KEYS) == ({"bookmarks": {}}, [])


def test_null_values_mean_no_bookmark() -> None:
    state = {"bookmarks": {"contacts": None, "companies": {"updated_at": None}}}
    assert load_external_state(state, KEYS) == ({"bookmarks": {}}, [])


@pytest.mark.parametrize(
    ("state", "stream", "value"),
    [
        ({"bookmarks": {"contacts": {"updated_at": "yesterday"}}}, "contacts", "yesterday"),
        ({"bookmarks": {"contacts": "2021-13-01"}}, "contacts", "2021-13-01"),
        ({"companies": {"updated_at": 1640760200}}, "companies", "1640760200"),
        ({"bookmarks": {"segments": sdk("nope")}}, "segments", "nope"),
        ({"bookmarks": {"contacts": 12}}, "contacts", "12"),
        ({"bookmarks": {"contacts": ["2021-01-01"]}}, "contacts", "2021-01-01"),
    ],
)
def test_malformed_values_raise(state: dict, stream: str, value: str) -> None:
    with pytest.raises(ValueError, match=rf"^state: bookmark for '{stream}'.*{value}"):
        load_external_state(state, KEYS)


@pytest.mark.parametrize("state", [[], "state", 5, {"bookmarks": []}])
def test_non_object_state_raises(state: object) -> None:
    with pytest.raises(ValueError, match="state"):
        load_external_state(state, KEYS)  # type: ignore[arg-type]


def test_load_does_not_mutate_its_input() -> None:
    state = {
        "currently_syncing": "contacts",
        "bookmarks": {
            "contacts": {"updated_at": "2021-01-01T00:00:00Z", "last_processed": "1"},
            "users": "x",
        },
    }
    original = copy.deepcopy(state)
    load_external_state(state, KEYS)
    assert state == original


# ------------------------------------------------------------------ to_external_state


def test_to_external_state_adds_the_stitch_key_and_cleans_up() -> None:
    state = {
        "bookmarks": {
            "tags": {},
            "admins": {},
            "contacts": {
                "replication_key": "updated_at",
                "replication_key_value": "2021-01-01T10:00:00+00:00",
                "starting_replication_value": "2020-01-01T00:00:00+00:00",
                "replication_key_signpost": "2026-01-01T00:00:00+00:00",
                "progress_markers": {"Note": "x"},
            },
            "conversation_parts": {
                "replication_key": "updated_at",
                "replication_key_value": "2021-02-01T00:00:00.000000Z",
                "partitions": [],
            },
            # only transient keys: nothing to keep
            "companies": {"starting_replication_value": "2020-01-01T00:00:00+00:00"},
        }
    }
    original = copy.deepcopy(state)
    out = to_external_state(state, KEYS, currently_syncing="contacts")
    assert out == {
        "currently_syncing": "contacts",
        "bookmarks": {
            "contacts": {
                "replication_key": "updated_at",
                "replication_key_value": "2021-01-01T10:00:00.000000Z",
                "updated_at": "2021-01-01T10:00:00.000000Z",
            },
            "conversation_parts": {
                "replication_key": "updated_at",
                "replication_key_value": "2021-02-01T00:00:00.000000Z",
                "updated_at": "2021-02-01T00:00:00.000000Z",
            },
        },
    }
    assert state == original


def test_to_external_state_currently_syncing_always_present() -> None:
    assert to_external_state({}, KEYS) == {"currently_syncing": None, "bookmarks": {}}
    assert to_external_state({"bookmarks": {}}, KEYS, currently_syncing="tags") == {
        "currently_syncing": "tags",
        "bookmarks": {},
    }


def test_to_external_state_keeps_non_empty_partitions_without_transient_keys() -> None:
    partition = {
        "context": {"conversation_id": "1"},
        "replication_key": "updated_at",
        "replication_key_value": "2021-01-01T00:00:00Z",
        "progress_markers": {"Note": "x"},
    }
    out = to_external_state(
        {"bookmarks": {"conversation_parts": {"partitions": [partition]}}}, KEYS
    )
    assert out["bookmarks"]["conversation_parts"] == {
        "partitions": [
            {
                "context": {"conversation_id": "1"},
                "replication_key": "updated_at",
                "replication_key_value": "2021-01-01T00:00:00Z",
            }
        ]
    }


def test_to_external_state_uses_the_mapping_when_replication_key_is_missing() -> None:
    out = to_external_state(
        {"bookmarks": {"contacts": {"replication_key_value": "2021-01-01"}}}, KEYS
    )
    assert out["bookmarks"]["contacts"] == sdk("2021-01-01T00:00:00.000000Z") | {
        "updated_at": "2021-01-01T00:00:00.000000Z"
    }


def test_to_external_state_rejects_non_datetime_values() -> None:
    with pytest.raises(ValueError, match="'contacts'"):
        to_external_state({"bookmarks": {"contacts": sdk("soon")}}, KEYS)


def test_to_external_state_is_stable() -> None:
    a = {"bookmarks": {"segments": sdk("2021-01-01T00:00:00Z"), "contacts": sdk("2021-01-01")}}
    b = {"bookmarks": dict(reversed(list(a["bookmarks"].items())))}
    assert json.dumps(to_external_state(a, KEYS)) == json.dumps(to_external_state(b, KEYS))


def test_stitch_can_read_what_we_write() -> None:
    """Stitch's tap reads bookmarks[stream]["updated_at"] (singer.get_bookmark)."""
    out = to_external_state({"bookmarks": {"contacts": sdk("2021-06-01T12:00:00+02:00")}}, KEYS)
    assert out["bookmarks"]["contacts"]["updated_at"] == "2021-06-01T10:00:00.000000Z"


# ------------------------------------------------------------------ round trips

DATETIMES = st.datetimes(
    min_value=dt.datetime(1, 1, 2),
    max_value=dt.datetime(9999, 12, 30),
    timezones=st.sampled_from(
        [dt.timezone.utc, dt.timezone(dt.timedelta(hours=-7)), dt.timezone(dt.timedelta(hours=9))]
    ),
)


def _iso(value: dt.datetime, style: int) -> str:
    if style == 0:
        return format_datetime(value)
    if style == 1:
        return value.isoformat()
    return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


TRANSIENT = st.fixed_dictionaries(
    {},
    optional={
        "starting_replication_value": st.just("2020-01-01T00:00:00+00:00"),
        "replication_key_signpost": st.just("2030-01-01T00:00:00+00:00"),
        "progress_markers": st.just({"Note": "x", "replication_key_value": "2031-01-01"}),
        "partitions": st.just([]),
    },
)


@st.composite
def sdk_states(draw: st.DrawFn) -> dict[str, Any]:
    streams = draw(st.lists(st.sampled_from(sorted(KEYS)), unique=True, max_size=len(KEYS)))
    bookmarks: dict[str, Any] = {}
    for stream in streams:
        key = KEYS[stream]
        if key is None:
            bookmarks[stream] = {}
            continue
        value = _iso(draw(DATETIMES), draw(st.integers(0, 2)))
        bookmarks[stream] = {**sdk(value, key), **draw(TRANSIENT)}
    return {"bookmarks": bookmarks}


@settings(max_examples=150, deadline=None)
@given(sdk_states(), st.sampled_from([None, *sorted(KEYS)]))
def test_sdk_state_round_trip(state: dict, currently_syncing: str | None) -> None:
    original = copy.deepcopy(state)
    external = to_external_state(state, KEYS, currently_syncing=currently_syncing)
    assert state == original
    json.dumps(external)  # serialisable
    loaded, warnings = load_external_state(external, KEYS)
    assert warnings == []
    assert loaded.get("currently_syncing") == currently_syncing
    expected = {
        stream: bookmark
        for stream, bookmark in state["bookmarks"].items()
        if KEYS[stream] is not None
    }
    assert set(loaded["bookmarks"]) == set(expected)
    for stream, bookmark in expected.items():
        got = loaded["bookmarks"][stream]
        assert got["replication_key"] == bookmark["replication_key"]
        assert parse_datetime(got["replication_key_value"]) == parse_datetime(
            bookmark["replication_key_value"]
        )
        if bookmark["replication_key_value"] == format_datetime(
            parse_datetime(bookmark["replication_key_value"])
        ):
            assert got["replication_key_value"] == bookmark["replication_key_value"]
    # writing what we loaded gives the same external state (fixed point)
    assert to_external_state(loaded, KEYS, currently_syncing=currently_syncing) == external


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(st.sampled_from(INCREMENTAL), DATETIMES.map(format_datetime)),
    st.booleans(),
)
def test_stitch_state_round_trip(values: dict[str, str], flat: bool) -> None:
    bookmarks = {stream: {"updated_at": value} for stream, value in values.items()}
    stitch = bookmarks if flat else {"currently_syncing": None, "bookmarks": bookmarks}
    loaded, warnings = load_external_state(stitch, KEYS)
    assert warnings == []
    external = to_external_state(loaded, KEYS)
    assert {stream: b["updated_at"] for stream, b in external["bookmarks"].items()} == values
    assert external["currently_syncing"] is None
