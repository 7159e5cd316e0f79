"""Deletions and merges: records that vanish from the workspace, and the truth about them.

``delete(...)`` (``POST /__fake/delete``) removes records, each with a ``deleted_at`` (now):

- conversations vanish from search and ``GET /conversations/{id}`` (404) and are listed by
  ``GET /conversations/deleted`` (2.16+);
- contacts are deleted (404) or merged into another contact (404 before 2.16, then 410 with a
  ``Link`` to the survivor); both vanish from search and lists. A merge is Intercom's
  ``POST /contacts/merge``: a lead (``from``) into a user (``into``); it writes the user (its
  ``updated_at`` moves to the merge), whose ``merge_history`` (2.16+,
  ``include_merge_history=true``) then names the lead;
- companies vanish from the scroll, the lists and ``GET /companies/{id}`` (404), with their
  segment memberships (Intercom archives a deleted company);
- tags, teams, contact segments, collections and help centers vanish from their lists.

``deleted_keys(stream)`` is what a warehouse must mark deleted; the ground truth is the live
records only. Nothing is deleted unless asked, so the default data is unchanged.
"""

from __future__ import annotations

import time
from random import Random
from typing import Any

from fake_intercom.data.ids import (
    CONTACT_BASE,
    CONVERSATION_BASE,
    company_id,
    contact_id,
    parse_hex_id,
)
from fake_intercom.data.state import DatasetState

#: Small resources removable by ``delete``: the stream and the Dataset list holding it.
LISTED = {
    "tags": "tags",
    "teams": "teams",
    "segments": "contact_segments",
    "collections": "collections",
    "help_centers": "help_centers",
}


