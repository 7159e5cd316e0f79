"""What a search can filter on in each bulk resource: its date fields (day semantics on
contacts), how ids compare as numbers, and the virtual fields (``tag_id``, ``contact_ids``...)
that are not paths in the record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .data import Dataset
from .data.bulk import Bulk
from .data.ids import CONVERSATION_BASE, TICKET_BASE, company_id, contact_id
from .search import resolve_path

CONTACT_DATES = {
    "created_at",
    "signed_up_at",
    "updated_at",
    "last_seen_at",
    "last_contacted_at",
    "last_replied_at",
    "last_email_opened_at",
    "last_email_clicked_at",
    "android_last_seen_at",
    "ios_last_seen_at",
    "custom_attributes.trial_ends_at",
}
CONVERSATION_DATES = {
    "created_at",
    "updated_at",
    "waiting_since",
    "snoozed_until",
    "statistics.first_contact_reply_at",
    "statistics.first_assignment_at",
    "statistics.first_admin_reply_at",
    "statistics.first_close_at",
    "statistics.last_assignment_at",
    "statistics.last_assignment_admin_reply_at",
    "statistics.last_contact_reply_at",
    "statistics.last_admin_reply_at",
    "statistics.last_close_at",
    "conversation_rating.created_at",
    "conversation_rating.updated_at",
    "custom_attributes.due date",
}
TICKET_DATES = {"created_at", "updated_at", "snoozed_until"}


def _fixed_num_id(base: int) -> Callable[[Any], int | None]:
    def conv(v: Any) -> int | None:
        if isinstance(v, bool):
            return None
        if isinstance(v, int):
            return v - base
        if isinstance(v, float) and v == int(v):
            return int(v) - base
        if isinstance(v, str) and v.isdigit() and len(v) == len(str(base)):
            return int(v) - base
        return None

    return conv


@dataclass
class ResourceSpec:
    name: str
    bulk: Bulk
    id_of: Callable[[int], str]
    build: Callable[[int], dict[str, Any]]
    date_fields: set[str]
    day_mode: bool
    numeric_id: Callable[[Any], int | None] | None
    virtual: Callable[[int, str], Any]
    tokenized: frozenset[str] = field(default_factory=frozenset)


class SearchableResources:
    """``Engine`` mixin: the ``ResourceSpec`` of each searchable resource and its field reader."""

    ds: Dataset

    def resource_specs(self) -> dict[str, ResourceSpec]:
        ds = self.ds
        return {
            "contacts": ResourceSpec(
                "contacts",
                ds.contacts,
                contact_id,
                ds.contact,
                CONTACT_DATES,
                True,
                None,
                self._contact_virtual,
            ),
            "conversations": ResourceSpec(
                "conversations",
                ds.conversations,
                lambda i: str(CONVERSATION_BASE + i),
                ds.conversation,
                CONVERSATION_DATES,
                False,
                _fixed_num_id(CONVERSATION_BASE),
                self._conversation_virtual,
                frozenset({"source.body"}),
            ),
            "tickets": ResourceSpec(
                "tickets",
                ds.tickets,
                lambda i: str(TICKET_BASE + i),
                ds.ticket,
                TICKET_DATES,
                False,
                _fixed_num_id(TICKET_BASE),
                self._ticket_virtual,
            ),
            "companies": ResourceSpec(
                "companies",
                ds.companies,
                company_id,
                ds.company,
                {"created_at", "updated_at"},
                False,
                None,
                lambda i, f: NotImplemented,
            ),
        }

    def _contact_virtual(self, i: int, f: str) -> Any:
        if f == "tag_id":
            return [t["id"] for t, _ in self.ds.contact_tag_ids(i)]
        if f == "segment_id":
            return [s["id"] for s in self.ds.contact_segment_ids(i)]
        if f == "company_id":
            return [company_id(c) for c in self.ds.contact_company_idx(i)]
        return NotImplemented

    def _conversation_virtual(self, i: int, f: str) -> Any:
        if f in ("contact_ids", "teammate_ids", "tag_ids"):
            rec = self.ds.conversation(i)
            if f == "contact_ids":
                return [c["id"] for c in rec["contacts"]["contacts"]]
            if f == "teammate_ids":
                return [a["id"] for a in (rec["teammates"] or {}).get("admins", [])]
            return [t["id"] for t in rec["tags"]["tags"]]
        return NotImplemented

    def _ticket_virtual(self, i: int, f: str) -> Any:
        if f in (
            "title",
            "description",
            "state",
            "ticket_type_id",
            "contact_ids",
            "category",
        ) or f.startswith("ticket_attribute."):
            rec = self.ds.ticket(i)
            if f == "title":
                return rec["ticket_attributes"].get("_default_title_")
            if f == "description":
                return rec["ticket_attributes"].get("_default_description_")
            if f == "state":
                return rec["ticket_state"]["category"]
            if f == "ticket_type_id":
                return rec["ticket_type"]["id"]
            if f == "category":
                return {"Customer": "request", "Back-office": "task", "Tracker": "tracker"}[
                    rec["category"]
                ]
            if f == "contact_ids":
                return [c["id"] for c in rec["contacts"]["contacts"]]
            return rec["ticket_attributes"].get(f.split(".", 1)[1])
        return NotImplemented

    def getter(self, spec: ResourceSpec, i: int) -> Callable[[str], Any]:
        cache: dict[str, Any] = {}

        def get(f: str) -> Any:
            if f == "id":
                return spec.id_of(i)
            if f == "updated_at":
                return spec.bulk.updated[i]
            if f == "created_at":
                return spec.bulk.created[i]
            v = spec.virtual(i, f)
            if v is not NotImplemented:
                return v
            rec = cache.get("r")
            if rec is None:
                rec = cache["r"] = spec.build(i)
            return resolve_path(rec, f)

        return get
