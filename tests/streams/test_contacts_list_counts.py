"""contacts: when a contact's inline `tags.total_count` is larger than what its list endpoint
returns, the record keeps what was returned and a warning names the contact and both counts."""

from __future__ import annotations

import contextlib
import io
import json
import logging
from urllib.parse import urlparse

import pytest
import requests

from tap_intercom.tap import TapIntercom
from tests.singer_run import base_config, select_streams

EXTRA = 3


def test_a_short_tag_list_is_kept_and_reported(fake_intercom, caplog) -> None:
    config = base_config(fake_intercom.base_url, parallel_streams=1)
    catalog = select_streams(
        TapIntercom(config=config, parse_env_config=False).catalog_dict, {"contacts"}
    )
    tap = TapIntercom(config=config, catalog=catalog, parse_env_config=False)
    inflated: dict[str, int] = {}

    def inflate_one_tag_count(response: requests.Response, *args: object, **kw: object) -> None:
        if urlparse(response.url).path != "/contacts/search" or inflated:
            return
        body = response.json()
        for contact in body["data"]:
            tags = contact.get("tags") or {}
            if tags.get("has_more"):
                inflated[contact["id"]] = tags["total_count"]
                tags["total_count"] += EXTRA
                response._content = json.dumps(body).encode()
                return

    tap.run.session.hooks["response"].append(inflate_one_tag_count)
    out = io.StringIO()
    with caplog.at_level(logging.WARNING), contextlib.redirect_stdout(out):
        tap.sync_all()
    assert len(inflated) == 1, "the fake has a contact with more than 10 tags on page 1"
    ((contact_id, real),) = inflated.items()
    records = [
        m["record"]
        for m in map(json.loads, out.getvalue().splitlines())
        if m["type"] == "RECORD" and m["stream"] == "contacts"
    ]
    (record,) = [r for r in records if r["id"] == contact_id]
    assert len(record["tags"]) == real > 10
    warnings = [r.getMessage() for r in caplog.records if "total_count" in r.getMessage()]
    assert warnings == [
        f"contacts: contact {contact_id} has tags.total_count {real + EXTRA}, but its list "
        f"endpoint returned {real}; the record holds the {real} returned"
    ]


@pytest.mark.parametrize("total", [None, "14", True, 11])
def test_no_warning_when_the_count_is_missing_odd_or_met(fake_intercom, caplog, total) -> None:
    tap = TapIntercom(config=base_config(fake_intercom.base_url), parse_env_config=False)
    contacts = tap.streams["contacts"]
    contacts._warn_if_short("c0", "tags", 12, [{}] * 11)  # the check itself reports
    assert [r for r in caplog.records if "total_count" in r.getMessage()] != []
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        contacts._warn_if_short("c1", "tags", total, [{}] * 11)
    assert [r for r in caplog.records if "total_count" in r.getMessage()] == []
