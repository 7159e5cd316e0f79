"""Tags of the workspace."""

from __future__ import annotations

from tap_intercom.full_table import FullTableStream


class TagsStream(FullTableStream):
    """GET /tags, a table version each run (`full_table`)."""

    name = "tags"
    path = "/tags"
