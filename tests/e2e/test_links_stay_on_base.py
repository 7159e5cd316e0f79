"""Links in responses are followed on the configured base only; the token never leaves it.

Intercom's `pages.next` values are absolute URLs on `https://api.intercom.io`, and a contact's
long lists carry a `url`. Behind a proxy with a path prefix that rewrites every such link onto
`https://api.intercom.io` or another loopback host (the trap), a full sync still reads every
page through the proxy, and the trap — which also stands in for every non-loopback host
through `HTTP(S)_PROXY` — receives nothing.
"""

from __future__ import annotations

import re

import pytest

from tap_intercom.http_session import governed_session
from tap_intercom.links import ForeignLinkError, on_base
from tap_intercom.rate_limit import RateLimitGovernor
from tap_intercom.run_stats import RunStats
from tests.e2e.link_rewriting_proxy import PREFIX, link_rewriting_setup
from tests.singer_run import base_config, discover, run_tap, select_streams


def _trap_env(trap_origin: str) -> dict[str, str]:
    """Any request to a host other than 127.0.0.1 goes to the trap, nothing off the machine."""
    return {
        "HTTP_PROXY": trap_origin,
        "HTTPS_PROXY": trap_origin,
        "http_proxy": trap_origin,
        "https_proxy": trap_origin,
        "NO_PROXY": "127.0.0.1",
        "no_proxy": "127.0.0.1",
    }


def _by_key(run, stream: str, keys: list[str]) -> dict[tuple, dict]:
    return {tuple(str(r.get(k)) for k in keys): r for r in run.records(stream)}


def test_a_sync_follows_every_foreign_link_through_the_configured_base(make_fake) -> None:
    fake = make_fake()
    with link_rewriting_setup(fake.base_url) as (proxy, trap):
        config = base_config(proxy.base_url, parallel_streams=4)
        catalog = select_streams(discover(config))
        run = run_tap(config, catalog=catalog, env=_trap_env(trap.origin))
        assert run.returncode == 0, run.stderr[-3000:]
        assert trap.requests == []
        assert proxy.rewritten > 20
    # Pages 2+ came through the proxy (pages of 5), as did contacts' long lists.
    assert sum(p == "GET /articles" for p in proxy.paths) > 1
    assert sum(p == "GET /admins/activity_logs" for p in proxy.paths) > 1
    assert any(p.startswith("GET /contacts/") and p.endswith("/tags") for p in proxy.paths)
    # The same records as a direct sync against the fake.
    direct = run_tap(base_config(fake.base_url), catalog=catalog)
    assert direct.returncode == 0, direct.stderr[-3000:]
    assert run.counts() == direct.counts()
    for stream, message in direct.schemas().items():
        keys = message["key_properties"]
        assert _by_key(run, stream, keys) == _by_key(direct, stream, keys), stream


def test_a_link_that_is_no_intercom_path_stops_the_run_in_one_line(make_fake) -> None:
    fake = make_fake()
    with link_rewriting_setup(fake.base_url) as (proxy, trap):
        proxy.foreign_path = "/steal"
        config = base_config(proxy.base_url)
        catalog = select_streams(discover(config), {"articles"})
        run = run_tap(config, catalog=catalog, env=_trap_env(trap.origin))
        assert trap.requests == []
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("tap-intercom: error: a response links to ")
    assert "/steal" in last and "not an Intercom API path" in last
    assert "test-token" not in run.stderr


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://api.intercom.io/articles?per_page=100&page=2", "/articles?per_page=100&page=2"),
        ("http://other.example:8080/contacts/1/tags", "/contacts/1/tags"),
        ("/contacts/1/tags?page=2", "/contacts/1/tags?page=2"),
        (f"{PREFIX}/articles?page=3", "/articles?page=3"),
        ("https://evil.example/intercom/tickets/search", "/tickets/search"),
    ],
)
def test_links_are_mapped_onto_the_base_and_its_prefix(link: str, expected: str) -> None:
    base = f"http://127.0.0.1:9{PREFIX}"
    assert on_base(link, base) == base + expected


@pytest.mark.parametrize(
    "link",
    ["https://evil.example/steal", "https://api.intercom.io/", "ftp://api.intercom.io/tags"],
)
def test_links_off_the_api_are_refused(link: str) -> None:
    with pytest.raises(ForeignLinkError, match="not an Intercom API path"):
        on_base(link, "https://proxy.example/intercom")


def test_the_session_refuses_a_request_off_the_base() -> None:
    session = governed_session(RateLimitGovernor(), RunStats(), 1, "http://127.0.0.1:9/intercom")
    with pytest.raises(
        ForeignLinkError, match=re.escape("refused a request to http://127.0.0.2/x")
    ):
        session.get("http://127.0.0.2/x", timeout=1)
    with pytest.raises(ForeignLinkError, match="refused"):
        session.get("http://127.0.0.1:9/other/tags", timeout=1)
