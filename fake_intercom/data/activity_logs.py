"""Admin activity logs over the last 120 days of the data's clock."""

from __future__ import annotations

from random import Random
from typing import Any

from fake_intercom.data.clock import DATA_NOW, DAY
from fake_intercom.data.state import DatasetState
from fake_intercom.data.vocabulary import ACTIVITY_TYPES, rng_uuid, words


class ActivityLogRecords(DatasetState):
    def _make_activity_logs(self, n: int) -> list[dict[str, Any]]:
        r = Random(f"{self.seed}:activity_logs")
        out = []
        start = DATA_NOW - 120 * DAY
        for k in range(n):
            ts = start + int(r.random() * 120 * DAY)
            admin = self.admins[k % len(self.admins)]
            at = ACTIVITY_TYPES[k % len(ACTIVITY_TYPES)]
            meta: dict[str, Any]
            if at == "admin_away_mode_change":
                meta = {"away_mode": bool(k % 2), "reassign_conversations": False}
            elif at == "admin_login_success":
                meta = {"sign_in_method": "email_password"}
            elif at == "app_timezone_change":
                meta = {
                    "before": {"timezone": "Europe/London"},
                    "after": {"timezone": "Europe/Dublin"},
                    "expired_at": "2026-03-01T10:00:00.000Z",
                }
            else:
                meta = {
                    "update_by": int(admin["id"]),
                    "update_by_name": admin["name"],
                    "source": words(r, 2),
                }
            out.append(
                {
                    "id": rng_uuid(r),
                    "performed_by": {
                        "type": "admin",
                        "id": admin["id"],
                        "email": admin["email"],
                        "ip": f"10.0.{k % 250}.{(k * 7) % 250}",
                    },
                    "metadata": meta,
                    "created_at": ts,
                    "activity_type": at,
                    "activity_description": f"{admin['name']} did {at.replace('_', ' ')}.",
                }
            )
        out.sort(key=lambda a: (-a["created_at"], a["id"]))
        return out
