"""``/me``, ``/admins`` and ``/teams``."""

from __future__ import annotations

from typing import Any

from fake_intercom.data.ids import APP_ID
from fake_intercom.endpoints.paging import Paging
from fake_intercom.errors import HTTPError


class AdminEndpoints(Paging):
    def ep_me(self, **_: Any) -> tuple[int, Any]:
        a = self.ds.admins[0]
        return 200, {
            "type": "admin",
            "id": a["id"],
            "email": a["email"],
            "name": a["name"],
            "email_verified": True,
            "app": {
                "type": "app",
                "id_code": APP_ID,
                "name": "Fake Workspace ✨",
                "region": "US",
                "timezone": self.workspace_timezone,
                "created_at": 1420070400,
                "identity_verification": False,
            },
            "avatar": a["avatar"],
            "has_inbox_seat": a["has_inbox_seat"],
            "away_mode_enabled": a["away_mode_enabled"],
            "away_mode_reassign": a["away_mode_reassign"],
            "job_title": a["job_title"],
            "team_ids": a["team_ids"],
        }

    def ep_admins(self, **_: Any) -> tuple[int, Any]:
        return 200, {"type": "admin.list", "admins": self.ds.admins}

    def ep_admin(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        for a in self.ds.admins:
            if a["id"] == params["id"]:
                return 200, a
        raise HTTPError(404, "admin_not_found", "Admin not found")

    def ep_teams(self, **_: Any) -> tuple[int, Any]:
        return 200, {"type": "team.list", "teams": self.ds.teams}

    def ep_team(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        for t in self.ds.teams:
            if t["id"] == params["id"]:
                return 200, t
        raise HTTPError(404, "team_not_found", "Team not found")