class DeletionRecords(DatasetState):
    removed: dict[str, dict[int, int]]
    merged_into: dict[int, int]
    merge_history: dict[int, list[dict[str, Any]]]
    removed_listed: dict[str, list[str]]
    contact_activities: list[dict[str, Any]]

    def init_deletions(self) -> None:
        #: resource ("conversations", "contacts") -> record index -> deleted_at (epoch).
        self.removed = {"conversations": {}, "contacts": {}, "companies": {}}
        #: merged contact index -> surviving contact index.
        self.merged_into = {}
        #: surviving contact index -> its `merge_history` items, oldest first.
        self.merge_history = {}
        #: stream -> ids removed from its list.
        self.removed_listed = {stream: [] for stream in LISTED}
        #: Preview `GET /contacts/activities` events (deleted, merged), oldest first.
        self.contact_activities = []

    def is_removed(self, resource: str, i: int) -> bool:
        return i in self.removed.get(resource, {})

    def delete(self, now: float | None = None, **counts: int) -> dict[str, list[str]]:
        """Remove ``counts[stream]`` random live records of each stream (``merge_contacts``:
        contacts merged into a live contact); returns the removed ids per stream."""
        wall = int(now if now is not None else time.time())
        out: dict[str, list[str]] = {}
        with self.lock:
            self.data_version += 1
            r = Random(f"{self.seed}:delete:{self.data_version}")
            for stream, n in sorted(counts.items()):
                if not n:
                    continue
                if stream in LISTED:
                    items: list[dict[str, Any]] = getattr(self, LISTED[stream])
                    gone = r.sample(range(len(items)), min(int(n), len(items)))
                    out[stream] = [str(items[k]["id"]) for k in sorted(gone)]
                    items[:] = [item for k, item in enumerate(items) if k not in set(gone)]
                    self.removed_listed[stream] += out[stream]
                    continue
                resource = "contacts" if stream == "merge_contacts" else stream
                if resource not in self.removed:
                    msg = f"cannot delete {stream!r}"
                    raise ValueError(msg)
                bulk = self.bulks[resource]
                live = [i for i in range(bulk.count) if i not in self.removed[resource]]
                if stream == "merge_contacts":
                    picked = self._merge_contacts(r, live, int(n), wall)
                else:
                    picked = sorted(r.sample(live, min(int(n), max(0, len(live) - 1))))
                for i in picked:
                    self.removed[resource][i] = wall
                    if resource == "contacts":
                        self._contact_activity(i, wall)
                out[stream] = [_ID_OF[resource](i) for i in picked]
        return out

    def delete_contacts(
        self, ids: list[str], into: str | None = None, now: float | None = None
    ) -> list[str]:
        """Delete the live contacts of `ids`, or merge them `into` a contact (a test that needs
        a given contact gone: e.g. right after search returned it); returns the ids gone."""
        wall = int(now if now is not None else time.time())
        out = []
        with self.lock:
            self.data_version += 1
            survivor = (
                None if into is None else parse_hex_id(into, CONTACT_BASE, self.contacts.count)
            )
            for cid in ids:
                i = parse_hex_id(cid, CONTACT_BASE, self.contacts.count)
                if i is not None and i != survivor and i not in self.removed["contacts"]:
                    if survivor is not None:
                        self._merge(i, survivor, wall)
                    self.removed["contacts"][i] = wall
                    self._contact_activity(i, wall)
                    out.append(cid)
        return out

    def _merge(self, i: int, survivor: int, wall: int) -> None:
        """Contact `i` merged into `survivor`: its history names `i`, and it is written."""
        self.merged_into[i] = survivor
        self.merge_history.setdefault(survivor, []).append(
            {
                "type": "merge_history",
                "source_contact_id": contact_id(i),
                "source_contact_role": "lead",
                "merged_at": wall,
            }
        )
        bulk = self.bulks["contacts"]
        bulk.set_updated(survivor, max(wall, bulk.updated[survivor] + 1))

    def _merge_contacts(self, r: Random, live: list[int], n: int, wall: int) -> list[int]:
        """Merge up to `n` live leads, each into a live user (the user's `updated_at` moves to
        the merge and its merge history gains the lead); returns the merged leads."""
        leads: list[int] = []
        users: list[int] = []
        # Contacts in random order until there are `n` leads and a user (no full scan).
        for i in r.sample(live, len(live)):
            (leads if self.contact(i)["role"] == "lead" else users).append(i)
            if len(leads) >= n and users:
                break
        picked = sorted(leads[:n]) if users else []
        for i in picked:
            self._merge(i, r.choice(users), wall)
        return picked

    def _contact_activity(self, i: int, wall: int) -> None:
        n = len(self.contact_activities)
        event: dict[str, Any] = {
            "type": "contact_activity",
            "id": f"{wall * 1000}.{n:06x}",
            "created_at": wall,
        }
        survivor = self.merged_into.get(i)
        if survivor is None:
            event.update(event_type="contact.deleted", contact_id=contact_id(i), role="user")
        else:
            event.update(
                event_type="contact.merged",
                contact_id=contact_id(survivor),
                role="user",
                merge_source_id=contact_id(i),
                merge_target_id=contact_id(survivor),
            )
        self.contact_activities.append(event)

    def deleted_keys(self, stream: str) -> list[str]:
        """Ids of the records of ``stream`` that were deleted or merged."""
        with self.lock:
            if stream in LISTED:
                return list(self.removed_listed[stream])
            if stream == "company_segments":
                gone = self.removed["companies"]
                return [
                    f"{company_id(i)}/{s['id']}"
                    for i in sorted(gone)
                    for s in self.company_segment_list(i)
                ]
            ids = _ID_OF.get(stream, _conversation_id)
            return [ids(i) for i in sorted(self.removed.get(stream, {}))]

    def deleted_conversations_list(self) -> list[dict[str, Any]]:
        """``GET /conversations/deleted`` items, oldest deletion first."""
        with self.lock:
            items = sorted(self.removed["conversations"].items(), key=lambda kv: (kv[1], kv[0]))
        return [
            {
                "type": "deleted_conversation",
                "id": _conversation_id(i),
                "deleted_at": deleted_at,
                "metrics_retained": True,
            }
            for i, deleted_at in items
        ]


def _conversation_id(i: int) -> str:
    return str(CONVERSATION_BASE + i)


_ID_OF = {"contacts": contact_id, "conversations": _conversation_id, "companies": company_id}
