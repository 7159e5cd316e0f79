"""contact_companies: one row per company of a contact (key `contact_id` + `company_id`), with
the contact's `updated_at` as `contact_updated_at`.

Written by contacts from each contact's complete company list (past the 10 inline entries,
the list contacts already reads), no request of its own. Code:
`tap_intercom/streams/contacts.py` (`ContactCompaniesStream`), `tap_intercom/bridges.py`;
schema: `schemas/contact_companies.json`.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.in_process import InProcessRun, sync_in_process, tap_for

BRIDGE = "contact_companies"


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {BRIDGE})


def test_a_contact_with_more_than_ten_companies_has_every_one(run, fake_intercom):
    per_contact: dict[str, int] = {}
    for row in run.records(BRIDGE):
        per_contact[row["contact_id"]] = per_contact.get(row["contact_id"], 0) + 1
    assert max(per_contact.values()) > 10
    assert any(urlparse(u).path.endswith("/companies") for u in run.urls), "long lists not read"


def test_rows_of_one_contact_from_its_complete_list(fake_intercom):
    stream = tap_for(fake_intercom).streams[BRIDGE]
    contact = {
        "id": "c1",
        "companies": [{"type": "company", "id": "5f0a", "url": "/companies/5f0a"}],
    }
    assert stream.rows_of(contact, "v") == [
        {"contact_id": "c1", "company_id": "5f0a", "contact_updated_at": "v"}
    ]
    assert stream.rows_of({"id": "c1", "companies": None}, "v") == []
