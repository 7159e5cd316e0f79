"""Contacts (users and leads), read incrementally through POST /contacts/search."""

from __future__ import annotations

import typing as t

from tap_intercom import tombstones
from tap_intercom.api_versions import contact_search_compares_days
from tap_intercom.errors import IntercomNotFoundError
from tap_intercom.pagination import next_page_url
from tap_intercom.records import unwrap_list
from tap_intercom.responses import response_json
from tap_intercom.search import SearchStream

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context

    from tap_intercom.details import DetailPrefetcher

#: Addressable lists on a contact that are expanded past their 10 inline entries.
EXPANDED_LISTS = ("tags", "companies")
SUBLIST_PAGE_SIZE = 150


def normalize_contact_avatar(value: t.Any) -> t.Any:
    """A contact avatar is a URL string (Stitch's column); some versions send `{image_url}`."""
    if isinstance(value, dict):
        return value.get("image_url")
    return value


class ContactsStream(SearchStream):
    """POST /contacts/search, `updated_at` > OR = the bookmark, ascending (before API 2.17 the
    search compares whole days: the hours of the bookmark's day before it are read, then dropped).

    `tags` and `companies` are addressable lists with at most 10 entries inline; when Intercom
    says `has_more`, the full list is read from its `url` so the record is complete.
    """

    name = "contacts"
    path = "/contacts/search"

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        #: Long tag/company lists, fetched ahead as soon as their page arrives.
        self.list_prefetcher: DetailPrefetcher[list] = self.new_detail_prefetcher()

    @property
    def search_compares_days(self) -> bool:
        return contact_search_compares_days(self.run.settings.version)

    def lists_to_expand(self, raw: dict) -> list[tuple[str, str]]:
        """(field, url) of each addressable list of `raw` with more than its inline entries."""
        wanted = []
        for field in EXPANDED_LISTS:
            listing = raw.get(field)
            if (
                isinstance(listing, dict)
                and listing.get("has_more")
                and listing.get("url")
                and self._field_selected(field)
            ):
                wanted.append((field, str(listing["url"])))
        return wanted

    def on_page_fetched(self, response: requests.Response) -> None:
        """Start the list expansions a page of contacts needs as soon as it arrives."""
        if not self.list_prefetcher.enabled:
            return
        wanted: dict[str, t.Callable[[], list]] = {}
        for raw in self.page_records(response):
            if raw.get("id") is None or not self.keeps(raw):
                continue
            for field, url in self.lists_to_expand(raw):
                wanted[f"{raw['id']}/{field}"] = self._list_fetcher(str(raw["id"]), field, url)
        self.list_prefetcher.submit_page(wanted)

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """First the tombstones of deleted and merged contacts (opt-in), then the search."""
        if self.selected and self.run.settings.contact_deletions_preview:
            tombstones.write_contact_deletions(self)
        try:
            yield from super().get_records(context)
        finally:
            self.list_prefetcher.close()

    def _list_fetcher(self, contact_id: str, field: str, url: str) -> t.Callable[[], list]:
        return lambda: self._full_list(contact_id, field, url, None)

    def transform_record(self, record: dict, context: Context | None) -> dict | None:
        contact_id = str(record.get("id"))
        record = {**record, "avatar": normalize_contact_avatar(record.get("avatar"))}
        expand = dict(self.lists_to_expand(record))
        for field in EXPANDED_LISTS:
            listing = record.get(field)
            if not isinstance(listing, dict):
                continue
            if field in expand:
                record[field] = self.list_prefetcher.take(
                    f"{contact_id}/{field}", self._list_fetcher(contact_id, field, expand[field])
                )
                self._warn_if_short(contact_id, field, listing.get("total_count"), record[field])
            else:
                record[field] = unwrap_list(listing, "data")
        return record

    def _warn_if_short(self, contact_id: str, field: str, total: t.Any, items: list) -> None:
        """Say so when the full list has fewer entries than the contact's inline
        `total_count` (Intercom's list endpoint left some out): the record keeps what the
        endpoint returned, and the difference must not pass unnoticed."""
        if isinstance(total, int) and not isinstance(total, bool) and total > len(items):
            self.logger.warning(
                "contacts: contact %s has %s.total_count %d, but its list endpoint returned "
                "%d; the record holds the %d returned",
                contact_id,
                field,
                total,
                len(items),
                len(items),
            )

    def _field_selected(self, field: str) -> bool:
        return self.mask.get(("properties", field), True)

    def _as_inline_entry(self, field: str, item: dict) -> dict:
        """A fetched entry in the shape of an inline one, so a contact looks the same whether
        its list was inline or fetched (`/contacts/{id}/companies` returns whole companies,
        whose other fields belong to the companies table)."""
        items_schema = self.effective_schema.get("properties", {}).get(field, {}).get("items", {})
        declared = items_schema.get("properties") if isinstance(items_schema, dict) else None
        entry = dict(item)
        if entry.get("url") is None and entry.get("id") is not None:
            entry["url"] = f"/{field}/{entry['id']}"
        if declared is None:
            return entry
        return {key: value for key, value in entry.items() if key in declared}

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
            items.extend(self._as_inline_entry(field, item) for item in page)
            pages += 1
            next_url = next_page_url(response, self.url_base) if page else None
            params = None
        return items
