"""Ticket records, generated on demand from ``(seed, index)``, with their parts on request."""

from __future__ import annotations

import bisect
import time
from random import Random
from typing import Any

from fake_intercom.data import ticket_catalog
from fake_intercom.data.bulk import LOW_MASK, SHIFT
from fake_intercom.data.ids import PART_BASE, TICKET_BASE, contact_id
from fake_intercom.data.state import DatasetState
from fake_intercom.data.vocabulary import words

#: Intercom returns a ticket's 500 most recent parts (`total_count` still counts them all).
TICKET_PARTS_CAP = 500
#: Parts of a ticket that has more than the cap (every 500th ticket, from the third).
MANY_PARTS = 520
#: The streams `ticket_truth` answers for.
TICKET_CHILD_STREAMS = ("ticket_parts", "ticket_contacts", "ticket_types", "ticket_states")


class TicketRecords(DatasetState):
    def ticket_part_count(self, i: int) -> int:
        return MANY_PARTS if i % 500 == 2 else 1 + i % 4

    def ticket_part_id(self, i: int, j: int) -> str:
        return str(PART_BASE * 2 + i * 1000 + j)

    def ticket_part_times(self, i: int) -> list[int]:
        """created_at of every part of ticket i, oldest first (the last at its updated_at)."""
        created, updated = self.tickets.created[i], self.tickets.updated[i]
        n = self.ticket_part_count(i)
        return [created + (updated - created) * (j + 1) // n for j in range(n)]

    def ticket_contact_ids(self, i: int) -> list[str]:
        """The contacts of ticket i: one, or two for every third ticket; a new version of the
        ticket (`mutate`) moves it to other contacts, so a link can disappear."""
        n = max(1, self.contacts.count)
        version = self.tickets.version.get(i, 0)
        first = (i * 13 + version * 7) % n
        picked = [first] if i % 3 else [first, (first + 1 + i % 5) % n]
        return [contact_id(c) for c in dict.fromkeys(picked)]

    def ticket(self, i: int, with_parts: bool = False) -> dict[str, Any]:
        r = Random(f"{self.seed}:ticket:{i}")
        created = self.tickets.created[i]
        updated = self.tickets.updated[i]
        cat = r.choice(list(ticket_catalog.CATEGORIES))
        st = r.choice(list(ticket_catalog.STATE_CATEGORIES))
        admin = r.choice(self.admins)
        ticket_type = ticket_catalog.ticket_type(cat, with_states=False)
        rec: dict[str, Any] = {
            "type": "ticket",
            "id": str(TICKET_BASE + i),
            "ticket_id": str(100 + i),
            "category": cat,
            "ticket_attributes": {
                "_default_title_": f"Ticket {i}: {words(r, 3)}",
                "_default_description_": words(r, 10),
                "Priority level": r.choice(["Low", "High", None]),
                "Estimated hours": round(r.random() * 10, 1),
                "Customer impacted": r.random() < 0.5,
                "Components": ["api", "ui"][: 1 + i % 2],
                "Screenshot": {
                    "type": "upload",
                    "name": "s.png",
                    "url": f"https://files.example/t/{i}.png",
                    "content_type": "image/png",
                    "filesize": 100,
                    "width": 10,
                    "height": 10,
                }
                if i % 4 == 0
                else None,
                "Due date": created + 7 * 86_400 if i % 2 else None,
                "Story points": i % 8,
            },
            "ticket_state": ticket_catalog.state(
                int(ticket_catalog.state_id(st)),
            ),
            "ticket_type": ticket_type,
            "contacts": {
                "type": "contact.list",
                "contacts": [
                    {"type": "contact", "id": cid, "external_id": f"ext-{cid[-6:]}"}
                    for cid in self.ticket_contact_ids(i)
                ],
            },
            "admin_assignee_id": admin["id"] if i % 3 else "0",
            "team_assignee_id": self.teams[i % len(self.teams)]["id"] if i % 2 else "0",
            "created_at": created,
            "updated_at": updated,
            "open": st != "resolved",
            "snoozed_until": None,
            "linked_objects": {"type": "list", "total_count": 0, "has_more": False, "data": []},
            "is_shared": i % 2 == 0,
        }
        if with_parts:
            rec["ticket_parts"] = self._ticket_parts(i, r, st, admin)
        return rec

    def _ticket_parts(self, i: int, r: Random, st: str, admin: dict[str, Any]) -> dict[str, Any]:
        times = self.ticket_part_times(i)
        first = max(0, len(times) - TICKET_PARTS_CAP)
        parts = []
        for j in range(first, len(times)):
            t = times[j]
            parts.append(
                {
                    "type": "ticket_part",
                    "id": self.ticket_part_id(i, j),
                    "part_type": "comment" if j else "ticket_state_updated_by_admin",
                    "body": f"<p>{words(r, 6)}</p>" if j else None,
                    "previous_ticket_state": "submitted",
                    "ticket_state": st,
                    "created_at": t,
                    "updated_at": t,
                    "assigned_to": None,
                    "author": {
                        "type": "admin",
                        "id": admin["id"],
                        "name": admin["name"],
                        "email": admin["email"],
                    },
                    "attachments": [],
                    "external_id": None,
                    "redacted": False,
                    "app_package_code": None,
                    "updated_attribute_data": None,
                }
            )
        return {"type": "ticket_part.list", "ticket_parts": parts, "total_count": len(times)}

    # --- changes and ground truth -------------------------------------------------------------

    def mutate_tickets(self, n: int, now: float | None = None) -> list[str]:
        """Give `n` random tickets a new version (`updated_at` past the newest ticket's), which
        also moves them to other contacts (`ticket_contact_ids`). Their ids."""
        with self.lock:
            self.data_version += 1
            r = Random(f"{self.seed}:mutate-tickets:{self.data_version}")
            bulk = self.tickets
            ts = max(int(now if now is not None else time.time()), bulk.max_updated() + 1)
            picked = sorted(r.sample(range(bulk.count), min(int(n), bulk.count)))
            for i in picked:
                bulk.set_updated(i, ts)
        return [str(TICKET_BASE + i) for i in picked]

    def ticket_truth(self, stream: str, lo: int) -> tuple[list[str], list[dict[str, Any]]]:
        """(keys, records) of the ticket streams other than `tickets` (caller holds the lock)."""
        if stream == "ticket_types":
            return ["id"], [{"id": k, "updated_at": None} for k in ticket_catalog.type_ids()]
        if stream == "ticket_states":
            return ["id"], [{"id": k, "updated_at": None} for k in ticket_catalog.state_ids()]
        start = bisect.bisect_left(self.tickets.index, lo << SHIFT) if lo > -(1 << 62) else 0
        changed = [(k & LOW_MASK, k >> SHIFT) for k in self.tickets.index[start:]]
        gone = self.removed.get("tickets", {})
        changed = [(i, u) for i, u in changed if i not in gone]
        if stream == "ticket_parts":
            records = []
            for i, updated in changed:
                times = self.ticket_part_times(i)
                records.extend(
                    {
                        "id": self.ticket_part_id(i, j),
                        "ticket_id": str(TICKET_BASE + i),
                        "updated_at": times[j],
                        "ticket_updated_at": updated,
                    }
                    for j in range(max(0, len(times) - TICKET_PARTS_CAP), len(times))
                )
            return ["id"], records
        if stream == "ticket_contacts":
            return ["ticket_id", "contact_id"], [
                {"ticket_id": str(TICKET_BASE + i), "contact_id": cid, "ticket_updated_at": updated}
                for i, updated in changed
                for cid in self.ticket_contact_ids(i)
            ]
        msg = f"unknown stream {stream!r}"
        raise KeyError(msg)
