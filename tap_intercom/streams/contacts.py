"""Contacts (users and leads), read incrementally through POST /contacts/search."""

from __future__ import annotations

import typing as t

from tap_intercom.errors import IntercomNotFoundError
from tap_intercom.http import response_json
from tap_intercom.pagination import next_page_url
from tap_intercom.records import unwrap_list
from tap_intercom.search import SearchStream

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

#: Addressable lists on a contact that are expanded past their 10 inline entries.
EXPANDED_LISTS = ("tags", "companies")
SUBLIST_PAGE_SIZE = 60


def normalize_contact_avatar(value: t.Any) -> t.Any:
    """A contact avatar is a URL string (Stitch's column); some versions send `{image_url}`."""
    if isinstance(value, dict):
        return value.get("image_url")
    return value


class ContactsStream(SearchStream):
    """POST /contacts/search, `updated_at` > OR = the bookmark (day semantics), ascending.

    `tags` and `companies` are addressable lists with at most 10 entries inline; when Intercom
    says `has_more`, the full list is read from its `url` so the record is complete.
    """

    name = "contacts"
    path = "/contacts/search"
    primary_keys: t.ClassVar[list[str]] = ["id"]
    records_jsonpath = "$.data[*]"

    def transform_record(self, record: dict, context: Context | None) -> dict | None:
        record = {**record, "avatar": normalize_contact_avatar(record.get("avatar"))}
        for field in EXPANDED_LISTS:
            listing = record.get(field)
            if isinstance(listing, dict):
                items = unwrap_list(listing, "data") or []
                if listing.get("has_more") and listing.get("url") and self._field_selected(field):
                    items = self._full_list(str(record.get("id")), field, listing["url"], context)
                record[field] = items
        return record

    def _field_selected(self, field: str) -> bool:
        return self.mask.get(("properties", field), True)

    def _full_list(self, contact_id: str, field: str, url: str, context: Context | None) -> list:
        """Every entry of a contact's addressable list, following its pagination."""
        items: list = []
        next_url: str | None = url
        params: dict[str, t.Any] | None = {"per_page": SUBLIST_PAGE_SIZE}
        pages = 0
        while next_url and pages < 1000:
            try:
                response = self.fetch(next_url, params=params, context=context)
            except IntercomNotFoundError:
                self.logger.warning(
                    "contacts: %s of contact %s vanished mid-sync", field, contact_id
                )
                return items
            body = response_json(response)
            body = body if isinstance(body, dict) else {}
            page = [i for i in (body.get("data") or body.get(field) or []) if isinstance(i, dict)]
            items.extend(page)
            pages += 1
            next_url = next_page_url(response) if page else None
            params = None
        return items
