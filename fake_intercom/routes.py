"""The endpoints the fake serves, as (method, path template, handler name), and the matcher.

Handler name ``n`` is the ``App`` method ``ep_n`` (one mixin per resource in ``endpoints/``).
"""

from __future__ import annotations

import re

ROUTES: list[tuple[str, str, str]] = [
    ("GET", "/me", "me"),
    ("GET", "/admins", "admins"),
    ("GET", "/admins/activity_logs", "activity_logs"),
    ("GET", "/admins/{id}", "admin"),
    ("GET", "/teams", "teams"),
    ("GET", "/teams/{id}", "team"),
    ("GET", "/tags", "tags"),
    ("GET", "/segments", "segments"),
    ("GET", "/companies/scroll", "companies_scroll"),
    ("POST", "/companies/list", "companies_list_post"),
    ("GET", "/companies", "companies"),
    ("GET", "/companies/{id}", "company"),
    ("GET", "/companies/{id}/segments", "company_segments"),
    ("GET", "/contacts", "contacts"),
    ("POST", "/contacts/search", "contacts_search"),
    ("GET", "/contacts/activities", "contact_activities"),
    ("GET", "/contacts/{id}", "contact"),
    ("GET", "/contacts/{id}/tags", "contact_tags"),
    ("GET", "/contacts/{id}/companies", "contact_companies"),
    ("GET", "/contacts/{id}/segments", "contact_segments"),
    ("GET", "/contacts/{id}/notes", "contact_notes"),
    ("GET", "/conversations", "conversations"),
    ("POST", "/conversations/search", "conversations_search"),
    ("GET", "/conversations/attributes", "conversation_attributes"),
    ("GET", "/conversations/deleted", "conversations_deleted"),
    ("GET", "/conversations/{id}", "conversation"),
    ("GET", "/data_attributes", "data_attributes"),
    ("GET", "/articles", "articles"),
    ("GET", "/articles/{id}", "article"),
    ("GET", "/help_center/collections", "collections"),
    ("GET", "/help_center/collections/{id}", "collection"),
    ("GET", "/help_center/help_centers", "help_centers"),
    ("GET", "/help_center/help_centers/{id}", "help_center"),
    ("POST", "/tickets/search", "tickets_search"),
    ("GET", "/tickets/{id}", "ticket"),
    ("GET", "/ticket_types", "ticket_types"),
    ("GET", "/ticket_states", "ticket_states"),
]
_COMPILED = [
    (m, tpl, re.compile("^" + tpl.replace("{id}", "(?P<id>[^/]+)") + "$"), name)
    for m, tpl, name in ROUTES
]


def match_route(method: str, path: str) -> tuple[str | None, str | None, dict[str, str]]:
    """Return (template, handler name, params); handler None with a template means 405."""
    tpl_hit = None
    for m, tpl, rx, name in _COMPILED:
        mo = rx.match(path)
        if mo:
            if m == method:
                return tpl, name, mo.groupdict()
            tpl_hit = tpl
    return tpl_hit, None, {}
