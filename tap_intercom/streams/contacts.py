"""Contacts (users and leads), read incrementally through POST /contacts/search."""

from __future__ import annotations

import typing as t
from functools import cached_property

from tap_intercom import bounds, tombstones
from tap_intercom.api_versions import contact_search_compares_days
from tap_intercom.bridges import BridgeStream
from tap_intercom.children import ParentStream
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


class ContactsStream(ParentStream, SearchStream):
    """POST /contacts/search, `updated_at` > OR = the bookmark, ascending (before API 2.17 the
    search compares whole days: the hours of the bookmark's day before it are read, then dropped).

    `tags` and `companies` are addressable lists with at most 10 entries inline; when Intercom
    says `has_more`, the full list is read from its `url` so the record is complete (also
    for a selected bridge, `contact_tags` and `contact_companies`, whose rows are those lists).
    """

    name = "contacts"
    path = "/contacts/search"
    child_context_key = "contact_id"

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        #: Long tag/company lists, fetched ahead as soon as their page arrives.
        self.list_prefetcher: DetailPrefetcher[list] = self.new_detail_prefetcher()
        #: Contacts whose list answered 404/410 after search returned them (any thread).
        self.vanished: set[str] = set()
        #: Merged-away contacts tombstoned this run (a lead is named by every run of its user).
        self.tombstoned: set[str] = set()

    def asks_merge_history(self) -> bool:
        """2.16+ (`contact_merge_history`): search returns each user's `merge_history`."""
        settings = self.run.settings
        return (
            self.selected
            and settings.contact_merge_history
            and settings.version >= tombstones.MERGE_HISTORY_VERSION
        )

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        params = dict(super().get_url_params(context, next_page_token) or {})
        if self.asks_merge_history():
            params["include_merge_history"] = "true"
        return params

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
            if raw.get("id") is None or not bounds.keeps(
                raw.get("updated_at"), self.query_lower_bound
            ):
                continue
            for field, url in self.lists_to_expand(raw):
                wanted[f"{raw['id']}/{field}"] = self._list_fetcher(str(raw["id"]), field, url)
        self.list_prefetcher.submit_page(wanted)

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """First the tombstones of deleted and merged contacts (opt-in), then the search."""
        if self.selected and self.run.settings.contact_deletions_preview:
            # A lead these events named is not tombstoned again from its user's history.
            self.tombstoned |= tombstones.write_contact_deletions(self)
        try:
            yield from super().get_records(context)
        finally:
            self.list_prefetcher.close()

    def _list_fetcher(self, contact_id: str, field: str, url: str) -> t.Callable[[], list]:
        return lambda: self._full_list(contact_id, field, url, None)

    def write_merged_away(self, history: t.Any, updated_at: t.Any) -> None:
        """A tombstone per lead merged into this user (its `merge_history`), once a run."""
        for merged_id, merged_at in tombstones.merged_away(history, updated_at):
            if merged_id not in self.tombstoned:
                self.tombstoned.add(merged_id)
                tombstones.write_tombstone(self, {"id": merged_id}, merged_at)

    def gone_now(self, contact_id: str) -> bool:
        """Whether a contact whose list vanished mid-run is gone: `GET /contacts/{id}` answers
        404 (deleted) or 410 (merged, 2.16+)."""
        try:
            self.fetch(f"/contacts/{contact_id}")
        except IntercomNotFoundError:
            return True
        return False

    def transform_record(self, record: dict, context: Context | None) -> dict | None:
        contact_id = str(record.get("id"))
        history = record.get("merge_history")
        record = {**record, "avatar": normalize_contact_avatar(record.get("avatar"))}
        if "merge_history" not in self.schema.get("properties", {}):
            # Asked for by the tap (tombstones), not by a catalog without the column.
            record.pop("merge_history", None)
        self.write_merged_away(history, record.get("updated_at"))
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
        if contact_id in self.vanished and self.gone_now(contact_id):
            # Deleted or merged after search returned it: a tombstone, not a stale row.
            self.logger.warning("contacts: contact %s was deleted or merged mid-sync", contact_id)
            tombstones.write_tombstone(self, {"id": contact_id}, tombstones.now_datetime())
            return None
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
        """Whether the list `field` is wanted: selected in contacts, or a selected bridge's."""
        if self.selected and self.mask.get(("properties", field), True):
            return True
        return any(bridge.parent_field == field for bridge in self.selected_bridges())

    def _as_inline_entry(self, field: str, item: dict) -> dict:
        """A fetched entry in the shape of an inline one, so a contact looks the same whether
        its list was inline or fetched (`/contacts/{id}/companies` returns whole companies,
        whose other fields belong to the companies table)."""
        declared = self._inline_entry_keys[field]
        if declared is None:
            entry = dict(item)
        else:
            entry = {key: value for key, value in item.items() if key in declared}
        wants_url = declared is None or "url" in declared
        if wants_url and entry.get("url") is None and item.get("id") is not None:
            entry["url"] = f"/{field}/{item['id']}"
        return entry

    @cached_property
    def _inline_entry_keys(self) -> dict[str, frozenset[str] | None]:
        """The keys an entry of each expanded list declares in the schema (None: any key)."""
        keys: dict[str, frozenset[str] | None] = {}
        for field in EXPANDED_LISTS:
            items = self.effective_schema.get("properties", {}).get(field, {}).get("items", {})
            declared = items.get("properties") if isinstance(items, dict) else None
            keys[field] = frozenset(declared) if isinstance(declared, dict) else None
        return keys

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
                self.vanished.add(contact_id)
                return items
            body = response_json(response)
            body = body if isinstance(body, dict) else {}
            page = [i for i in (body.get("data") or body.get(field) or []) if isinstance(i, dict)]
            items.extend(self._as_inline_entry(field, item) for item in page)
            pages += 1
            next_url = next_page_url(response, self.url_base) if page else None
            params = None
        return items


class ContactTagsStream(BridgeStream):
    """One row per tag on a contact (the contact's complete tag list), `contact_updated_at`
    its version (`bridges`)."""

    name = "contact_tags"
    parent_stream_type = ContactsStream
    parent_field = "tags"
    columns = ("contact_id", "tag_id", "contact_updated_at")


class ContactCompaniesStream(BridgeStream):
    """One row per company of a contact (the contact's complete company list)."""

    name = "contact_companies"
    parent_stream_type = ContactsStream
    parent_field = "companies"
    columns = ("contact_id", "company_id", "contact_updated_at")
