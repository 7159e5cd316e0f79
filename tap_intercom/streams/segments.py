"""Contact segments (company segments are company_segments, a child of companies)."""

from __future__ import annotations

import typing as t

from tap_intercom.client import IntercomStream

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


class SegmentsStream(IntercomStream):
    """GET /segments?include_count=true: fetched whole, filtered on `updated_at` here."""

    name = "segments"
    path = "/segments"
    replication_key = "updated_at"
    records_jsonpath = "$.segments[*]"
    client_side_filter = True

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        return {"include_count": "true"}
