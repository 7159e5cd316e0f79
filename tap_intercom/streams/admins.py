"""Streams owned by the workspace's people: admins and teams."""

from __future__ import annotations

import typing as t

from tap_intercom.bridges import BridgeParent, BridgeStream
from tap_intercom.errors import IntercomNotFoundError
from tap_intercom.full_table import FullTableStream

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context

    from tap_intercom.details import DetailPrefetcher


def normalize_admin_avatar(record: dict) -> dict:
    """Admin avatars come as an object `{image_url}` or, in some versions, a bare URL string."""
    avatar = record.get("avatar")
    if isinstance(avatar, str):
        record["avatar"] = {"type": "avatar", "image_url": avatar}
    return record


class AdminsStream(FullTableStream):
    """GET /admins, then GET /admins/{id} for each admin (the detail is authoritative).

    The details of a listed page are fetched on the worker pool as soon as the list arrives
    (a workspace may have hundreds of admins), and merged in list order.
    """

    name = "admins"
    path = "/admins"
    records_jsonpath = "$.admins[*]"

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.detail_prefetcher: DetailPrefetcher[dict | None] = self.new_detail_prefetcher()

    def detail_fetcher(self, admin_id: str) -> t.Callable[[], dict | None]:
        """GET /admins/{id}; None when the admin was deleted since the list was read."""

        def fetch() -> dict | None:
            try:
                detail = self.fetch_json(f"/admins/{admin_id}")
            except IntercomNotFoundError:
                return None
            return detail if isinstance(detail, dict) else None

        return fetch

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        listed = [r for r in super().parse_response(response) if isinstance(r, dict)]
        self.detail_prefetcher.submit_page(
            {
                str(record["id"]): self.detail_fetcher(str(record["id"]))
                for record in listed
                if record.get("id") is not None
            }
        )
        yield from listed

    def get_records(self, context: Context | None) -> Iterable[dict]:
        try:
            for listed in super().get_records(context):
                if listed.get("id") is None:
                    yield listed
                    continue
                admin_id = str(listed["id"])
                detail = self.detail_prefetcher.take(admin_id, self.detail_fetcher(admin_id))
                if detail is None:
                    self.logger.warning("Admin %s disappeared between list and detail", admin_id)
                    yield listed
                else:
                    yield {**listed, **detail}
        finally:
            self.detail_prefetcher.close()

    def transform_record(self, record: dict, context: Context | None) -> dict | None:
        return normalize_admin_avatar(record)


class TeamsStream(BridgeParent, FullTableStream):
    """GET /teams, a table version each run (`full_table`); its `admin_ids` feed team_admins."""

    name = "teams"
    path = "/teams"
    records_jsonpath = "$.teams[*]"

    def get_records(self, context: Context | None) -> Iterable[dict]:
        yield from self.records_with_bridges(super().get_records(context))

    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        record = super().post_process(row, context)
        if record is not None and self.open_bridges:
            self.write_bridges(None, record, None, None)
        return record


class TeamAdminsStream(BridgeStream):
    """One row per admin of a team (`admin_ids`); teams are read in full each run, so this is
    a full table, one table version per run (`bridges`)."""

    name = "team_admins"
    parent_stream_type = TeamsStream
    parent_field = "admin_ids"
    columns = ("team_id", "admin_id")
    full_table = True
