"""Deterministic data for the fake Intercom workspace.

Bulk resources (contacts, companies, conversations and their parts, tickets) are stored compactly:
only the timestamps that drive ordering and filtering live in arrays; every other field is generated
on demand from a ``random.Random`` keyed by ``(seed, resource, index)``. Records are kept in sorted
indexes of ``(updated_at << 32) | index`` so that searches and pages are bisect-based.

Small resources (admins, teams, tags, segments, articles, collections, help centers, data
attributes, activity logs) are built once at start-up.
"""

from __future__ import annotations

import bisect
import html
import re
import threading
import time
import uuid
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from random import Random
from typing import Any

DATA_NOW = 1780272000  # 2026-06-01T00:00:00Z: the fixed "now" of the generated data
DATA_START = 1420070400  # 2015-01-01T00:00:00Z
OLD_TS = 946684800  # 2000-01-01T00:00:00Z (9 digits: before 2001-09-09)
DAY = 86400

SCALES: dict[str, dict[str, int]] = {
    "small": {
        "contacts": 300,
        "companies": 100,
        "conversations": 200,
        "tickets": 60,
        "activity_logs": 300,
    },
    "medium": {
        "contacts": 20_000,
        "companies": 5_000,
        "conversations": 5_000,
        "tickets": 1_000,
        "activity_logs": 2_000,
    },
    "large": {
        "contacts": 200_000,
        "companies": 20_000,
        "conversations": 50_000,
        "tickets": 5_000,
        "activity_logs": 5_000,
    },
}

APP_ID = "fk4ke1nt"
WORKSPACE_ID = APP_ID
CONTACT_BASE = 0x650000000000000000000000
COMPANY_BASE = 0x5F0000000000000000000000
ID_STEP = 0x10001
CONVERSATION_BASE = 1_000_000_001
TICKET_BASE = 2_000_000_001
PART_BASE = 5_000_000_000
PARTS_CAP = 500
SHIFT = 32
LOW_MASK = (1 << SHIFT) - 1

FIRST_NAMES = [
    "Alice",
    "Bob",
    "Zoë",
    "José",
    "Łukasz",
    "Søren",
    "Renée",
    "Ηλίας",
    "李",
    "Ólafur",
    "Chloé",
    "Mateo",
    "Ava",
    "Noah",
    "Aiyana",
    "Dmitrí",
    "Fatima",
    "Kwame",
    "Saoirse",
    "Yūki",
    "Amélie",
    "🦄 Unicorn",
    "Priya",
    "Omar",
    "Ingrid",
]
LAST_NAMES = [
    "Smith",
    "Müller",
    "García",
    "Nguyễn",
    "O'Brien",
    "Kowalski",
    "Østergaard",
    "Dubois",
    "Papadopoulos",
    "王",
    "Jóhannsson",
    "Rossi",
    "Silva",
    "Okafor",
    "Tanaka",
    "Ivanov",
    "Haddad",
    "Fernández",
    "Schröder",
    "Murphy 🍀",
]
DOMAINS = ["example.com", "acme.test", "globex.example", "initech.test", "umbrella.example"]
COUNTRIES = [
    ("Ireland", "Leinster", "Dublin", "IRL", "EU"),
    ("United States", "California", "San Francisco", "USA", "NA"),
    ("Germany", "Berlin", "Berlin", "DEU", "EU"),
    ("Japan", "Tokyo", "Tokyo", "JPN", "AS"),
    ("Brazil", "São Paulo", "São Paulo", "BRA", "SA"),
    ("Australia", "New South Wales", "Sydney", "AUS", "OC"),
]
INDUSTRIES = ["Software", "Retail", "Finance", "Healthcare", "Education", "Logistics", None]
PLANS = [("269315", "Starter"), ("269316", "Pro"), ("269317", "Premium")]
BROWSERS = ["chrome", "firefox", "safari", "edge"]
OSES = ["OS X 10.15", "Windows 10", "Linux", "iOS 17.1", "Android 14"]
LOCALES = ["en", "fr", "de", "es", "pt-BR", "ja", "zh-CN"]
WORDS = [
    "support", "billing", "refund", "invoice", "login", "password", "export", "report",
    "integration", "webhook", "api", "latency", "outage", "feature", "request", "thanks",
    "urgent", "déjà", "naïve", "façade", "数据", "🚀", "✅", "☕",
]  # fmt: skip
PART_TYPES = [
    "comment",
    "note",
    "assignment",
    "open",
    "close",
    "snoozed",
    "quick_reply",
    "assign_and_reopen",
    "conversation_attribute_updated_by_admin",
    "custom_action_started",
    "custom_action_finished",
]
SOURCE_TYPES = [
    "conversation",
    "email",
    "facebook",
    "instagram",
    "phone_call",
    "push",
    "sms",
    "twitter",
    "whatsapp",
]
DELIVERED_AS = [
    "customer_initiated",
    "campaigns_initiated",
    "operator_initiated",
    "automated",
    "admin_initiated",
]
ACTIVITY_TYPES = [
    "admin_login_success",
    "admin_logout",
    "admin_away_mode_change",
    "app_team_membership_modification",
    "admin_permission_change",
    "macro_creation",
    "app_timezone_change",
    "office_hours_change",
]

TAG_RE = re.compile(r"<[^>]+>")


def contact_id(i: int) -> str:
    return f"{CONTACT_BASE + i * ID_STEP:024x}"


