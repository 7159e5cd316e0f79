"""`links.endpoint_template`: the name of a request's endpoint in the run's METRIC lines."""

from __future__ import annotations

import pytest

from tap_intercom.links import endpoint_template


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("https://api.intercom.io/contacts/search", "https://api.intercom.io", "/contacts/search"),
        (
            "https://api.intercom.io/contacts/6500000000000a/companies?per_page=150",
            "https://api.intercom.io",
            "/contacts/{id}/companies",
        ),
        (
            "http://127.0.0.1:9/proxy/conversations/123",
            "http://127.0.0.1:9/proxy",
            "/conversations/{id}",
        ),
        (
            "https://api.intercom.io/help_center/collections",
            "https://api.intercom.io/",
            "/help_center/collections",
        ),
        (
            "https://api.intercom.io/data_attributes?model=contact",
            "https://api.intercom.io",
            "/data_attributes",
        ),
    ],
)
def test_endpoint_template(url, base, expected):
    assert endpoint_template(url, base) == expected
