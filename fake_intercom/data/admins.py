"""Admins and teams: five admins (one bot, one away) in three teams."""

from __future__ import annotations

from typing import Any

from fake_intercom.data.state import DatasetState


class AdminRecords(DatasetState):
    def _make_admins(self) -> list[dict[str, Any]]:
        names = [
            ("Ciaran Lee", "ciaran@intercom.example"),
            ("Zoë Ørsted", "zoe@intercom.example"),
            ("Mia 王", "mia@intercom.example"),
            ("Bot Builder", "bot@intercom.example"),
            ("Renée Dupont", "renee@intercom.example"),
        ]
        out = []
        for k, (name, email) in enumerate(names):
            aid = str(991267400 + k)
            team_ids = [814865 + (k % 3)] if k < 4 else []
            out.append(
                {
                    "type": "admin",
                    "id": aid,
                    "name": name,
                    "email": email,
                    "job_title": ["Support Lead", "Engineer", None, "Automation", "Sales"][k],
                    "away_mode_enabled": k == 2,
                    "away_mode_reassign": k == 2,
                    "away_status_reason_id": 12 if k == 2 else None,
                    "has_inbox_seat": k != 3,
                    "team_ids": team_ids,
                    "avatar": {
                        "type": "avatar",
                        "image_url": f"https://static.intercomassets.example/avatars/{aid}.png"
                        if k != 4
                        else None,
                    },
                    "team_priority_level": {"primary_team_ids": team_ids, "secondary_team_ids": []}
                    if team_ids
                    else None,
                }
            )
        return out

    def admin_int_ids(self) -> list[int]:
        return [int(a["id"]) for a in self.admins]

    def _make_teams(self) -> list[dict[str, Any]]:
        out = []
        for k, name in enumerate(["Support 🛟", "Billing & Accounts", "Onboarding"]):
            members = [int(a["id"]) for a in self.admins if 814865 + k in a["team_ids"]]
            out.append(
                {
                    "type": "team",
                    "id": str(814865 + k),
                    "name": name,
                    "admin_ids": members,
                    "admin_priority_level": {
                        "primary_admin_ids": members,
                        "secondary_admin_ids": [],
                    }
                    if k != 2
                    else None,
                    "assignment_limit": 10 if k == 0 else None,
                    "distribution_method": "round_robin"
                    if k == 0
                    else ("balanced" if k == 1 else None),
                }
            )
        return out
