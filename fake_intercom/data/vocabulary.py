"""The word lists the generators draw from (Unicode on purpose) and small text helpers."""

from __future__ import annotations

import html
import re
import uuid
from random import Random

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


def plaintext(body: str | None) -> str | None:
    if body is None:
        return None
    return html.unescape(TAG_RE.sub("", body))


def words(r: Random, n: int) -> str:
    return " ".join(r.choice(WORDS) for _ in range(n))


def rng_uuid(r: Random) -> str:
    return str(uuid.UUID(int=r.getrandbits(128), version=4))
