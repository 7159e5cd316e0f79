"""Tombstones: a record that says "this key was deleted in Intercom".

A tombstone is a RECORD holding the stream's key and `_sdc_deleted_at` (the Singer convention
Stitch's loaders and the SDK's targets with `add_record_metadata` understand): a target upserts
it on the key, so the row stays with `_sdc_deleted_at` set. Each stream that can learn about
deletions declares `_sdc_deleted_at` in its schema.

`GET /conversations/deleted` (2.16+) lists deleted conversations, newest deletion first
(`order=desc`, the default: reading stops at the first page that reaches back past the bound,
so a run costs one request per 60 new deletions; `asc` would page through every deletion ever
made). The bound is its own bookmark, `deleted_at` beside the conversations' bookmark: the
second of the newest deletion the previous run read (inclusive), else the conversations'
lower bound. It is sent with `Intercom-Version: 2.16` when the configured version is older (the
header is per request).

Merged contacts without Preview: from 2.16 contact search returns, with
`include_merge_history=true`, each user's `merge_history` (the leads merged into it, with
`merged_at`); a merge writes the user, so the run that reads its change tombstones the leads
(`merged_away`). Before 2.16 nothing outside Preview names a merged or deleted contact.

Deleted and merged contacts come from the Preview `GET /contacts/activities` (opt-in,
`contact_deletions_preview`: Preview can change without notice), events oldest first with a
cursor: the cursor after the last event read is the bookmark (`activities_after`); a
`contact.deleted` event tombstones its contact, a `contact.merged` one the merged-away
`merge_source_id`. The first run reads the workspace's whole event history once.
"""

from __future__ import annotations

import datetime
import time
import typing as t

from singer_sdk.singerlib import RecordMessage

from tap_intercom import bounds
from tap_intercom.api_versions import ApiVersion
from tap_intercom.dates import epoch_to_datetime
from tap_intercom.responses import response_json

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from tap_intercom.client import IntercomStream

DELETED_AT = "_sdc_deleted_at"
#: The key, beside the conversations' bookmark, of how far the deleted listing was read.
DELETED_BOOKMARK = "deleted_at"
DELETED_CONVERSATIONS_VERSION = ApiVersion(2, 16)
#: The listing's largest page.
DELETED_PAGE_SIZE = 60
#: The first version whose contact search can include `merge_history`.
MERGE_HISTORY_VERSION = ApiVersion(2, 16)
ACTIVITIES_BOOKMARK = "activities_after"
ACTIVITIES_PAGE_SIZE = 150


def write_tombstone(stream: IntercomStream, key: dict[str, t.Any], deleted_at: str) -> None:
    """One tombstone RECORD through the stream's maps (aliases, filters), as the SDK writes."""
    record = {**key, DELETED_AT: deleted_at}
    for stream_map in stream.stream_maps:
        mapped = stream_map.transform(record)
        if mapped is not None:
            stream.intercom_tap.write_message(
                RecordMessage(
                    stream=stream_map.stream_alias,
                    record=mapped,
                    time_extracted=datetime.datetime.now(datetime.timezone.utc),
                )
            )


def now_datetime() -> str:
    """The current second as a date-time: when a deletion seen mid-run was detected."""
    return t.cast("str", epoch_to_datetime(int(time.time())))


def write_deleted_conversations(stream: IntercomStream) -> None:
    """A tombstone per conversation deleted since the listing's bookmark; then the bookmark
    moves to the newest deletion read, inclusive: a conversation deleted later in that same
    second (after the request) is read next run, with the few of that second read again.
    It is taken from the data, not the clock, so a parallel run writes the same state as a
    sequential one."""
    state = stream.stream_state
    saved = state.get(DELETED_BOOKMARK)
    since = bounds.lower_bound(saved, stream.run.settings.start_date) if saved else None
    newest = stream.lower_bound if since is None else since
    for item in deleted_conversations(stream, newest):
        write_tombstone(stream, {"id": item["id"]}, item["deleted_at"])
        newest = max(newest, bounds.lower_bound(item["deleted_at"], item["deleted_at"]))
    state[DELETED_BOOKMARK] = epoch_to_datetime(newest)


def deleted_conversations(stream: IntercomStream, since: bounds.Epoch) -> Iterable[dict]:
    """`{id, deleted_at}` of every conversation deleted at or after `since` (epoch seconds),
    newest first; pages are read until one reaches back past `since`."""
    # The configured version when it has the listing, else 2.16 on this request only.
    version = str(max(stream.run.settings.version, DELETED_CONVERSATIONS_VERSION))
    url: str | None = "/conversations/deleted"
    params: dict[str, t.Any] | None = {"per_page": DELETED_PAGE_SIZE, "order": "desc"}
    while url:
        response = stream.fetch(url, params=params, headers={"Intercom-Version": version})
        body = response_json(response)
        if not isinstance(body, dict):
            return
        for item in body.get("conversations") or []:
            epoch = bounds.epoch_of(item.get("deleted_at")) if isinstance(item, dict) else None
            if epoch is None or item.get("id") is None:
                continue
            if epoch < since:
                return
            yield {"id": str(item["id"]), "deleted_at": epoch_to_datetime(epoch)}
        pages = body.get("pages") or {}
        url = pages.get("next") if isinstance(pages, dict) else None
        params = None


def write_contact_deletions(stream: IntercomStream) -> set[str]:
    """A tombstone per contact deleted or merged away since the saved cursor; then the cursor
    moves past the last event read (it is written once the events' tombstones are out).
    Returns the ids tombstoned."""
    state = stream.stream_state
    cursor = state.get(ACTIVITIES_BOOKMARK)
    written: set[str] = set()
    while True:
        params: dict[str, t.Any] = {"per_page": ACTIVITIES_PAGE_SIZE}
        if cursor:
            params["starting_after"] = cursor
        body = response_json(
            stream.fetch(
                "/contacts/activities", params=params, headers={"Intercom-Version": "Preview"}
            )
        )
        events = body.get("data") if isinstance(body, dict) else None
        for event in events or []:
            if not isinstance(event, dict):
                continue
            gone = {
                "contact.deleted": event.get("contact_id"),
                "contact.merged": event.get("merge_source_id"),
            }.get(str(event.get("event_type")))
            at = epoch_to_datetime(bounds.epoch_of(event.get("created_at")))
            if gone and at:
                write_tombstone(stream, {"id": str(gone)}, at)
                written.add(str(gone))
            if event.get("id") is not None:
                cursor = str(event["id"])
        if cursor:
            state[ACTIVITIES_BOOKMARK] = cursor
        pages = body.get("pages") if isinstance(body, dict) else None
        following = pages.get("next") if isinstance(pages, dict) else None
        if not events or not isinstance(following, dict) or not following.get("starting_after"):
            return written
        cursor = str(following["starting_after"])


def merged_away(history: t.Any, fallback: t.Any) -> list[tuple[str, str]]:
    """(id, `_sdc_deleted_at`) of each contact a user's `merge_history` names; a merge without
    `merged_at` is dated `fallback` (the user's `updated_at`)."""
    out = []
    for item in history if isinstance(history, list) else []:
        source = item.get("source_contact_id") if isinstance(item, dict) else None
        if source is None:
            continue
        at = epoch_to_datetime(bounds.epoch_of(item.get("merged_at")))
        at = at or epoch_to_datetime(bounds.epoch_of(fallback))
        if at:
            out.append((str(source), at))
    return out
