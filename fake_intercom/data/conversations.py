"""Conversation records, generated on demand from ``(seed, index)``, with their parts (the
last 500) on request."""

from __future__ import annotations

import html
import time
from random import Random
from typing import Any

from fake_intercom.data.clock import DAY
from fake_intercom.data.ids import CONVERSATION_BASE, TICKET_BASE, contact_id
from fake_intercom.data.state import DatasetState
from fake_intercom.data.vocabulary import DELIVERED_AS, FIRST_NAMES, SOURCE_TYPES, plaintext, words

PARTS_CAP = 500


class ConversationRecords(DatasetState):
    def conversation_part_count(self, i: int) -> int:
        return self.n_parts[i] + len(self.extra_parts.get(i, ()))

    def conversation(self, i: int, with_parts: bool = False, plain: bool = False) -> dict[str, Any]:
        r = Random(f"{self.seed}:conversation:{i}")
        created = self.conversations.created[i]
        updated = self.conversations.updated[i]
        ver = self.conversations.version.get(i, 0)
        sparse = i % 19 == 11
        nc = max(1, self.contacts.count)
        ci = (i * 7) % nc
        state = r.choice(["open", "closed", "snoozed", "closed"])
        admin = r.choice(self.admins)
        team = r.choice(self.teams)
        n_parts = self.conversation_part_count(i)
        src_body = f"<p>{html.escape(words(r, 12))}</p>"
        custom: dict[str, Any] = {
            "Issue Type": r.choice(["Bug", "Question", "Billing"]),
            "priority.score": r.randrange(0, 10),
            "csat score": round(r.random() * 5, 2),
            "escalated": r.random() < 0.1,
            "due date": (created + 7 * DAY)
            if i % 2
            else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created + 7 * DAY)),
            "legacy ref": f"L-{i}",
        }
        if sparse:
            custom = {}
        teammate_ids = self.conversation_teammate_ids(i)
        tag_ids = set(self.conversation_tag_ids(i))
        rec: dict[str, Any] = {
            "type": "conversation",
            "id": str(CONVERSATION_BASE + i),
            "title": None if sparse or i % 3 else f"Conversation {i}: {words(r, 3)}",
            "created_at": created,
            "updated_at": updated,
            "waiting_since": None if state != "open" else updated,
            "snoozed_until": updated + DAY if state == "snoozed" else None,
            "open": state != "closed",
            "state": state,
            "read": r.random() < 0.7,
            "priority": "priority" if r.random() < 0.15 else "not_priority",
            "admin_assignee_id": None if sparse else int(admin["id"]),
            "team_assignee_id": None if sparse or i % 4 else int(team["id"]),
            "tags": {
                "type": "tag.list",
                "tags": []
                if i % 5 or not tag_ids
                else [
                    {
                        "type": "tag",
                        "id": self.tags[i % len(self.tags)]["id"],
                        "name": self.tags[i % len(self.tags)]["name"],
                        "applied_at": created + 60,
                        "applied_by": {"type": "admin", "id": admin["id"]},
                    }
                ],
            },
            "conversation_rating": None
            if sparse or i % 4 != 1
            else {
                "rating": 1 + i % 5,
                "remark": "Great help 👍" if i % 2 else "",
                "created_at": updated,
                "updated_at": updated,
                "contact": {"type": "contact", "id": contact_id(ci), "external_id": f"ext-{ci}"},
                "teammate": {"type": "admin", "id": admin["id"]},
            },
            "source": {
                "type": r.choice(SOURCE_TYPES),
                "id": str(400000000 + i),
                "delivered_as": r.choice(DELIVERED_AS),
                "subject": "" if i % 2 else f"Subject {i}",
                "body": plaintext(src_body) if plain else src_body,
                "author": {
                    "type": "user",
                    "id": contact_id(ci),
                    "name": r.choice(FIRST_NAMES),
                    "email": f"user{ci}@example.com",
                    "from_ai_agent": False,
                    "is_ai_answer": False,
                },
                "attachments": [],
                "url": None if i % 3 else f"https://app.example/page/{i}",
                "redacted": False,
            },
            "contacts": {
                "type": "contact.list",
                "contacts": [
                    {"type": "contact", "id": contact_id(ci), "external_id": f"ext-{ci}"}
                    for _ in self.conversation_contact_ids(i)
                ],
            },
            "teammates": None
            if teammate_ids is None
            else {
                "type": "admin.list",
                "admins": [{"type": "admin", "id": a} for a in teammate_ids],
            },
            "custom_attributes": custom,
            "first_contact_reply": None
            if sparse
            else {"created_at": created, "type": "conversation", "url": None},
            "sla_applied": None
            if i % 6
            else {
                "type": "conversation_sla_summary",
                "sla_name": "Standard",
                "sla_status": r.choice(["hit", "missed", "cancelled", "active"]),
            },
            "statistics": None
            if sparse
            else {
                "type": "conversation_statistics",
                "time_to_assignment": r.randrange(0, 3600),
                "time_to_admin_reply": r.randrange(0, 86400),
                "time_to_first_close": r.randrange(0, 86400 * 3),
                "time_to_last_close": r.randrange(0, 86400 * 4),
                "median_time_to_reply": r.randrange(0, 7200),
                "first_contact_reply_at": created,
                "first_assignment_at": created + 60,
                "first_admin_reply_at": created + 120,
                "first_close_at": created + 3600 if state == "closed" else None,
                "last_assignment_at": created + 60,
                "last_assignment_admin_reply_at": created + 120,
                "last_contact_reply_at": updated,
                "last_admin_reply_at": created + 120,
                "last_close_at": updated if state == "closed" else None,
                "last_closed_by_id": admin["id"] if state == "closed" else None,
                "count_reopens": r.randrange(0, 3),
                "count_assignments": r.randrange(0, 4),
                "count_conversation_parts": n_parts,
                "assigned_team_first_response_time": [
                    {
                        "team_id": int(team["id"]),
                        "team_name": team["name"],
                        "response_time": r.randrange(10, 5000),
                    }
                ],
                "assigned_team_first_response_time_in_office_hours": [],
                "handling_time": r.randrange(0, 5000),
                "adjusted_handling_time": None,
            },
            "linked_objects": {
                "type": "list",
                "total_count": 0 if i % 8 else 1,
                "has_more": False,
                "data": []
                if i % 8
                else [
                    {
                        "type": "ticket",
                        "id": str(TICKET_BASE + i % max(1, self.tickets.count)),
                        "category": "Customer",
                    }
                ],
            },
            "ai_agent_participated": i % 9 == 0,
            "ai_agent": None
            if i % 9
            else {
                "source_type": "workflow",
                "source_title": "Fin answers",
                "last_answer_type": "ai_answer",
                "resolution_state": "assumed_resolution",
                "rating": 4,
                "rating_remark": None,
                "created_at": created,
                "updated_at": created,
                "content_sources": {
                    "type": "content_source.list",
                    "total_count": 1,
                    "content_sources": [
                        {
                            "content_type": "article",
                            "url": "/help/en/articles/1",
                            "title": "Refunds",
                            "locale": "en",
                        }
                    ],
                },
            },
            "topics": {},
            "ticket": None,
        }
        if ver:
            rec["title"] = f"Conversation {i} (rev {ver})"
        if with_parts:
            times = self.part_times(i)
            start = max(0, len(times) - PARTS_CAP)
            rec["conversation_parts"] = {
                "type": "conversation_part.list",
                "conversation_parts": [
                    self.part(i, j, times[j], plain) for j in range(start, len(times))
                ],
                "total_count": len(times),
            }
        return rec
