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

from tests.in_process import InProcessRun, sync_in_process
from tests.streams import bridge_checks

BRIDGE = "contact_companies"


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {BRIDGE})


def test_no_request_of_its_own(fake_intercom):
    bridge_checks.check_no_extra_request(fake_intercom, BRIDGE)


def test_deselected_it_does_nothing(fake_intercom):
    bridge_checks.check_deselected_bridge_does_nothing(fake_intercom, BRIDGE)


def test_schema():
    bridge_checks.check_schema(BRIDGE)


def test_alone_its_rows_are_the_ground_truth(run, fake_intercom):
    bridge_checks.check_alone(run, fake_intercom, BRIDGE)


def test_rows_carry_the_contact_version(fake_intercom):
    bridge_checks.check_rows_carry_the_parent_version(fake_intercom, BRIDGE)


def test_removed_links_are_not_current(make_fake):
    bridge_checks.check_removed_links_are_not_current(make_fake, BRIDGE)


def test_a_contact_with_more_than_ten_companies_has_every_one(run, fake_intercom):
    per_contact: dict[str, int] = {}
    for row in run.records(BRIDGE):
        per_contact[row["contact_id"]] = per_contact.get(row["contact_id"], 0) + 1
    assert max(per_contact.values()) > 10
    assert any(urlparse(u).path.endswith("/companies") for u in run.urls), "long lists not read"
