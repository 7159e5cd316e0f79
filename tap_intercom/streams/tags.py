"""Tags of the workspace."""

from __future__ import annotations

import typing as t

from tap_intercom.client import IntercomStream


class TagsStream(IntercomStream):
    """GET /tags."""

    name = "tags"
    path = "/tags"
    primary_keys: t.ClassVar[list[str]] = ["id"]
    replication_key = None
    records_jsonpath = "$.data[*]"
