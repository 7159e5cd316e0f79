"""Ticket records, generated on demand from ``(seed, index)``, with their parts on request."""

from __future__ import annotations

from random import Random
from typing import Any

from fake_intercom.data.ids import PART_BASE, TICKET_BASE, WORKSPACE_ID, contact_id
from fake_intercom.data.state import DatasetState
from fake_intercom.data.vocabulary import words


class TicketRecords(DatasetState):
    def ticket(self, i: int, with_parts: bool = False) -> dict[str, Any]:
        r = Random(f"{self.seed}:ticket:{i}")
        created = self.tickets.created[i]
        updated = self.tickets.updated[i]
        cat = r.choice(["Customer", "Back-office", "Tracker"])
        st = r.choice(["submitted", "in_progress", "waiting_on_customer", "resolved"])
        ci = (i * 13) % max(1, self.contacts.count)
        admin = r.choice(self.admins)
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
            },
            "ticket_state": {
                "type": "ticket_state",
                "id": str(
                    7000 + ["submitted", "in_progress", "waiting_on_customer", "resolved"].index(st)
                ),
                "category": st,
                "internal_label": st.replace("_", " ").title(),
                "external_label": st.replace("_", " "),
            },
            "ticket_type": {
                "type": "ticket_type",
                "id": str(1700 + ["Customer", "Back-office", "Tracker"].index(cat)),
                "category": cat,
                "name": f"{cat} ticket",
                "description": f"A {cat} ticket",
                "icon": "🎟️",
                "workspace_id": WORKSPACE_ID,
                "ticket_type_attributes": {
                    "type": "list",
                    "ticket_type_attributes": [
                        {
                            "type": "ticket_type_attribute",
                            "id": "81",
                            "workspace_id": WORKSPACE_ID,
                            "name": "_default_title_",
                            "description": "",
                            "data_type": "string",
                            "input_options": {"multiline": False},
                            "order": 0,
                            "required_to_create": False,
                            "required_to_create_for_contacts": False,
                            "visible_on_create": True,
                            "visible_to_contacts": True,
                            "default": True,
                            "ticket_type_id": 1700,
                            "archived": False,
                            "created_at": 1700000000,
                            "updated_at": 1700000000,
                        }
                    ],
                },
                "archived": False,
                "created_at": 1700000000,
                "updated_at": 1700000000,
            },
            "contacts": {
                "type": "contact.list",
                "contacts": [{"type": "contact", "id": contact_id(ci), "external_id": f"ext-{ci}"}],
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
            n = 1 + i % 4
            parts = []
            for j in range(n):
                t = created + (updated - created) * (j + 1) // n
                parts.append(
                    {
                        "type": "ticket_part",
                        "id": str(PART_BASE * 2 + i * 100 + j),
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
            rec["ticket_parts"] = {
                "type": "ticket_part.list",
                "ticket_parts": parts,
                "total_count": n,
            }
        return rec
