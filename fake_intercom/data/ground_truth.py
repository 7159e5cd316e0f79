"""The ground truth per stream: the keys and ``updated_at`` of every record a full sync from a
start date must emit."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

from fake_intercom.data.bulk import LOW_MASK, SHIFT, Bulk
from fake_intercom.data.conversations import PARTS_CAP
from fake_intercom.data.ids import CONVERSATION_BASE, TICKET_BASE, company_id, contact_id
from fake_intercom.data.links import BRIDGES
from fake_intercom.data.state import DatasetState
from fake_intercom.data.tickets import TICKET_CHILD_STREAMS


class GroundTruth(DatasetState):
    def ground_truth(self, stream: str, start: int | None) -> dict[str, Any]:
        lo = start if start is not None else -(1 << 62)
        recs: list[dict[str, Any]]
        keys = ["id"]
        with self.lock:
            if stream in BRIDGES:
                keys, recs = self.link_truth(stream, lo)
            elif stream == "admins":
                recs = [{"id": a["id"], "updated_at": None} for a in self.admins]
            elif stream == "teams":
                recs = [{"id": t["id"], "updated_at": None} for t in self.teams]
            elif stream == "tags":
                recs = [{"id": t["id"], "updated_at": None} for t in self.tags]
            elif stream == "segments":
                recs = [
                    {"id": s["id"], "updated_at": s["updated_at"]}
                    for s in self.contact_segments
                    if s["updated_at"] >= lo
                ]
            elif stream == "company_segments":
                keys = ["company_id", "id"]
                recs = []
                for key in self._bulk_from(self.companies, lo):
                    i = key & LOW_MASK
                    recs.extend(
                        {
                            "company_id": company_id(i),
                            "id": s["id"],
                            "updated_at": s["updated_at"],
                            "company_updated_at": key >> SHIFT,
                        }
                        for s in self.company_segment_list(i)
                    )
            elif stream in ("companies", "contacts", "conversations", "tickets"):
                bulk = self.bulks[stream]
                idf = {
                    "companies": company_id,
                    "contacts": contact_id,
                    "conversations": lambda i: str(CONVERSATION_BASE + i),
                    "tickets": lambda i: str(TICKET_BASE + i),
                }[stream]
                gone = self.removed.get(stream, {})
                recs = [
                    {"id": idf(k & LOW_MASK), "updated_at": k >> SHIFT}
                    for k in self._bulk_from(bulk, lo)
                    if (k & LOW_MASK) not in gone
                ]
            elif stream == "conversation_parts":
                recs = []
                deleted = self.deleted_conversations
                for key in self._bulk_from(self.conversations, lo):
                    i = key & LOW_MASK
                    cid = str(CONVERSATION_BASE + i)
                    if cid in deleted or i in self.removed["conversations"]:
                        continue
                    times = self.part_times(i)
                    recs.extend(
                        {"id": self.part_id(i, j), "conversation_id": cid, "updated_at": times[j]}
                        for j in range(max(0, len(times) - PARTS_CAP), len(times))
                    )
            elif stream in ("company_attributes", "contact_attributes", "data_attributes"):
                keys = ["model", "name"]
                models = {
                    "company_attributes": ["company"],
                    "contact_attributes": ["contact"],
                    "data_attributes": ["contact", "company", "conversation"],
                }[stream]
                recs = [
                    {"model": a["model"], "name": a["name"], "updated_at": a.get("updated_at")}
                    for m in models
                    for a in self.data_attributes[m]
                ]
            elif stream == "articles":
                recs = [
                    {"id": a["id"], "updated_at": a["updated_at"]}
                    for a in self.articles
                    if a["updated_at"] >= lo
                ]
            elif stream == "collections":
                recs = [{"id": c["id"], "updated_at": c["updated_at"]} for c in self.collections]
            elif stream == "help_centers":
                recs = [{"id": h["id"], "updated_at": h["updated_at"]} for h in self.help_centers]
            elif stream == "activity_logs":
                recs = [
                    {"id": a["id"], "updated_at": a["created_at"]}
                    for a in self.activity_logs
                    if a["created_at"] >= lo
                ]
            elif stream in TICKET_CHILD_STREAMS:
                keys, recs = self.ticket_truth(stream, lo)
            else:
                msg = f"unknown stream {stream!r}"
                raise KeyError(msg)
        return {"stream": stream, "key_properties": keys, "records": recs}

    def _bulk_from(self, bulk: Bulk, lo: int) -> Iterable[int]:
        start = bisect.bisect_left(bulk.index, lo << SHIFT) if lo > -(1 << 62) else 0
        return bulk.index[start:]
