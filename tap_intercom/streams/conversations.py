"""Conversations (POST /conversations/search) and their parts (GET /conversations/{id})."""

from __future__ import annotations

import typing as t

from tap_intercom import tombstones
from tap_intercom.bridges import BridgeStream
from tap_intercom.children import ParentStream
from tap_intercom.detail_children import DetailChildStream
from tap_intercom.errors import (
    IntercomForbiddenError,
    IntercomNotFoundError,
    IntercomVersionError,
)
from tap_intercom.records import unwrap_list
from tap_intercom.search import SearchStream
from tap_intercom.streams.companies import denest_company

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context


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
    records_jsonpath = "$.conversations[*]"
    child_context_key = "conversation_id"

    def parent_records(self, context: Context | None) -> Iterable[dict]:
        """First a tombstone per conversation deleted since the lower bound, then the search."""
        if self.selected and self.run.settings.deleted_conversations:
            self.write_deletion_tombstones()
        yield from super().parent_records(context)

    def write_deletion_tombstones(self) -> None:
        """A deleted conversation's parts stay in conversation_parts: join them to the
        conversation's `_sdc_deleted_at` (the listing names no parts)."""
        try:
            tombstones.write_deleted_conversations(self)
        except (IntercomForbiddenError, IntercomNotFoundError, IntercomVersionError) as exc:
            self.logger.warning(
                "conversations: deleted conversations are not available (%s); "
                "set deleted_conversations: false to skip the request",
                exc,
            )

    def on_page_fetched(self, response: requests.Response) -> None:
        """Hand a page's conversations to the children as soon as it arrives."""
        page = list(self.page_records(response))
        for child in self.selected_children():
            child.parents_announced(page)

    def transform_record(self, record: dict, context: Context | None) -> dict | None:
        record = {
            **record,
            "tags": unwrap_list(record.get("tags"), "tags"),
            "contacts": unwrap_list(record.get("contacts"), "contacts"),
            "teammates": normalize_teammates(record.get("teammates")),
        }
        if isinstance(record.get("company"), dict):  # API 2.15+
            record["company"] = denest_company(record["company"])
        return record


class ConversationPartsStream(DetailChildStream):
    """Every part of every changed conversation, one GET /conversations/{id} each.

    Parts carry their conversation's id, created/updated time and total part count. Intercom
    returns only the 500 most recent parts of a conversation; a warning names each
    conversation that was cut off.
    """

    name = "conversation_parts"
    path = "/conversations/{conversation_id}"
    parent_stream_type = ConversationsStream

    parent_id_key = "conversation_id"

    def detail_path(self, parent_id: str) -> str:
        return f"/conversations/{parent_id}"

    def detail_params(self) -> dict[str, str]:
        return {"display_as": "plaintext"}

    def child_records(self, context: Context) -> Iterable[dict]:
        body = self.detail_of(context)
        if body is not None:
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


class ConversationTagsStream(BridgeStream):
    """One row per tag on a conversation, `conversation_updated_at` its version (`bridges`)."""

    name = "conversation_tags"
    parent_stream_type = ConversationsStream
    parent_field = "tags"
    columns = ("conversation_id", "tag_id", "conversation_updated_at")


class ConversationContactsStream(BridgeStream):
    """One row per contact in a conversation (its `contacts` list)."""

    name = "conversation_contacts"
    parent_stream_type = ConversationsStream
    parent_field = "contacts"
    columns = ("conversation_id", "contact_id", "conversation_updated_at")


class ConversationTeammatesStream(BridgeStream):
    """One row per teammate (admin) of a conversation (its `teammates` list)."""

    name = "conversation_teammates"
    parent_stream_type = ConversationsStream
    parent_field = "teammates"
    list_key = "admins"
    columns = ("conversation_id", "admin_id", "conversation_updated_at")