def company_id(i: int) -> str:
    return f"{COMPANY_BASE + i * ID_STEP:024x}"


def parse_hex_id(value: str, base: int, count: int) -> int | None:
    try:
        raw = int(value, 16)
    except (TypeError, ValueError):
        return None
    if len(value) != 24:
        return None
    off = raw - base
    if off < 0 or off % ID_STEP:
        return None
    i = off // ID_STEP
    return i if i < count else None


def parse_num_id(value: str, base: int, count: int) -> int | None:
    if not isinstance(value, str) or not value.isdigit():
        return None
    i = int(value) - base
    return i if 0 <= i < count else None


def plaintext(body: str | None) -> str | None:
    if body is None:
        return None
    return html.unescape(TAG_RE.sub("", body))


def words(r: Random, n: int) -> str:
    return " ".join(r.choice(WORDS) for _ in range(n))


def rng_uuid(r: Random) -> str:
    return str(uuid.UUID(int=r.getrandbits(128), version=4))


@dataclass
class Bulk:
    """Compact storage for one bulk resource: timestamps plus sorted indexes."""

    count: int
    created: array
    updated: array
    index: list[int] = field(default_factory=list)  # (updated_at << 32) | i, sorted
    created_index: list[int] = field(default_factory=list)  # (created_at << 32) | i, sorted
    version: dict[int, int] = field(default_factory=dict)  # i -> number of mutations

    def build_indexes(self) -> None:
        self.index = sorted((u << SHIFT) | i for i, u in enumerate(self.updated))
        self.created_index = sorted((c << SHIFT) | i for i, c in enumerate(self.created))

    def set_updated(self, i: int, ts: int) -> None:
        old = (self.updated[i] << SHIFT) | i
        pos = bisect.bisect_left(self.index, old)
        if pos < len(self.index) and self.index[pos] == old:
            del self.index[pos]
        self.updated[i] = ts
        bisect.insort(self.index, (ts << SHIFT) | i)
        self.version[i] = self.version.get(i, 0) + 1

    def max_updated(self) -> int:
        return (self.index[-1] >> SHIFT) if self.index else 0

    def count_range(self, which: str, lo: int, hi: int) -> int:
        idx = self.index if which == "updated_at" else self.created_index
        a = bisect.bisect_left(idx, lo << SHIFT) if lo > -(1 << 62) else 0
        b = bisect.bisect_right(idx, (hi << SHIFT) | LOW_MASK) if hi < (1 << 62) else len(idx)
        return max(0, b - a)


def _timestamps(r: Random, n: int, recent_bias: float = 2.0) -> tuple[array, array]:
    created = array("q", [0]) * n
    updated = array("q", [0]) * n
    span = DATA_NOW - DAY - DATA_START
    for i in range(n):
        c = DATA_START + int(span * r.random())
        u = c + int((DATA_NOW - c) * (1.0 - r.random() ** recent_bias))
        created[i] = c
        updated[i] = min(u, DATA_NOW)
    return created, updated


