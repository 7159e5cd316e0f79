"""Tags of the workspace."""

from __future__ import annotations

from tap_intercom.client import IntercomStream


class TagsStream(IntercomStream):
    """GET /tags."""

    name = "tags"
    path = "/tags"
