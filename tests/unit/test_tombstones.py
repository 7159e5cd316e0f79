"""`tap_intercom/tombstones.py`'s pure part: the merged-away contacts a user's history names."""

from __future__ import annotations

import pytest

from tap_intercom.tombstones import merged_away

USER_UPDATED = 1_700_000_100


def test_each_history_item_is_a_merged_contact_dated_by_merged_at():
    history = [
        {"type": "merge_history", "source_contact_id": "a1", "merged_at": 1_700_000_000},
        {"type": "merge_history", "source_contact_id": "b2", "merged_at": 1_700_000_050},
    ]
    assert merged_away(history, USER_UPDATED) == [
        ("a1", "2023-11-14T22:13:20.000000Z"),
        ("b2", "2023-11-14T22:14:10.000000Z"),
    ]


def test_a_merge_without_merged_at_is_dated_by_the_user_change():
    history = [{"source_contact_id": "a1", "merged_at": None}]
    assert merged_away(history, USER_UPDATED) == [("a1", "2023-11-14T22:15:00.000000Z")]


@pytest.mark.parametrize(
    "history",
    [None, [], "not a list", [{"merged_at": 1}], [None], [{"source_contact_id": None}]],
)
def test_no_or_unusable_history_names_nobody(history):
    assert merged_away(history, USER_UPDATED) == []


def test_an_undatable_merge_is_left_out():
    assert merged_away([{"source_contact_id": "a1"}], None) == []
