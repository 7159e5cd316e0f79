"""``/conversations`` (cursor list), ``POST /conversations/search`` and conversation details
(with their parts, capped at 500; ``display_as=plaintext``)."""

from __future__ import annotations

from typing import Any

from fake_intercom.data.ids import CONVERSATION_BASE, parse_num_id
from fake_intercom.endpoints.paging import Paging
from fake_intercom.errors import HTTPError
from fake_intercom.versions import version_at_least


class ConversationEndpoints(Paging):
    def ep_conversations(self, query: dict[str, str], **_: Any) -> tuple[int, Any]:
        pp = self.per_page(query, 20)
        idxs, total, page, nxt = self.engine.page(
            "conversations",
            None,
            "updated_at",
            True,
            pp,
            query.get("starting_after") or None,
            self.workspace_timezone,
        )
        return 200, self.cursor_envelope(
            "conversations",
            idxs,
            total,
            page,
            pp,
            nxt,
            self.ds.conversation,
            "conversations",
            "conversation.list",
        )

    def ep_conversations_search(self, body: Any, **_: Any) -> tuple[int, Any]:
        return self.do_search(
            "conversations",
            body,
            20,
            "id",
            self.ds.conversation,
            "conversations",
            "conversation.list",
        )

    def ep_conversations_deleted(
        self, query: dict[str, str], base: str, path: str, version: str | None = None, **_: Any
    ) -> tuple[int, Any]:
        """2.16+: deleted conversations, `order` asc|desc by `deleted_at` (default desc)."""
        if not version_at_least(version, (2, 16)):
            raise HTTPError(
                400, "intercom_version_invalid", "This endpoint requires version 2.16 or later"
            )
        order = query.get("order") or "desc"
        if order not in ("asc", "desc"):
            raise HTTPError(400, "parameter_invalid", "order must be asc or desc")
        items = self.ds.deleted_conversations_list()
        if order == "desc":
            items.reverse()
        query = {**query, "per_page": str(min(self.per_page(query, 20), 60))}
        return 200, self.paged(
            items, query, 20, base, path, key="conversations", list_type="conversations.list"
        )

    def ep_conversation(
        self, params: dict[str, str], query: dict[str, str], **_: Any
    ) -> tuple[int, Any]:
        cid = params["id"]
        i = parse_num_id(cid, CONVERSATION_BASE, self.ds.conversations.count)
        if (
            i is None
            or cid in self.ds.deleted_conversations
            or self.ds.is_removed("conversations", i)
        ):
            raise HTTPError(404, "not_found", "Resource Not Found")
        with self.ds.lock:
            rec = self.ds.conversation(
                i, with_parts=True, plain=query.get("display_as") == "plaintext"
            )
        return 200, rec