def _tie(bulk: Bulk, size: int, offset: int, second_offset: int) -> int:
    """Give ``size`` records one shared updated_at second placed at sorted position ~offset."""
    n = bulk.count
    if n < 4 or size <= 0:
        return 0
    size = min(size, n - 2)
    members = list(range(n - size, n))  # the last indexes (ids spread through id order)
    others = sorted(bulk.updated[i] for i in range(n - size))
    offset = max(0, min(offset, len(others) - 1))
    tie = (others[offset] // DAY) * DAY + second_offset
    for i in members:
        bulk.updated[i] = tie
        if bulk.created[i] > tie:
            bulk.created[i] = tie - 3600
    return tie


class Dataset:
    """All the data of one fake workspace. Thread safety: callers hold ``lock`` for mutations
    and for index walks; record builders only read."""

    def __init__(self, seed: int = 1, scale: str = "small", **counts: int) -> None:
        if scale not in SCALES:
            msg = f"unknown scale {scale!r}"
            raise ValueError(msg)
        self.seed = seed
        self.scale = scale
        sizes = dict(SCALES[scale])
        for k, v in counts.items():
            if v is not None:
                if k not in sizes:
                    msg = f"unknown count {k!r}"
                    raise ValueError(msg)
                sizes[k] = int(v)
        self.sizes = sizes
        self.lock = threading.RLock()
        self.data_version = 0
        self._orig_updated: dict[int, int] = {}
        self.deleted_conversations: set[str] = set()
        r = Random(f"{seed}:timestamps")

        # --- small fixed resources ---
        self.admins = self._make_admins()
        self.teams = self._make_teams()
        self.tags = self._make_tags()
        self.contact_segments = self._make_segments("contact", 8)
        self.company_segments = self._make_segments("company", 6)
        self.data_attributes = self._make_data_attributes()

        # --- contacts ---
        nc = sizes["contacts"]
        created, updated = _timestamps(r, nc)
        self.contacts = Bulk(nc, created, updated)
        for i in (1, 2):
            if i < nc - 2:
                created[i] = updated[i] = OLD_TS
        tie_size = min(max(400, nc // 20), nc * 55 // 100)
        self.contact_tie = _tie(
            self.contacts, tie_size, 75 if nc < 1000 else nc * 2 // 5, 15 * 3600 + 1234
        )
        # neighbours on the same UTC day as the tie (earlier and later seconds)
        if nc > 40:
            for k in range(10):
                i = 10 + k
                updated[i] = (
                    self.contact_tie - 5 * 3600 + k if k < 5 else self.contact_tie + 3600 + k
                )
                created[i] = min(created[i], updated[i])
        self.contacts.build_indexes()

        # --- companies ---
        nco = sizes["companies"]
        created, updated = _timestamps(r, nco)
        self.companies = Bulk(nco, created, updated)
        if nco > 3:
            created[0] = updated[0] = OLD_TS
        self.companies.build_indexes()

        # --- conversations ---
        nv = sizes["conversations"]
        created, updated = _timestamps(r, nv, 3.0)
        self.conversations = Bulk(nv, created, updated)
        tie_size = min(max(200, nv // 20), nv * 55 // 100)
        self.conversation_tie = _tie(
            self.conversations,
            tie_size,
            max(0, 150 - tie_size // 2) if nv < 1000 else nv * 2 // 5,
            9 * 3600 + 321,
        )
        self.n_parts = array("i", [0]) * nv
        big = {2, 3} | set(range(5000, nv, 5000))
        for i in range(nv):
            if i == 0:
                n = 0
            elif i == 1:
                n = 1
            elif i in big:
                n = 501 + (i * 149) % 200
            else:
                n = int(r.random() ** 2 * 18) + 1
            self.n_parts[i] = n
        self.extra_parts: dict[int, list[int]] = {}
        self.conversations.build_indexes()

        # --- tickets ---
        nt = sizes["tickets"]
        created, updated = _timestamps(r, nt)
        self.tickets = Bulk(nt, created, updated)
        self.tickets.build_indexes()

        # --- help center, articles, activity logs ---
        self.help_centers = self._make_help_centers()
        self.collections = self._make_collections()
        self.articles = self._make_articles()
        self.activity_logs = self._make_activity_logs(sizes["activity_logs"])

        self.bulks: dict[str, Bulk] = {
            "contacts": self.contacts,
            "companies": self.companies,
            "conversations": self.conversations,
            "tickets": self.tickets,
        }

    # ------------------------------------------------------------------ fixed resources
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

    def _make_data_attributes(self) -> dict[str, list[dict[str, Any]]]:
        admin = self.admins[0]["id"]

        def std(model: str, name: str, dt: str, full: str | None = None) -> dict[str, Any]:
            return {
                "type": "data_attribute",
                "model": model,
                "name": name,
                "full_name": full or name,
                "label": name.replace("_", " ").title(),
                "description": f"The {name.replace('_', ' ')} of the {model}",
                "data_type": dt,
                "api_writable": False,
                "ui_writable": False,
                "messenger_writable": False,
                "custom": False,
                "archived": False,
            }

        def cda(
            model: str,
            k: int,
            name: str,
            dt: str,
            *,
            archived: bool = False,
            options: list[str] | None = None,
        ) -> dict[str, Any]:
            d: dict[str, Any] = {
                "type": "data_attribute",
                "id": 3000 + k,
                "model": model,
                "name": name,
                "full_name": f"custom_attributes.{name}",
                "label": name,
                "description": f"Custom {dt} attribute {name}",
                "data_type": dt,
                "api_writable": True,
                "ui_writable": True,
                "messenger_writable": False,
                "custom": True,
                "archived": archived,
                "created_at": 1500000000 + k * 86400 * 30,
                "updated_at": 1600000000 + k * 86400 * 17,
                "admin_id": admin,
            }
            if options:
                d["options"] = options
            return d

        contact = [
            std("contact", n, t)
            for n, t in [
                ("id", "string"),
                ("external_id", "string"),
                ("role", "string"),
                ("email", "string"),
                ("phone", "string"),
                ("name", "string"),
                ("owner_id", "integer"),
                ("created_at", "date"),
                ("updated_at", "date"),
                ("signed_up_at", "date"),
                ("last_seen_at", "date"),
                ("last_contacted_at", "date"),
                ("unsubscribed_from_emails", "boolean"),
                ("browser", "string"),
                ("os", "string"),
            ]
        ]
        contact += [
            std("contact", "location.city", "string", "location.city"),
            std("contact", "location.country", "string", "location.country"),
        ]
        contact += [
            cda("contact", 1, "plan tier", "string", options=["free", "pro", "enterprise"]),
            cda("contact", 2, "seats", "integer"),
            cda("contact", 3, "account.score", "float"),
            cda("contact", 4, "is_vip", "boolean"),
            cda("contact", 5, "trial_ends_at", "date"),
            cda("contact", 6, "legacy_flag", "string", archived=True),
        ]
        company = [
            std("company", n, t)
            for n, t in [
                ("id", "string"),
                ("company_id", "string"),
                ("name", "string"),
                ("created_at", "date"),
                ("updated_at", "date"),
                ("remote_created_at", "date"),
                ("last_request_at", "date"),
                ("monthly_spend", "float"),
                ("session_count", "integer"),
                ("user_count", "integer"),
                ("size", "integer"),
                ("website", "string"),
                ("industry", "string"),
            ]
        ]
        company += [
            std("company", "plan.name", "string", "plan.name"),
            std("company", "plan.id", "string", "plan.id"),
        ]
        company += [
            cda("company", 11, "industry segment", "string"),
            cda("company", 12, "employee_count", "integer"),
            cda("company", 13, "health.score", "float"),
            cda("company", 14, "paid_subscriber", "boolean"),
            cda("company", 15, "renewal_at", "date"),
            cda("company", 16, "old crm id", "string", archived=True),
        ]
        conversation = [
            std("conversation", n, t)
            for n, t in [
                ("id", "string"),
                ("created_at", "date"),
                ("updated_at", "date"),
                ("state", "string"),
                ("priority", "string"),
                ("admin_assignee_id", "integer"),
            ]
        ]
        conversation += [
            cda("conversation", 21, "Issue Type", "string", options=["Bug", "Question", "Billing"]),
            cda("conversation", 22, "priority.score", "integer"),
            cda("conversation", 23, "csat score", "float"),
            cda("conversation", 24, "escalated", "boolean"),
            cda("conversation", 25, "due date", "date"),
            cda("conversation", 26, "legacy ref", "string", archived=True),
        ]
        return {"contact": contact, "company": company, "conversation": conversation}

    def _make_help_centers(self) -> list[dict[str, Any]]:
        return [
            {
                "id": str(79 + k),
                "workspace_id": WORKSPACE_ID,
                "created_at": 1600000000 + k * 999,
                "updated_at": 1700000000 + k * 12345,
                "identifier": ["help", "docs"][k],
                "website_turned_on": k == 0,
                "display_name": ["Help Center", "Developer Docs 📚"][k],
                "url": f"https://help.example.test/{['help', 'docs'][k]}",
                "custom_domain": "help.example.test" if k == 0 else None,
            }
            for k in range(2)
        ]

    def _make_collections(self) -> list[dict[str, Any]]:
        r = Random(f"{self.seed}:collections")
        out = []
        for k in range(14):
            parent = None if k < 5 else str(159 + (k % 5 if k < 10 else 5 + k % 5))
            c = 1500000000 + int(r.random() * 2e8)
            out.append(
                {
                    "id": str(159 + k),
                    "workspace_id": WORKSPACE_ID,
                    "name": f"Collection {k}" + (" — Überblick" if k == 3 else ""),
                    "description": None if k % 4 == 0 else f"About topic {k}",
                    "created_at": c,
                    "updated_at": c + int(r.random() * 5e7),
                    "url": f"https://help.example.test/help/en/collections/{159 + k}",
                    "icon": None if k % 3 else "book-bookmark",
                    "order": k % 5 + 1,
                    "default_locale": "en",
                    "translated_content": None
                    if k % 2
                    else {
                        "type": "group_translated_content",
                        "en": {
                            "type": "group_content",
                            "name": f"Collection {k}",
                            "description": f"About topic {k}",
                        },
                        "fr": {
                            "type": "group_content",
                            "name": f"Collection {k} (fr)",
                            "description": "À propos",
                        },
                    },
                    "parent_id": parent,
                    "help_center_id": (79 + k % 2) if parent is None else None,
                }
            )
        return out

    def _make_articles(self) -> list[dict[str, Any]]:
        r = Random(f"{self.seed}:articles")
        out = []
        for k in range(40):
            c = 1500000000 + int(r.random() * 2.5e8)
            u = c + int(r.random() * 2e7)
            parent = 159 + k % 14 if k % 6 else None
            state = "published" if k % 5 else "draft"
            aid = str(3300000 + k)
            en = {
                "type": "article_content",
                "title": f"How to {words(r, 3)}",
                "description": f"Article {k}",
                "body": f"<p>{words(r, 40)}</p>",
                "author_id": int(self.admins[k % 3]["id"]),
                "state": state,
                "created_at": c,
                "updated_at": u,
                "url": f"https://help.example.test/help/en/articles/{aid}",
            }
            tc: dict[str, Any] = {"type": "article_translated_content", "en": en}
            if k % 3 == 0:
                tc["fr"] = dict(
                    en,
                    title=f"Comment {k}",
                    body="<p>Déjà vu — français</p>",
                    url=en["url"].replace("/en/", "/fr/"),
                )
                tc["pt-BR"] = dict(
                    en,
                    title=f"Como {k}",
                    body="<p>Olá 👋</p>",
                    url=en["url"].replace("/en/", "/pt-BR/"),
                )
            out.append(
                {
                    "type": "article",
                    "id": aid,
                    "workspace_id": WORKSPACE_ID,
                    "title": en["title"],
                    "description": en["description"] if k % 4 else None,
                    "body": en["body"],
                    "author_id": en["author_id"],
                    "state": state,
                    "created_at": c,
                    "updated_at": u,
                    "url": en["url"] if state == "published" else None,
                    "parent_id": parent,
                    "parent_ids": [parent] if parent else [],
                    "parent_type": "collection" if parent else None,
                    "default_locale": "en",
                    "translated_content": tc,
                    "tags": {
                        "type": "tag.list",
                        "tags": [
                            {"type": "tag", "id": t["id"], "name": t["name"]}
                            for t in self.tags[k % 4 : k % 4 + k % 3]
                        ],
                    },
                }
            )
        out.sort(key=lambda a: (-a["updated_at"], a["id"]))
        return out

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

    # ------------------------------------------------------------------ membership helpers
    def contact_tag_ids(self, i: int) -> list[tuple[dict[str, Any], int]]:
        r = Random(f"{self.seed}:ctags:{i}")
        n = (11 + r.randrange(10)) if i % 41 == 3 else r.choice([0, 0, 0, 1, 1, 2, 3])
        n = min(n, len(self.tags))
        picked = sorted(r.sample(range(len(self.tags)), n))
        base = self.contacts.created[i]
        return [(self.tags[t], base + 3600 * (k + 1)) for k, t in enumerate(picked)]

    def contact_company_idx(self, i: int) -> list[int]:
        nco = self.companies.count
        if nco == 0:
            return []
        r = Random(f"{self.seed}:ccomp:{i}")
        n = (11 + r.randrange(15)) if (i % 41 == 3 or i % 53 == 10) else r.choice([0, 1, 1, 1, 2])
        n = min(n, nco)
        return sorted(r.sample(range(nco), n))

    def contact_segment_ids(self, i: int) -> list[dict[str, Any]]:
        r = Random(f"{self.seed}:cseg:{i}")
        n = r.choice([0, 1, 1, 2, 3])
        return [
            self.contact_segments[k] for k in sorted(r.sample(range(len(self.contact_segments)), n))
        ]

    def company_segment_list(self, i: int) -> list[dict[str, Any]]:
        r = Random(f"{self.seed}:coseg:{i}")
        n = r.choice([0, 1, 2, 3, 4]) if i % 10 else 4
        return [
            self.company_segments[k] for k in sorted(r.sample(range(len(self.company_segments)), n))
        ]

    # ------------------------------------------------------------------ record builders
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

    def company(self, i: int) -> dict[str, Any]:
        r = Random(f"{self.seed}:company:{i}")
        ver = self.companies.version.get(i, 0)
        created = self.companies.created[i]
        updated = self.companies.updated[i]
        sparse = i % 17 == 9
        plan = r.choice(PLANS)
        seg = self.company_segment_list(i)
        tag_picks = sorted(r.sample(range(len(self.tags)), r.choice([0, 1, 2, 3])))
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

    def conversation_part_count(self, i: int) -> int:
        return self.n_parts[i] + len(self.extra_parts.get(i, ()))

    def part_times(self, i: int) -> list[int]:
        """created_at of every part of conversation i, oldest first."""
        n = self.n_parts[i]
        c = self.conversations.created[i]
        base_u = self._base_updated(i)
        out = [c + (base_u - c) * (j + 1) // n for j in range(n)] if n else []
        out.extend(self.extra_parts.get(i, ()))
        return out

    def _base_updated(self, i: int) -> int:
        extra = self.extra_parts.get(i)
        if extra:
            return self._orig_updated.get(i, self.conversations.updated[i])
        return self.conversations.updated[i]

    def part_id(self, i: int, j: int) -> str:
        return str(PART_BASE + i * 100_000 + j)

    def part(self, i: int, j: int, created: int, plain: bool) -> dict[str, Any]:
        r = Random(f"{self.seed}:part:{i}:{j}")
        conv_contact = contact_id((i * 7) % max(1, self.contacts.count))
        n_base = self.n_parts[i]
        if j >= n_base:
            part_type = "comment"
            body: str | None = f"<p>Follow-up #{j - n_base + 1} ✅</p>"
            author = {
                "type": "user",
                "id": conv_contact,
                "name": "Customer",
                "email": "customer@example.com",
                "from_ai_agent": False,
                "is_ai_answer": False,
            }
        else:
            part_type = r.choice(PART_TYPES) if j else "comment"
            admin = r.choice(self.admins)
            by_user = r.random() < 0.4
            author = (
                {
                    "type": "user",
                    "id": conv_contact,
                    "name": r.choice(FIRST_NAMES),
                    "email": f"user{i}@example.com",
                    "from_ai_agent": False,
                    "is_ai_answer": False,
                }
                if by_user
                else {
                    "type": "admin" if admin["id"] != self.admins[3]["id"] else "bot",
                    "id": admin["id"],
                    "name": admin["name"],
                    "email": admin["email"],
                    "from_ai_agent": admin["id"] == self.admins[3]["id"],
                    "is_ai_answer": False,
                }
            )
            if part_type in ("comment", "note", "quick_reply"):
                body = f"<p>{html.escape(words(r, 5 + r.randrange(30)))}</p>"
            else:
                body = None
            if (i, j) in ((4, 0), (5, 1), (2, 300), (3, 600)):
                body = "<p>" + ("Long body — ünïcødé 🚀 " * 5000) + "</p>"  # > 100 KB
        assigned = None
        event = None
        if part_type in ("assignment", "assign_and_reopen"):
            assigned = {"type": "admin", "id": r.choice(self.admins)["id"]}
        elif part_type == "conversation_attribute_updated_by_admin":
            event = {"attribute": {"name": "Issue Type"}, "value": {"name": "Bug"}}
        elif part_type == "custom_action_started":
            event = {"action": {"name": "Refund order"}}
        elif part_type == "custom_action_finished":
            event = {"action": {"name": "Refund order", "result": "success"}}
        state = (
            "closed" if part_type == "close" else ("snoozed" if part_type == "snoozed" else "open")
        )
        return {
            "type": "conversation_part",
            "id": self.part_id(i, j),
            "part_type": part_type,
            "body": plaintext(body) if plain else body,
            "created_at": created,
            "updated_at": created,
            "notified_at": created,
            "assigned_to": assigned,
            "author": author,
            "attachments": []
            if j % 9 != 4
            else [
                {
                    "type": "upload",
                    "name": "screenshot.png",
                    "url": f"https://files.example/{i}/{j}.png",
                    "content_type": "image/png",
                    "filesize": 12345,
                    "width": 640,
                    "height": 480,
                }
            ],
            "external_id": None,
            "redacted": False,
            "email_message_metadata": None,
            "metadata": {
                "quick_reply_options": [
                    {"text": "Yes", "uuid": rng_uuid(r)},
                    {"text": "No", "uuid": rng_uuid(r)},
                ]
            }
            if part_type == "quick_reply"
            else None,
            "state": state,
            "tags": [],
            "event_details": event,
            "app_package_code": None,
        }

    def conversation(self, i: int, with_parts: bool = False, plain: bool = False) -> dict[str, Any]:
        r = Random(f"{self.seed}:conversation:{i}")
        created = self.conversations.created[i]
        updated = self.conversations.updated[i]
        ver = self.conversations.version.get(i, 0)
        sparse = i % 19 == 11
        nc = max(1, self.contacts.count)
        ci = (i * 7) % nc
        state = r.choice(["open", "closed", "snoozed", "closed"])
        admin = r.choice(self.admins)
        team = r.choice(self.teams)
        n_parts = self.conversation_part_count(i)
        src_body = f"<p>{html.escape(words(r, 12))}</p>"
        custom: dict[str, Any] = {
            "Issue Type": r.choice(["Bug", "Question", "Billing"]),
            "priority.score": r.randrange(0, 10),
            "csat score": round(r.random() * 5, 2),
            "escalated": r.random() < 0.1,
            "due date": (created + 7 * DAY)
            if i % 2
            else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created + 7 * DAY)),
            "legacy ref": f"L-{i}",
        }
        if sparse:
            custom = {}
        admins_list = [{"type": "admin", "id": a["id"]} for a in self.admins[: 1 + i % 3]]
        rec: dict[str, Any] = {
            "type": "conversation",
            "id": str(CONVERSATION_BASE + i),
            "title": None if sparse or i % 3 else f"Conversation {i}: {words(r, 3)}",
            "created_at": created,
            "updated_at": updated,
            "waiting_since": None if state != "open" else updated,
            "snoozed_until": updated + DAY if state == "snoozed" else None,
            "open": state != "closed",
            "state": state,
            "read": r.random() < 0.7,
            "priority": "priority" if r.random() < 0.15 else "not_priority",
            "admin_assignee_id": None if sparse else int(admin["id"]),
            "team_assignee_id": None if sparse or i % 4 else int(team["id"]),
            "tags": {
                "type": "tag.list",
                "tags": []
                if i % 5
                else [
                    {
                        "type": "tag",
                        "id": self.tags[i % len(self.tags)]["id"],
                        "name": self.tags[i % len(self.tags)]["name"],
                        "applied_at": created + 60,
                        "applied_by": {"type": "admin", "id": admin["id"]},
                    }
                ],
            },
            "conversation_rating": None
            if sparse or i % 4 != 1
            else {
                "rating": 1 + i % 5,
                "remark": "Great help 👍" if i % 2 else "",
                "created_at": updated,
                "updated_at": updated,
                "contact": {"type": "contact", "id": contact_id(ci), "external_id": f"ext-{ci}"},
                "teammate": {"type": "admin", "id": admin["id"]},
            },
            "source": {
                "type": r.choice(SOURCE_TYPES),
                "id": str(400000000 + i),
                "delivered_as": r.choice(DELIVERED_AS),
                "subject": "" if i % 2 else f"Subject {i}",
                "body": plaintext(src_body) if plain else src_body,
                "author": {
                    "type": "user",
                    "id": contact_id(ci),
                    "name": r.choice(FIRST_NAMES),
                    "email": f"user{ci}@example.com",
                    "from_ai_agent": False,
                    "is_ai_answer": False,
                },
                "attachments": [],
                "url": None if i % 3 else f"https://app.example/page/{i}",
                "redacted": False,
            },
            "contacts": {
                "type": "contact.list",
                "contacts": [{"type": "contact", "id": contact_id(ci), "external_id": f"ext-{ci}"}],
            },
            "teammates": None if sparse else {"type": "admin.list", "admins": admins_list},
            "custom_attributes": custom,
            "first_contact_reply": None
            if sparse
            else {"created_at": created, "type": "conversation", "url": None},
            "sla_applied": None
            if i % 6
            else {
                "type": "conversation_sla_summary",
                "sla_name": "Standard",
                "sla_status": r.choice(["hit", "missed", "cancelled", "active"]),
            },
            "statistics": None
            if sparse
            else {
                "type": "conversation_statistics",
                "time_to_assignment": r.randrange(0, 3600),
                "time_to_admin_reply": r.randrange(0, 86400),
                "time_to_first_close": r.randrange(0, 86400 * 3),
                "time_to_last_close": r.randrange(0, 86400 * 4),
                "median_time_to_reply": r.randrange(0, 7200),
                "first_contact_reply_at": created,
                "first_assignment_at": created + 60,
                "first_admin_reply_at": created + 120,
                "first_close_at": created + 3600 if state == "closed" else None,
                "last_assignment_at": created + 60,
                "last_assignment_admin_reply_at": created + 120,
                "last_contact_reply_at": updated,
                "last_admin_reply_at": created + 120,
                "last_close_at": updated if state == "closed" else None,
                "last_closed_by_id": admin["id"] if state == "closed" else None,
                "count_reopens": r.randrange(0, 3),
                "count_assignments": r.randrange(0, 4),
                "count_conversation_parts": n_parts,
                "assigned_team_first_response_time": [
                    {
                        "team_id": int(team["id"]),
                        "team_name": team["name"],
                        "response_time": r.randrange(10, 5000),
                    }
                ],
                "assigned_team_first_response_time_in_office_hours": [],
                "handling_time": r.randrange(0, 5000),
                "adjusted_handling_time": None,
            },
            "linked_objects": {
                "type": "list",
                "total_count": 0 if i % 8 else 1,
                "has_more": False,
                "data": []
                if i % 8
                else [
                    {
                        "type": "ticket",
                        "id": str(TICKET_BASE + i % max(1, self.tickets.count)),
                        "category": "Customer",
                    }
                ],
            },
            "ai_agent_participated": i % 9 == 0,
            "ai_agent": None
            if i % 9
            else {
                "source_type": "workflow",
                "source_title": "Fin answers",
                "last_answer_type": "ai_answer",
                "resolution_state": "assumed_resolution",
                "rating": 4,
                "rating_remark": None,
                "created_at": created,
                "updated_at": created,
                "content_sources": {
                    "type": "content_source.list",
                    "total_count": 1,
                    "content_sources": [
                        {
                            "content_type": "article",
                            "url": "/help/en/articles/1",
                            "title": "Refunds",
                            "locale": "en",
                        }
                    ],
                },
            },
            "topics": {},
            "ticket": None,
        }
        if ver:
            rec["title"] = f"Conversation {i} (rev {ver})"
        if with_parts:
            times = self.part_times(i)
            start = max(0, len(times) - PARTS_CAP)
            rec["conversation_parts"] = {
                "type": "conversation_part.list",
                "conversation_parts": [
                    self.part(i, j, times[j], plain) for j in range(start, len(times))
                ],
                "total_count": len(times),
            }
        return rec

    def ticket(self, i: int, with_parts: bool = False) -> dict[str, Any]:
        r = Random(f"{self.seed}:ticket:{i}")
        created = self.tickets.created[i]
        updated = self.tickets.updated[i]
        cat = r.choice(["Customer", "Back-office", "Tracker"])
        st = r.choice(["submitted", "in_progress", "waiting_on_customer", "resolved"])
        ci = (i * 13) % max(1, self.contacts.count)
        admin = r.choice(self.admins)
        rec: dict[str, Any] = {
            "type": "ticket",
            "id": str(TICKET_BASE + i),
            "ticket_id": str(100 + i),
            "category": cat,
            "ticket_attributes": {
                "_default_title_": f"Ticket {i}: {words(r, 3)}",
                "_default_description_": words(r, 10),
                "Priority level": r.choice(["Low", "High", None]),
                "Estimated hours": round(r.random() * 10, 1),
                "Customer impacted": r.random() < 0.5,
                "Components": ["api", "ui"][: 1 + i % 2],
                "Screenshot": {
                    "type": "upload",
                    "name": "s.png",
                    "url": f"https://files.example/t/{i}.png",
                    "content_type": "image/png",
                    "filesize": 100,
                    "width": 10,
                    "height": 10,
                }
                if i % 4 == 0
                else None,
            },
            "ticket_state": {
                "type": "ticket_state",
                "id": str(
                    7000 + ["submitted", "in_progress", "waiting_on_customer", "resolved"].index(st)
                ),
                "category": st,
                "internal_label": st.replace("_", " ").title(),
                "external_label": st.replace("_", " "),
            },
            "ticket_type": {
                "type": "ticket_type",
                "id": str(1700 + ["Customer", "Back-office", "Tracker"].index(cat)),
                "category": cat,
                "name": f"{cat} ticket",
                "description": f"A {cat} ticket",
                "icon": "🎟️",
                "workspace_id": WORKSPACE_ID,
                "ticket_type_attributes": {
                    "type": "list",
                    "ticket_type_attributes": [
                        {
                            "type": "ticket_type_attribute",
                            "id": "81",
                            "workspace_id": WORKSPACE_ID,
                            "name": "_default_title_",
                            "description": "",
                            "data_type": "string",
                            "input_options": {"multiline": False},
                            "order": 0,
                            "required_to_create": False,
                            "required_to_create_for_contacts": False,
                            "visible_on_create": True,
                            "visible_to_contacts": True,
                            "default": True,
                            "ticket_type_id": 1700,
                            "archived": False,
                            "created_at": 1700000000,
                            "updated_at": 1700000000,
                        }
                    ],
                },
                "archived": False,
                "created_at": 1700000000,
                "updated_at": 1700000000,
            },
            "contacts": {
                "type": "contact.list",
                "contacts": [{"type": "contact", "id": contact_id(ci), "external_id": f"ext-{ci}"}],
            },
            "admin_assignee_id": admin["id"] if i % 3 else "0",
            "team_assignee_id": self.teams[i % len(self.teams)]["id"] if i % 2 else "0",
            "created_at": created,
            "updated_at": updated,
            "open": st != "resolved",
            "snoozed_until": None,
            "linked_objects": {"type": "list", "total_count": 0, "has_more": False, "data": []},
            "is_shared": i % 2 == 0,
        }
        if with_parts:
            n = 1 + i % 4
            parts = []
            for j in range(n):
                t = created + (updated - created) * (j + 1) // n
                parts.append(
                    {
                        "type": "ticket_part",
                        "id": str(PART_BASE * 2 + i * 100 + j),
                        "part_type": "comment" if j else "ticket_state_updated_by_admin",
                        "body": f"<p>{words(r, 6)}</p>" if j else None,
                        "previous_ticket_state": "submitted",
                        "ticket_state": st,
                        "created_at": t,
                        "updated_at": t,
                        "assigned_to": None,
                        "author": {
                            "type": "admin",
                            "id": admin["id"],
                            "name": admin["name"],
                            "email": admin["email"],
                        },
                        "attachments": [],
                        "external_id": None,
                        "redacted": False,
                        "app_package_code": None,
                        "updated_attribute_data": None,
                    }
                )
            rec["ticket_parts"] = {
                "type": "ticket_part.list",
                "ticket_parts": parts,
                "total_count": n,
            }
        return rec

    # ------------------------------------------------------------------ mutation
    def mutate(
        self,
        contacts: int = 0,
        conversations: int = 0,
        companies: int = 0,
        now: float | None = None,
    ) -> dict[str, list[str]]:
        wall = int(now if now is not None else time.time())
        out: dict[str, list[str]] = {"contacts": [], "conversations": [], "companies": []}
        with self.lock:
            self.data_version += 1
            r = Random(f"{self.seed}:mutate:{self.data_version}")
            for name, n, idfn in (
                ("contacts", contacts, contact_id),
                ("conversations", conversations, lambda i: str(CONVERSATION_BASE + i)),
                ("companies", companies, company_id),
            ):
                bulk = self.bulks[name]
                n_pick = min(int(n), bulk.count)
                if n_pick <= 0:
                    continue
                ts = max(wall, bulk.max_updated() + 1)
                for i in sorted(r.sample(range(bulk.count), n_pick)):
                    if name == "conversations":
                        if i not in self.extra_parts:
                            self._orig_updated[i] = bulk.updated[i]
                        self.extra_parts.setdefault(i, []).append(ts)
                    bulk.set_updated(i, ts)
                    out[name].append(idfn(i))
        return out

    # ------------------------------------------------------------------ ground truth
    def ground_truth(self, stream: str, start: int | None) -> dict[str, Any]:
        lo = start if start is not None else -(1 << 62)
        recs: list[dict[str, Any]]
        keys = ["id"]
        with self.lock:
            if stream == "admins":
                recs = [{"id": a["id"], "updated_at": None} for a in self.admins]
            elif stream == "teams":
                recs = [{"id": t["id"], "updated_at": None} for t in self.teams]
            elif stream == "tags":
                recs = [{"id": t["id"], "updated_at": None} for t in self.tags]
            elif stream == "segments":
                recs = [
                    {"id": s["id"], "updated_at": s["updated_at"]}
                    for s in self.contact_segments
                    if s["updated_at"] >= lo
                ]
            elif stream == "company_segments":
                keys = ["company_id", "id"]
                recs = []
                for key in self._bulk_from(self.companies, lo):
                    i = key & LOW_MASK
                    recs.extend(
                        {
                            "company_id": company_id(i),
                            "id": s["id"],
                            "updated_at": s["updated_at"],
                            "company_updated_at": key >> SHIFT,
                        }
                        for s in self.company_segment_list(i)
                    )
            elif stream in ("companies", "contacts", "conversations", "tickets"):
                bulk = self.bulks[stream]
                idf = {
                    "companies": company_id,
                    "contacts": contact_id,
                    "conversations": lambda i: str(CONVERSATION_BASE + i),
                    "tickets": lambda i: str(TICKET_BASE + i),
                }[stream]
                recs = [
                    {"id": idf(k & LOW_MASK), "updated_at": k >> SHIFT}
                    for k in self._bulk_from(bulk, lo)
                ]
            elif stream == "conversation_parts":
                recs = []
                deleted = self.deleted_conversations
                for key in self._bulk_from(self.conversations, lo):
                    i = key & LOW_MASK
                    cid = str(CONVERSATION_BASE + i)
                    if cid in deleted:
                        continue
                    times = self.part_times(i)
                    recs.extend(
                        {"id": self.part_id(i, j), "conversation_id": cid, "updated_at": times[j]}
                        for j in range(max(0, len(times) - PARTS_CAP), len(times))
                    )
            elif stream in ("company_attributes", "contact_attributes", "data_attributes"):
                keys = ["model", "name"]
                models = {
                    "company_attributes": ["company"],
                    "contact_attributes": ["contact"],
                    "data_attributes": ["contact", "company", "conversation"],
                }[stream]
                recs = [
                    {"model": a["model"], "name": a["name"], "updated_at": a.get("updated_at")}
                    for m in models
                    for a in self.data_attributes[m]
                ]
            elif stream == "articles":
                recs = [
                    {"id": a["id"], "updated_at": a["updated_at"]}
                    for a in self.articles
                    if a["updated_at"] >= lo
                ]
            elif stream == "collections":
                recs = [{"id": c["id"], "updated_at": c["updated_at"]} for c in self.collections]
            elif stream == "help_centers":
                recs = [{"id": h["id"], "updated_at": h["updated_at"]} for h in self.help_centers]
            elif stream == "activity_logs":
                recs = [
                    {"id": a["id"], "updated_at": a["created_at"]}
                    for a in self.activity_logs
                    if a["created_at"] >= lo
                ]
            else:
                msg = f"unknown stream {stream!r}"
                raise KeyError(msg)
        return {"stream": stream, "key_properties": keys, "records": recs}

    def _bulk_from(self, bulk: Bulk, lo: int) -> Iterable[int]:
        start = bisect.bisect_left(bulk.index, lo << SHIFT) if lo > -(1 << 62) else 0
        return bulk.index[start:]
