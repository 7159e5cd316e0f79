"""Streams owned by the workspace's people: admins and teams."""

from __future__ import annotations

import typing as t

from tap_intercom.client import IntercomStream
from tap_intercom.errors import IntercomNotFoundError

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from singer_sdk.helpers.types import Context


def normalize_admin_avatar(record: dict) -> dict:
    """Admin avatars come as an object `{image_url}` or, in some versions, a bare URL string."""
    avatar = record.get("avatar")
    if isinstance(avatar, str):
        record["avatar"] = {"type": "avatar", "image_url": avatar}
    return record


class AdminsStream(IntercomStream):
    """GET /admins, then GET /admins/{id} for each admin (the detail is authoritative)."""

    name = "admins"
    path = "/admins"
    primary_keys: t.ClassVar[list[str]] = ["id"]
    replication_key = None
    records_jsonpath = "$.admins[*]"

    def get_records(self, context: Context | None) -> Iterable[dict]:
        for listed in super().get_records(context):
            admin_id = listed.get("id")
            if admin_id is None:
                yield listed
                continue
            try:
                detail = self.fetch_json(f"/admins/{admin_id}", context=context)
            except IntercomNotFoundError:
                self.logger.warning("Admin %s disappeared between list and detail", admin_id)
                detail = None
            yield {**listed, **detail} if isinstance(detail, dict) else listed

    def transform_record(self, record: dict, context: Context | None) -> dict | None:
        return normalize_admin_avatar(record)


class TeamsStream(IntercomStream):
    """GET /teams."""

    name = "teams"
    path = "/teams"
    primary_keys: t.ClassVar[list[str]] = ["id"]
    replication_key = None
    records_jsonpath = "$.teams[*]"
