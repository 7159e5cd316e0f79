"""Contact records, generated on demand from ``(seed, index)``, and their tags, companies and
segments."""

from __future__ import annotations

from random import Random
from typing import Any

from fake_intercom.data.clock import DAY, OLD_TS
from fake_intercom.data.ids import WORKSPACE_ID, company_id, contact_id
from fake_intercom.data.state import DatasetState
from fake_intercom.data.vocabulary import (
    BROWSERS,
    COUNTRIES,
    DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    LOCALES,
    OSES,
)


class ContactRecords(DatasetState):
    def contact_tag_ids(self, i: int) -> list[tuple[dict[str, Any], int]]:
        r = Random(f"{self.seed}:ctags:{i}")
        n = (11 + r.randrange(10)) if i % 41 == 3 else r.choice([0, 0, 0, 1, 1, 2, 3])
        n = min(n, len(self.tags))
        picked = sorted(r.sample(range(len(self.tags)), n))
        base = self.contacts.created[i]
        tags = [(self.tags[t], base + 3600 * (k + 1)) for k, t in enumerate(picked)]
        live = self.live_links("contact_tags", i, [t["id"] for t, _ in tags])
        return [tag for tag, keep in zip(tags, live, strict=True) if keep]

    def contact_company_idx(self, i: int) -> list[int]:
        nco = self.companies.count
        if nco == 0:
            return []
        r = Random(f"{self.seed}:ccomp:{i}")
        n = (11 + r.randrange(15)) if (i % 41 == 3 or i % 53 == 10) else r.choice([0, 1, 1, 1, 2])
        n = min(n, nco)
        picked = sorted(r.sample(range(nco), n))
        live = self.live_links("contact_companies", i, [company_id(c) for c in picked])
        return [c for c, keep in zip(picked, live, strict=True) if keep]

    def contact_segment_ids(self, i: int) -> list[dict[str, Any]]:
        r = Random(f"{self.seed}:cseg:{i}")
        n = r.choice([0, 1, 1, 2, 3])
        return [
            self.contact_segments[k] for k in sorted(r.sample(range(len(self.contact_segments)), n))
        ]

    def contact(self, i: int, full: bool = False) -> dict[str, Any]:
        r = Random(f"{self.seed}:contact:{i}")
        cid = contact_id(i)
        created = self.contacts.created[i]
        updated = self.contacts.updated[i]
        ver = self.contacts.version.get(i, 0)
        sparse = i % 23 == 7
        first, last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
        slug = f"user{i}"
        domain = r.choice(DOMAINS)
        role = "user" if r.random() < 0.7 else "lead"
        name = None if sparse else f"{first} {last}" + (f" (rev {ver})" if ver else "")
        country = r.choice(COUNTRIES)

        def ts_between(lo: int, hi: int, p_null: float = 0.2) -> int | None:
            if sparse or r.random() < p_null or hi < lo:
                return None
            return lo + int((hi - lo) * r.random())

        if i % 97 == 5:
            signed_up = -86400 * 365 * 3 - i  # pre-1970
        elif i % 89 == 6:
            signed_up = OLD_TS - 86400 * 30
        else:
            signed_up = ts_between(created - 30 * DAY, created) if role == "user" else None
        tags = self.contact_tag_ids(i)
        comps = self.contact_company_idx(i)
        avatar: Any
        if i % 3 == 0:
            avatar = f"https://static.intercomassets.example/avatars/{cid}.png"
        elif i % 3 == 1 and not sparse:
            avatar = {
                "type": "avatar",
                "image_url": f"https://static.intercomassets.example/avatars/{cid}/square.png",
            }
        else:
            avatar = None
        custom: dict[str, Any] = {
            "plan tier": None if sparse else r.choice(["free", "pro", "enterprise"]),
            "seats": None if sparse else r.randrange(1, 500) + ver,
            "account.score": None if sparse else round(r.random() * 100, 3),
            "is_vip": None if sparse else r.random() < 0.2,
            "trial_ends_at": None if sparse else created + 14 * DAY,
            "legacy_flag": None if sparse else r.choice(["a", "b", None]),
        }
        if i % 50 == 0:
            custom["account.score"] = float(r.randrange(10))  # integral float
        rec: dict[str, Any] = {
            "type": "contact",
            "id": cid,
            "external_id": None if sparse or role == "lead" else f"ext-{i}",
            "workspace_id": WORKSPACE_ID,
            "role": role,
            "email": None if sparse else f"{slug}@{domain}",
            "email_domain": None if sparse else domain,
            "phone": None if sparse or r.random() < 0.5 else f"+3531{r.randrange(10**6, 10**7)}",
            "name": name,
            "owner_id": None if sparse or r.random() < 0.5 else r.choice(self.admin_int_ids()),
            "has_hard_bounced": r.random() < 0.02,
            "marked_email_as_spam": r.random() < 0.01,
            "unsubscribed_from_emails": r.random() < 0.1,
            "created_at": created,
            "updated_at": updated,
            "signed_up_at": signed_up,
            "last_seen_at": ts_between(created, updated),
            "last_replied_at": ts_between(created, updated, 0.5),
            "last_contacted_at": ts_between(created, updated, 0.5),
            "last_email_opened_at": ts_between(created, updated, 0.6),
            "last_email_clicked_at": ts_between(created, updated, 0.8),
            "language_override": None if r.random() < 0.8 else r.choice(LOCALES),
            "browser": None if sparse else r.choice(BROWSERS),
            "browser_version": None if sparse else f"{r.randrange(80, 130)}.0",
            "browser_language": None if sparse else r.choice(LOCALES),
            "os": None if sparse else r.choice(OSES),
            "android_app_name": None,
            "android_app_version": None,
            "android_device": None,
            "android_os_version": None,
            "android_sdk_version": None,
            "android_last_seen_at": None,
            "ios_app_name": "Fake iOS" if i % 11 == 0 else None,
            "ios_app_version": "5.2.1" if i % 11 == 0 else None,
            "ios_device": "iPhone15,2" if i % 11 == 0 else None,
            "ios_os_version": "17.1" if i % 11 == 0 else None,
            "ios_sdk_version": "16.0.0" if i % 11 == 0 else None,
            "ios_last_seen_at": ts_between(created, updated) if i % 11 == 0 else None,
            "custom_attributes": custom,
            "avatar": avatar,
            "tags": {
                "type": "list",
                "data": [
                    {"type": "tag", "id": t["id"], "url": f"/tags/{t['id']}"} for t, _ in tags[:10]
                ],
                "url": f"/contacts/{cid}/tags",
                "total_count": len(tags),
                "has_more": len(tags) > 10,
            },
            "notes": {
                "type": "list",
                "data": [],
                "url": f"/contacts/{cid}/notes",
                "total_count": 0,
                "has_more": False,
            },
            "companies": {
                "type": "list",
                "data": [
                    {"id": company_id(c), "type": "company", "url": f"/companies/{company_id(c)}"}
                    for c in comps[:10]
                ],
                "url": f"/contacts/{cid}/companies",
                "total_count": len(comps),
                "has_more": len(comps) > 10,
            },
            "opted_out_subscription_types": {
                "type": "list",
                "data": [],
                "url": f"/contacts/{cid}/subscriptions",
                "total_count": 0,
                "has_more": False,
            },
            "opted_in_subscription_types": {
                "type": "list",
                "data": [],
                "url": f"/contacts/{cid}/subscriptions",
                "total_count": 0,
                "has_more": False,
            },
            "utm_campaign": None if r.random() < 0.7 else "spring-sale",
            "utm_content": None,
            "utm_medium": None if r.random() < 0.7 else "email",
            "utm_source": None if r.random() < 0.7 else "newsletter",
            "utm_term": None,
            "referrer": None if sparse else f"https://{domain}/pricing",
            "location": {
                "type": "location",
                "country": None if sparse else country[0],
                "region": None if sparse else country[1],
                "city": None if sparse else country[2],
                "country_code": None if sparse else country[3],
                "continent_code": None if sparse else country[4],
            },
            "social_profiles": {
                "type": "list",
                "data": []
                if i % 7
                else [
                    {
                        "type": "social_profile",
                        "name": "Twitter",
                        "url": f"https://twitter.example/{slug}",
                    }
                ],
            },
        }
        if full:
            rec["enabled_push_messaging"] = None if sparse else i % 11 == 0
        return rec

    def contact_tags_full(self, i: int) -> list[dict[str, Any]]:
        admin = self.admins[0]["id"]
        return [
            {
                "type": "tag",
                "id": t["id"],
                "name": t["name"],
                "applied_at": at,
                "applied_by": {"type": "admin", "id": admin},
            }
            for t, at in self.contact_tag_ids(i)
        ]
