"""Company records, generated on demand from ``(seed, index)``, and their segments."""

from __future__ import annotations

from random import Random
from typing import Any

from fake_intercom.data.clock import DAY, OLD_TS
from fake_intercom.data.ids import APP_ID, company_id
from fake_intercom.data.state import DatasetState
from fake_intercom.data.vocabulary import INDUSTRIES, LAST_NAMES, PLANS


class CompanyRecords(DatasetState):
    def company_segment_list(self, i: int) -> list[dict[str, Any]]:
        r = Random(f"{self.seed}:coseg:{i}")
        n = r.choice([0, 1, 2, 3, 4]) if i % 10 else 4
        return [
            self.company_segments[k] for k in sorted(r.sample(range(len(self.company_segments)), n))
        ]

    def company(self, i: int) -> dict[str, Any]:
        r = Random(f"{self.seed}:company:{i}")
        ver = self.companies.version.get(i, 0)
        created = self.companies.created[i]
        updated = self.companies.updated[i]
        sparse = i % 17 == 9
        plan = r.choice(PLANS)
        seg = self.company_segment_list(i)
        tag_picks = sorted(r.sample(range(len(self.tags)), r.choice([0, 1, 2, 3])))
        live = self.live_links("company_tags", i, [self.tags[t]["id"] for t in tag_picks])
        tag_picks = [t for t, keep in zip(tag_picks, live, strict=True) if keep]
        industry = r.choice(INDUSTRIES)
        name = f"{r.choice(LAST_NAMES)} {r.choice(['Ltd', 'GmbH', 'Inc.', 'S.A.', '株式会社'])} {i}"
        return {
            "type": "company",
            "id": company_id(i),
            "name": name + (f" (rev {ver})" if ver else ""),
            "app_id": APP_ID,
            "plan": {} if sparse else {"type": "plan", "id": plan[0], "name": plan[1]},
            "company_id": f"comp-{i:06d}",
            "remote_created_at": OLD_TS
            if i % 13 == 1
            else (None if sparse else created - 10 * DAY),
            "created_at": created,
            "updated_at": updated,
            "last_request_at": None if sparse else created + int((updated - created) * r.random()),
            "size": None if sparse else r.randrange(1, 5000),
            "website": None if sparse else f"https://www.company{i}.example",
            "industry": None if sparse else industry,
            "monthly_spend": round(r.random() * 10000, 2) if not sparse else 0.0,
            "session_count": r.randrange(0, 10000),
            "user_count": r.randrange(0, 300),
            "custom_attributes": {
                "industry segment": None
                if sparse
                else r.choice(["SMB", "Mid-market", "Enterprise"]),
                "employee_count": None if sparse else r.randrange(1, 100000),
                "health.score": None if sparse else round(r.random(), 4),
                "paid_subscriber": None if sparse else r.random() < 0.6,
                "renewal_at": None if sparse else updated + 180 * DAY,
                "old crm id": None if sparse else f"SF-{r.randrange(10**6)}",
            },
            "tags": {
                "type": "tag.list",
                "tags": [
                    {"type": "tag", "id": self.tags[t]["id"], "name": self.tags[t]["name"]}
                    for t in tag_picks
                ],
            },
            "segments": {"type": "segment.list", "segments": [dict(s) for s in seg]},
        }
