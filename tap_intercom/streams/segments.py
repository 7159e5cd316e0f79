"""Contact segments (company segments are company_segments, a child of companies)."""

from __future__ import annotations

import typing as t

from tap_intercom.full_table import FullTableStream

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


class SegmentsStream(FullTableStream):
    """GET /segments?include_count=true, one response with every segment: written whole each
    run as one table version (`full_table`), so a deleted segment is marked deleted downstream.

    A version replaces the table, so it holds every live segment since `start_date`: the
    bookmark does not filter (a workspace has tens of segments, one request either way). The
    replication key and its bookmark stay, so Stitch catalogs and states keep working.
    """

    name = "segments"
    path = "/segments"
    replication_key = "updated_at"
    records_jsonpath = "$.segments[*]"
    client_side_filter = True

    def reads_whole_table(self) -> bool:
        return True

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        return {"include_count": "true"}
