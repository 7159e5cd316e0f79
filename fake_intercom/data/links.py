"""Links: the (parent id, linked id) pairs inside contacts, conversations, companies and teams,
the ground truth of the bridge streams, and their removal.

``unlink(contact_tags=n, ...)`` (``POST /__fake/unlink``) removes one link from each of ``n``
random parents that have one. A contact or conversation then gets a new version (its
``updated_at`` moves to now, as Intercom's does when its tags change); a company does not (its
bridge is a full table, which must see a removal without a new version); a team has none.
The record builders filter what was unlinked (``live_links``), so every endpoint agrees.
"""

from __future__ import annotations

import time
from random import Random
from typing import Any

from fake_intercom.data.bulk import LOW_MASK, SHIFT
from fake_intercom.data.ids import CONVERSATION_BASE, company_id, contact_id
from fake_intercom.data.state import DatasetState

#: bridge -> (parent resource, parent key, linked key, version key or None).
BRIDGES: dict[str, tuple[str, str, str, str | None]] = {
    "contact_tags": ("contacts", "contact_id", "tag_id", "contact_updated_at"),
    "contact_companies": ("contacts", "contact_id", "company_id", "contact_updated_at"),
    "conversation_tags": ("conversations", "conversation_id", "tag_id", "conversation_updated_at"),
    "conversation_contacts": (
        "conversations",
        "conversation_id",
        "contact_id",
        "conversation_updated_at",
    ),
    "conversation_teammates": (
        "conversations",
        "conversation_id",
        "admin_id",
        "conversation_updated_at",
    ),
    "company_tags": ("companies", "company_id", "tag_id", "company_updated_at"),
    "team_admins": ("teams", "team_id", "admin_id", None),
}
#: Parents whose `updated_at` moves when one of their links is removed.
VERSIONED = {"contacts", "conversations"}
_PARENT_IDS = {
    "contacts": contact_id,
    "companies": company_id,
    "conversations": lambda i: str(CONVERSATION_BASE + i),
}


class LinkRecords(DatasetState):
    unlinked: dict[str, dict[int, set[str]]]

    def init_links(self) -> None:
        #: bridge -> parent index -> linked ids removed from it.
        self.unlinked = {bridge: {} for bridge in BRIDGES}

    def live_links(self, bridge: str, i: int, ids: list[str]) -> list[bool]:
        """For each of parent ``i``'s generated linked ``ids``: whether it is still linked."""
        gone = self.unlinked[bridge].get(i)
        return [True] * len(ids) if not gone else [str(x) not in gone for x in ids]

    def conversation_tag_ids(self, i: int) -> list[str]:
        if i % 5:
            return []
        tag = str(self.tags[i % len(self.tags)]["id"])
        return [tag] if all(self.live_links("conversation_tags", i, [tag])) else []

    def conversation_contact_ids(self, i: int) -> list[str]:
        cid = contact_id((i * 7) % max(1, self.contacts.count))
        return [cid] if all(self.live_links("conversation_contacts", i, [cid])) else []

    def conversation_teammate_ids(self, i: int) -> list[str] | None:
        """None: the conversation has no `teammates` object (a sparse one)."""
        if i % 19 == 11:
            return None
        ids = [str(a["id"]) for a in self.admins[: 1 + i % 3]]
        live = self.live_links("conversation_teammates", i, ids)
        return [x for x, keep in zip(ids, live, strict=True) if keep]

    def links_of(self, bridge: str, i: int) -> list[str]:
        """The ids parent ``i`` links to through ``bridge`` now."""
        if bridge == "contact_tags":
            return [str(t["id"]) for t, _ in self.contact_tag_ids(i)]
        if bridge == "contact_companies":
            return [company_id(c) for c in self.contact_company_idx(i)]
        if bridge == "conversation_tags":
            return self.conversation_tag_ids(i)
        if bridge == "conversation_contacts":
            return self.conversation_contact_ids(i)
        if bridge == "conversation_teammates":
            return self.conversation_teammate_ids(i) or []
        if bridge == "company_tags":
            return [str(t["id"]) for t in self.company(i)["tags"]["tags"]]
        return [str(a) for a in self.teams[i]["admin_ids"]]

    def link_truth(self, bridge: str, lo: int) -> tuple[list[str], list[dict[str, Any]]]:
        """(key properties, rows) of ``bridge`` for a sync from ``lo``: every link of every
        live parent (incremental bridges: updated at or after ``lo``), with the parent's
        ``updated_at`` as the row's ``updated_at`` (None for teams)."""
        resource, parent_key, link_key, _ = BRIDGES[bridge]
        rows: list[dict[str, Any]] = []
        if resource == "teams":
            for k, team in enumerate(self.teams):
                rows.extend(
                    {parent_key: team["id"], link_key: x, "updated_at": None}
                    for x in self.links_of(bridge, k)
                )
            return [parent_key, link_key], rows
        bulk = self.bulks[resource]
        full_table = resource == "companies"
        gone = self.removed.get(resource, {})
        for key in self._bulk_from(bulk, -(1 << 62) if full_table else lo):
            i = key & LOW_MASK
            parent = _PARENT_IDS[resource](i)
            if i in gone or parent in self.deleted_conversations:
                continue
            rows.extend(
                {parent_key: parent, link_key: x, "updated_at": key >> SHIFT}
                for x in self.links_of(bridge, i)
            )
        return [parent_key, link_key], rows

    def unlink(self, now: float | None = None, **counts: int) -> dict[str, list[list[str]]]:
        """Remove one link from each of ``counts[bridge]`` random parents that have one;
        returns, per bridge, the removed ``[parent id, linked id]`` pairs."""
        wall = int(now if now is not None else time.time())
        out: dict[str, list[list[str]]] = {}
        with self.lock:
            self.data_version += 1
            r = Random(f"{self.seed}:unlink:{self.data_version}")
            for bridge, n in sorted(counts.items()):
                if bridge not in BRIDGES:
                    msg = f"cannot unlink {bridge!r}"
                    raise ValueError(msg)
                resource = BRIDGES[bridge][0]
                size = len(self.teams) if resource == "teams" else self.bulks[resource].count
                linked = [i for i in range(size) if self.links_of(bridge, i)]
                removed = []
                for i in sorted(r.sample(linked, min(int(n), len(linked)))):
                    target = r.choice(self.links_of(bridge, i))
                    if resource == "teams":
                        team = self.teams[i]
                        team["admin_ids"] = [a for a in team["admin_ids"] if str(a) != target]
                        removed.append([str(team["id"]), target])
                        continue
                    self.unlinked[bridge].setdefault(i, set()).add(target)
                    removed.append([_PARENT_IDS[resource](i), target])
                    if resource in VERSIONED:
                        self._new_version(resource, i, wall)
                out[bridge] = removed
        return out

    def _new_version(self, resource: str, i: int, wall: int) -> None:
        """``updated_at`` to now (past the newest of the resource, as ``mutate`` does)."""
        bulk = self.bulks[resource]
        ts = max(wall, bulk.max_updated() + 1)
        if resource == "conversations":
            if i not in self.extra_parts:
                self._orig_updated[i] = bulk.updated[i]
            self.extra_parts.setdefault(i, []).append(ts)
        bulk.set_updated(i, ts)
