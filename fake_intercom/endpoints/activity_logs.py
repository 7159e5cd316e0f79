"""``/admins/activity_logs``: page-numbered, filtered by ``created_at_after``/``_before``."""

from __future__ import annotations

from typing import Any

from fake_intercom.endpoints.paging import Paging
from fake_intercom.errors import HTTPError


class ActivityLogEndpoints(Paging):
    def ep_activity_logs(
        self, query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        after = query.get("created_at_after")
        if not after:
            raise HTTPError(
                404,
                "parameter_not_found",
                "Please provide the following parameters: created_at_after",
            )
        try:
            lo = int(float(after))
            hi = int(float(query["created_at_before"])) if query.get("created_at_before") else None
        except ValueError as exc:
            raise HTTPError(
                400, "parameter_invalid", "created_at_after must be a timestamp"
            ) from exc
        items = [
            a
            for a in self.ds.activity_logs
            if a["created_at"] >= lo and (hi is None or a["created_at"] <= hi)
        ]
        return 200, self.paged(
            items,
            query,
            20,
            base,
            path,
            key="activity_logs",
            list_type="activity_log.list",
            with_total=False,
        )
