"""``/contacts`` (cursor list), ``POST /contacts/search``, contact details and the per-contact
tags, companies, segments and notes lists."""

from __future__ import annotations

from typing import Any

from fake_intercom.data.ids import CONTACT_BASE, contact_id, parse_hex_id
from fake_intercom.endpoints.paging import Paging
from fake_intercom.errors import HTTPError
from fake_intercom.versions import DEFAULT, Version, contact_search_by_second, version_at_least


class ContactEndpoints(Paging):
    def _contact_idx(self, cid: str, *, live: bool = False) -> int:
        """A contact's index; 404 for an unknown one (and, `live`, a deleted or merged one:
        their lists are gone with them)."""
        i = parse_hex_id(cid, CONTACT_BASE, self.ds.contacts.count)
        if i is None or (live and self.ds.is_removed("contacts", i)):
            raise HTTPError(404, "not_found", "User Not Found")
        return i

    def _with_merge_history(
        self, reply: dict[str, Any], query: dict[str, str], version: Version
    ) -> dict[str, Any]:
        """2.16+ with `include_merge_history=true`: each user contact carries `merge_history`
        (the leads merged into it; empty when none)."""
        if query.get("include_merge_history") != "true" or not version_at_least(version, (2, 16)):
            return reply
        with self.ds.lock:
            for contact in reply.get("data") or []:
                if contact.get("role") == "user":
                    i = parse_hex_id(contact["id"], CONTACT_BASE, self.ds.contacts.count)
                    contact["merge_history"] = [
                        dict(item) for item in self.ds.merge_history.get(i, [])
                    ]
        return reply

    def ep_contacts(
        self, query: dict[str, str], version: Version = DEFAULT, **_: Any
    ) -> tuple[int, Any]:
        pp = self.per_page(query, 50)
        gone = self.ds.removed["contacts"]
        idxs, total, page, nxt = self.engine.page(
            "contacts",
            None,
            "id",
            False,
            pp,
            query.get("starting_after") or None,
            self.workspace_timezone,
            hidden=(lambda i: i in gone) if gone else None,
        )
        return 200, self._with_merge_history(
            self.cursor_envelope(
                "contacts", idxs, total, page, pp, nxt, self.ds.contact, "data", "list"
            ),
            query,
            version,
        )

    def ep_contacts_search(
        self, body: Any, query: dict[str, str], version: Version = DEFAULT, **_: Any
    ) -> tuple[int, Any]:
        status, reply = self.do_search(
            "contacts",
            body,
            50,
            "id",
            self.ds.contact,
            "data",
            "list",
            exact_dates=contact_search_by_second(version),
        )
        return status, self._with_merge_history(reply, query, version)

    def ep_contact_activities(
        self, query: dict[str, str], raw_version: str | None = None, **_: Any
    ) -> tuple[int, Any]:
        """Preview only: contact events (here deleted and merged), oldest first, cursor."""
        if raw_version != "Preview":
            raise HTTPError(404, "not_found", "Resource Not Found")
        pp = self.per_page(query, 50)
        with self.ds.lock:
            events = list(self.ds.contact_activities)
        after = query.get("starting_after")
        start = 0
        if after:
            ids = [e["id"] for e in events]
            if after not in ids:
                raise HTTPError(400, "parameter_invalid", "starting_after is not a valid cursor")
            start = ids.index(after) + 1
        page = events[start : start + pp]
        pages: dict[str, Any] = {"type": "pages", "per_page": pp}
        if start + pp < len(events):
            pages["next"] = {"starting_after": page[-1]["id"]}
        return 200, {"type": "list", "data": page, "pages": pages}

    def ep_contact(
        self, params: dict[str, str], query: dict[str, str], version: Version = DEFAULT, **_: Any
    ) -> tuple[int, Any]:
        """A deleted contact is 404; a merged one 404 before 2.16, then 410 Gone with a
        `Link` to the surviving contact."""
        i = self._contact_idx(params["id"])
        if self.ds.is_removed("contacts", i):
            survivor = self.ds.merged_into.get(i)
            if survivor is not None and version_at_least(version, (2, 16)):
                # As the 2.16 description shows it: a path, rel="canonical".
                link = f'</contacts/{contact_id(survivor)}>; rel="canonical"'
                raise HTTPError(
                    410,
                    "contact_merged",
                    "This contact has been merged. See the 'Link' header for the canonical "
                    "contact.",
                    headers={"Link": link},
                )
            raise HTTPError(404, "not_found", "User Not Found")
        return 200, self._with_merge_history(
            {"data": [self.ds.contact(i, full=True)]}, query, version
        )["data"][0]

    def ep_contact_tags(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        i = self._contact_idx(params["id"], live=True)
        return 200, {"type": "list", "data": self.ds.contact_tags_full(i)}

    def ep_contact_companies(
        self, params: dict[str, str], query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        i = self._contact_idx(params["id"], live=True)
        out = self.paged(self.ds.contact_company_idx(i), query, 15, base, path)
        out["data"] = [self.ds.company(c) for c in out["data"]]
        return 200, out

    def ep_contact_segments(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        i = self._contact_idx(params["id"], live=True)
        return 200, {"type": "list", "data": [dict(s) for s in self.ds.contact_segment_ids(i)]}

    def ep_contact_notes(
        self, params: dict[str, str], query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        self._contact_idx(params["id"], live=True)
        return 200, self.paged([], query, 50, base, path)
