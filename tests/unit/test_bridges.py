"""The pure parts of `tap_intercom/bridges.py`: which ids a parent's list links to, and the
rows of one parent."""

from __future__ import annotations

from tap_intercom.bridges import advance_bookmark, link_rows, linked_ids


def test_ids_of_objects_and_of_bare_ids_as_strings():
    assert linked_ids([{"type": "tag", "id": 7}, {"id": "8"}]) == ["7", "8"]
    assert linked_ids([991267400, 991267401]) == ["991267400", "991267401"]


def test_a_wrapper_is_unwrapped_by_its_list_key():
    assert linked_ids({"type": "admin.list", "admins": [{"id": "1"}]}, "admins") == ["1"]
    assert linked_ids({"type": "admin.list", "admins": None}, "admins") == []


def test_entries_without_an_id_and_repeats_are_left_out():
    value = [{"id": None}, {"name": "x"}, "3", {"id": "3"}, {"id": {"nested": 1}}, True, {}]
    assert linked_ids(value) == ["3"]


def test_anything_but_a_list_links_nothing():
    for value in (None, "tags", 5, {"tags": [{"id": 1}]}):
        assert linked_ids(value) == []


def test_rows_with_and_without_a_version_column():
    keys = ("contact_id", "tag_id", "contact_updated_at")
    assert link_rows(keys, "c1", ["t1", "t2"], "2024-01-01T00:00:00.000000Z") == [
        {"contact_id": "c1", "tag_id": "t1", "contact_updated_at": "2024-01-01T00:00:00.000000Z"},
        {"contact_id": "c1", "tag_id": "t2", "contact_updated_at": "2024-01-01T00:00:00.000000Z"},
    ]
    assert link_rows(("team_id", "admin_id", None), "9", ["1"], None) == [
        {"team_id": "9", "admin_id": "1"}
    ]
    assert link_rows(keys, "c1", [], "x") == []


def test_a_bookmark_only_moves_forward():
    state: dict = {}
    advance_bookmark(state, "contact_updated_at", "2024-01-02T00:00:00.000000Z")
    assert state == {
        "replication_key": "contact_updated_at",
        "replication_key_value": "2024-01-02T00:00:00.000000Z",
    }
    advance_bookmark(state, "contact_updated_at", "2024-01-01T00:00:00.000000Z")
    assert state["replication_key_value"] == "2024-01-02T00:00:00.000000Z"
    advance_bookmark(state, "contact_updated_at", "2024-01-03T00:00:00.000000Z")
    assert state["replication_key_value"] == "2024-01-03T00:00:00.000000Z"
