"""Conversation parts: their times (spread between the conversation's created and updated
times, plus the follow-ups that mutations append) and their records."""

from __future__ import annotations

import html
from random import Random
from typing import Any

from fake_intercom.data.ids import PART_BASE, contact_id
from fake_intercom.data.state import DatasetState
from fake_intercom.data.vocabulary import FIRST_NAMES, PART_TYPES, plaintext, rng_uuid, words


class ConversationPartRecords(DatasetState):
    def part_times(self, i: int) -> list[int]:
        """created_at of every part of conversation i, oldest first."""
        n = self.n_parts[i]
        c = self.conversations.created[i]
        base_u = self._base_updated(i)
        out = [c + (base_u - c) * (j + 1) // n for j in range(n)] if n else []
        out.extend(self.extra_parts.get(i, ()))
        return out

    def _base_updated(self, i: int) -> int:
        extra = self.extra_parts.get(i)
        if extra:
            return self._orig_updated.get(i, self.conversations.updated[i])
        return self.conversations.updated[i]

    def part_id(self, i: int, j: int) -> str:
        return str(PART_BASE + i * 100_000 + j)

    def part(self, i: int, j: int, created: int, plain: bool) -> dict[str, Any]:
        r = Random(f"{self.seed}:part:{i}:{j}")
        conv_contact = contact_id((i * 7) % max(1, self.contacts.count))
        n_base = self.n_parts[i]
        if j >= n_base:
            part_type = "comment"
            body: str | None = f"<p>Follow-up #{j - n_base + 1} ✅</p>"
            author = {
                "type": "user",
                "id": conv_contact,
                "name": "Customer",
                "email": "customer@example.com",
                "from_ai_agent": False,
                "is_ai_answer": False,
            }
        else:
            part_type = r.choice(PART_TYPES) if j else "comment"
            admin = r.choice(self.admins)
            by_user = r.random() < 0.4
            author = (
                {
                    "type": "user",
                    "id": conv_contact,
                    "name": r.choice(FIRST_NAMES),
                    "email": f"user{i}@example.com",
                    "from_ai_agent": False,
                    "is_ai_answer": False,
                }
                if by_user
                else {
                    "type": "admin" if admin["id"] != self.admins[3]["id"] else "bot",
                    "id": admin["id"],
                    "name": admin["name"],
                    "email": admin["email"],
                    "from_ai_agent": admin["id"] == self.admins[3]["id"],
                    "is_ai_answer": False,
                }
            )
            if part_type in ("comment", "note", "quick_reply"):
                body = f"<p>{html.escape(words(r, 5 + r.randrange(30)))}</p>"
            else:
                body = None
            if (i, j) in ((4, 0), (5, 1), (2, 300), (3, 600)):
                body = "<p>" + ("Long body — ünïcødé 🚀 " * 5000) + "</p>"  # > 100 KB
        assigned = None
        event = None
        if part_type in ("assignment", "assign_and_reopen"):
            assigned = {"type": "admin", "id": r.choice(self.admins)["id"]}
        elif part_type == "conversation_attribute_updated_by_admin":
            event = {"attribute": {"name": "Issue Type"}, "value": {"name": "Bug"}}
        elif part_type == "custom_action_started":
            event = {"action": {"name": "Refund order"}}
        elif part_type == "custom_action_finished":
            event = {"action": {"name": "Refund order", "result": "success"}}
        state = (
            "closed" if part_type == "close" else ("snoozed" if part_type == "snoozed" else "open")
        )
        return {
            "type": "conversation_part",
            "id": self.part_id(i, j),
            "part_type": part_type,
            "body": plaintext(body) if plain else body,
            "created_at": created,
            "updated_at": created,
            "notified_at": created,
            "assigned_to": assigned,
            "author": author,
            "attachments": []
            if j % 9 != 4
            else [
                {
                    "type": "upload",
                    "name": "screenshot.png",
                    "url": f"https://files.example/{i}/{j}.png",
                    "content_type": "image/png",
                    "filesize": 12345,
                    "width": 640,
                    "height": 480,
                }
            ],
            "external_id": None,
            "redacted": False,
            "email_message_metadata": None,
            "metadata": {
                "quick_reply_options": [
                    {"text": "Yes", "uuid": rng_uuid(r)},
                    {"text": "No", "uuid": rng_uuid(r)},
                ]
            }
            if part_type == "quick_reply"
            else None,
            "state": state,
            "tags": [],
            "event_details": event,
            "app_package_code": None,
        }
