"""Conversations (POST /conversations/search) and their parts (GET /conversations/{id})."""

from __future__ import annotations

import typing as t
from functools import cached_property

from tap_intercom.children import ParentBookmarkedChildStream, ParentStream
from tap_intercom.client import epoch_or_none
from tap_intercom.errors import IntercomNotFoundError
from tap_intercom.prefetch import DetailPrefetcher
from tap_intercom.records import unwrap_list
from tap_intercom.search import SearchStream

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context

#: Intercom returns at most this many (the most recent) parts of one conversation.
PARTS_CAP = 500


def normalize_teammates(value: t.Any) -> t.Any:
    """`teammates` holds its list under `admins` (the spec says `teammates`): accept both."""
    if (
        isinstance(value, dict)
        and "admins" not in value
        and isinstance(value.get("teammates"), list)
    ):
        return {**value, "admins": value["teammates"]}
    return value


class ConversationsStream(ParentStream, SearchStream):
    """POST /conversations/search, `updated_at` ascending (exact seconds), resumable."""

    name = "conversations"
    path = "/conversations/search"
    primary_keys: t.ClassVar[list[str]] = ["id"]
    records_jsonpath = "$.conversations[*]"
    child_context_key = "conversation_id"

    def on_page_fetched(self, response: requests.Response) -> None:
        """Start the detail fetches a page's parts need as soon as the page arrives."""
        parts = self.parts_child()
        if parts is None or not parts.prefetcher.enabled:
            return
        parts.prefetcher.submit_page(
            {
                str(raw["id"]): parts.detail_fetcher(str(raw["id"]))
                for raw in self.page_records(response)
                if raw.get("id") is not None and self.raw_needs_children(raw)
            }
        )

    def parts_child(self) -> ConversationPartsStream | None:
        for child in self.selected_children():
            if isinstance(child, ConversationPartsStream):
                return child
        return None

    def raw_needs_children(self, raw: dict) -> bool:
        """`needs_children` for an API record (epoch `updated_at`), before conformance."""
        updated_at = epoch_or_none(raw.get("updated_at"))
        return updated_at is not None and self.needs_children({"updated_at": updated_at})

    def get_records(self, context: Context | None) -> Iterable[dict]:
        parts = self.parts_child()
        if parts is not None:
            _ = parts.prefetcher  # created here, before the page producer can use it
        try:
            yield from super().get_records(context)
        finally:
            parts = self.parts_child()
            if parts is not None:
                parts.prefetcher.close()

    def transform_record(self, record: dict, context: Context | None) -> dict | None:
        return {
            **record,
            "tags": unwrap_list(record.get("tags"), "tags"),
            "contacts": unwrap_list(record.get("contacts"), "contacts"),
            "teammates": normalize_teammates(record.get("teammates")),
        }


class ConversationPartsStream(ParentBookmarkedChildStream):
    """Every part of every changed conversation, one GET /conversations/{id} each.

    Parts carry their conversation's id, created/updated time and total part count. Intercom
    returns only the 500 most recent parts of a conversation; a warning names each
    conversation that was cut off.
    """

    name = "conversation_parts"
    path = "/conversations/{conversation_id}"
    parent_stream_type = ConversationsStream
    primary_keys: t.ClassVar[list[str]] = ["id"]

    @cached_property
    def prefetcher(self) -> DetailPrefetcher[dict | None]:
        return DetailPrefetcher(self._tap.concurrency, self.name)  # type: ignore[attr-defined]

    def detail_fetcher(self, conversation_id: str) -> t.Callable[[], dict | None]:
        """A callable fetching one conversation (None if it was deleted meanwhile)."""

        def fetch() -> dict | None:
            try:
                body = self.fetch_json(
                    f"/conversations/{conversation_id}", params={"display_as": "plaintext"}
                )
            except IntercomNotFoundError:
                return None
            return body if isinstance(body, dict) else None

        return fetch

    def child_records(self, context: Context) -> Iterable[dict]:
        conversation_id = str(context["conversation_id"])
        body = self.prefetcher.take(conversation_id, self.detail_fetcher(conversation_id))
        if body is None:
            self.logger.warning(
                "conversation_parts: conversation %s was deleted after it was found; skipped",
                conversation_id,
            )
            return
        yield from conversation_parts(body, self.logger)


def conversation_parts(conversation: dict, logger: t.Any) -> Iterable[dict]:
    """The parts of a conversation detail, each with its conversation's fields added."""
    listing = conversation.get("conversation_parts") or {}
    parts = [p for p in unwrap_list(listing, "conversation_parts") or [] if isinstance(p, dict)]
    total = listing.get("total_count") if isinstance(listing, dict) else None
    if isinstance(total, int) and total > len(parts):
        logger.warning(
            "conversation_parts: conversation %s has %d parts; Intercom returned only the %d "
            "most recent",
            conversation.get("id"),
            total,
            len(parts),
        )
    for part in parts:
        yield {
            **part,
            "id": None if part.get("id") is None else str(part["id"]),
            "conversation_id": None if conversation.get("id") is None else str(conversation["id"]),
            "conversation_created_at": conversation.get("created_at"),
            "conversation_updated_at": conversation.get("updated_at"),
            "conversation_total_parts": total if isinstance(total, int) else len(parts),
        }
