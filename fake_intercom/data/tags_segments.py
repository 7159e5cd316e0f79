"""Tags and the contact and company segments."""

from __future__ import annotations

from random import Random
from typing import Any

from fake_intercom.data.clock import DATA_NOW, DATA_START
from fake_intercom.data.state import DatasetState


class TagSegmentRecords(DatasetState):
    def _make_tags(self) -> list[dict[str, Any]]:
        names = [
            "vip",
            "churn-risk",
            "beta",
            "enterprise",
            "trial",
            "Ünïcödé tag",
            "🔥 hot",
            "needs follow up",
            "billing",
            "bug",
            "feature.request",
            "partner",
            "nps:9",
            "nps:3",
            "onboarding",
            "renewal",
            "legacy",
            "de",
            "fr",
            "ja",
            "apac",
            "emea",
            "amer",
            "spam?",
            "long tag name " + "x" * 40,
        ]
        return [{"type": "tag", "id": str(9000 + 7 * k), "name": n} for k, n in enumerate(names)]

    def _make_segments(self, person_type: str, n: int) -> list[dict[str, Any]]:
        r = Random(f"{self.seed}:segments:{person_type}")
        out = []
        for k in range(n):
            c = DATA_START + int((DATA_NOW - DATA_START) * r.random() * 0.8)
            u = c + int((DATA_NOW - c) * r.random())
            base = (
                0x5E00000000000000000000A0
                if person_type == "contact"
                else 0x5E00000000000000000000F0
            )
            label = "Active users" if person_type == "contact" else "Big companies"
            out.append(
                {
                    "type": "segment",
                    "id": f"{base + k:024x}",
                    "name": f"{label} #{k}" + (" ⭐" if k == 1 else ""),
                    "created_at": c,
                    "updated_at": u,
                    "person_type": "user" if person_type == "company" else "contact",
                }
            )
        return out
