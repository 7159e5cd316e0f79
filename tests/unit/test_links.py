"""`links`: the name of a request's endpoint in the run's METRIC lines (`endpoint_template`),
and the fast paths of `is_on_base` and `on_base` against the general way."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tap_intercom.links import (
    ForeignLinkError,
    _joined_on_base,
    _parsed_on_base,
    endpoint_template,
    is_on_base,
    on_base,
)


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


# --------------------------------------------------------------------------- fast paths

_BASES = st.sampled_from(
    [
        "https://api.intercom.io",
        "https://api.intercom.io/",
        "https://API.Intercom.IO",
        "HTTPS://api.intercom.io",
        "https://api.eu.intercom.io",
        "http://127.0.0.1:8765",
        "http://127.0.0.1:8765/",
        "http://127.0.0.1:80",
        "http://127.0.0.1:9/proxy",
        "http://127.0.0.1:9/proxy/",
        "http://127.0.0.1:9/a/b",
        "https://api.intercom.io?x=1",
        "https://user@api.intercom.io",
        "https://api.intercom.io#f",
    ]
)
#: Text for the end of a URL or a link, with every character that changes how one parses.
_TAILS = st.text(alphabet="/?#.@:%;=&\\ \t\nabc019-_AZ", max_size=24)


@settings(max_examples=600, deadline=None)
@given(base=_BASES, tail=_TAILS, start=st.sampled_from(["", "/", "//", "/contacts/"]))
def test_is_on_base_agrees_with_the_parsed_urls(base, tail, start):
    for url in {base + start + tail, base.rstrip("/") + start + tail}:
        try:
            expected = _parsed_on_base(url, base)
        except ValueError:  # a port or an IPv6 host that does not parse
            continue
        assert is_on_base(url, base) is expected, url


@settings(max_examples=600, deadline=None)
@given(base=_BASES, tail=_TAILS, start=st.sampled_from(["/", "/contacts/", "", "//", "/proxy/"]))
def test_on_base_agrees_with_urljoin_and_the_parsed_urls(base, tail, start):
    link = start + tail
    try:
        expected: object = _joined_on_base(link, base, None)
    except (ForeignLinkError, ValueError) as exc:
        expected = type(exc)
    try:
        got: object = on_base(link, base)
    except (ForeignLinkError, ValueError) as exc:
        got = type(exc)
    assert got == expected, link


@pytest.mark.parametrize(
    ("link", "base", "expected"),
    [
        ("/contacts/65a1/tags", "https://api.intercom.io", "https://api.intercom.io/contacts/65a1/tags"),
        ("/contacts/65a1/tags", "https://api.intercom.io/", "https://api.intercom.io/contacts/65a1/tags"),
        ("/contacts/65a1/tags", "HTTPS://API.io", "https://API.io/contacts/65a1/tags"),
        ("/contacts/1/../2", "https://api.intercom.io", "https://api.intercom.io/contacts/2"),
        ("/contacts/65a1/tags", "http://127.0.0.1:9/proxy", "http://127.0.0.1:9/proxy/contacts/65a1/tags"),
    ],
)  # fmt: skip
def test_on_base_of_a_path(link, base, expected):
    assert on_base(link, base) == expected
