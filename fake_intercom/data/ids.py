"""Record ids and their parsing: contacts and companies are 24-hex strings increasing with
their index, conversations, tickets and parts are numbers counted from a base."""

from __future__ import annotations

APP_ID = "fk4ke1nt"
WORKSPACE_ID = APP_ID
CONTACT_BASE = 0x650000000000000000000000
COMPANY_BASE = 0x5F0000000000000000000000
ID_STEP = 0x10001
CONVERSATION_BASE = 1_000_000_001
TICKET_BASE = 2_000_000_001
PART_BASE = 5_000_000_000


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
