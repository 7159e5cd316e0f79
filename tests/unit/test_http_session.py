"""The run's session resolves the proxy environment once, with `requests`' own rules, and
builds GET requests exactly as `Session.prepare_request` does."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from singer_sdk.authenticators import BearerTokenAuthenticator

from tap_intercom.client import IntercomTokenAuth
from tap_intercom.http_session import environment_proxies, governed_session, prepare_get
from tap_intercom.rate_limit import RateLimitGovernor
from tap_intercom.run_stats import RunStats

PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
)


@pytest.fixture
def clean_proxy_env(monkeypatch):
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def session_for(base_url: str):
    return governed_session(RateLimitGovernor(None), RunStats(), 2, base_url)


def test_https_proxy_is_used_for_an_https_base(clean_proxy_env):
    clean_proxy_env.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert environment_proxies("https://api.intercom.io") == {"https": "http://proxy.example:3128"}


def test_http_base_takes_http_proxy_not_https_proxy(clean_proxy_env):
    clean_proxy_env.setenv("HTTPS_PROXY", "http://secure.example:3128")
    clean_proxy_env.setenv("HTTP_PROXY", "http://plain.example:3128")
    assert environment_proxies("http://intercom.test") == {"http": "http://plain.example:3128"}


def test_all_proxy_applies_when_no_scheme_proxy_is_set(clean_proxy_env):
    clean_proxy_env.setenv("ALL_PROXY", "http://any.example:3128")
    assert environment_proxies("https://api.intercom.io") == {"https": "http://any.example:3128"}


@pytest.mark.parametrize("no_proxy", ["api.intercom.io", ".intercom.io", "*", "other,intercom.io"])
def test_no_proxy_naming_the_base_host_means_no_proxy(clean_proxy_env, no_proxy):
    clean_proxy_env.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    clean_proxy_env.setenv("NO_PROXY", no_proxy)
    assert environment_proxies("https://api.intercom.io") == {}


def test_no_proxy_for_other_hosts_keeps_the_proxy(clean_proxy_env):
    clean_proxy_env.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    clean_proxy_env.setenv("NO_PROXY", "localhost,127.0.0.1")
    assert environment_proxies("https://api.eu.intercom.io") == {
        "https": "http://proxy.example:3128"
    }


def test_no_environment_means_no_proxy(clean_proxy_env):
    assert environment_proxies("https://api.intercom.io") == {}


def test_session_resolves_once_and_stops_reading_the_environment(clean_proxy_env):
    clean_proxy_env.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    session = session_for("https://api.intercom.io")
    assert session.trust_env is False
    assert session.proxies == {"https": "http://proxy.example:3128"}


class _RecordingProxy:
    """A loopback HTTP proxy that answers every request itself and records its target."""

    def __init__(self) -> None:
        self.targets: list[str] = []
        targets = self.targets

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):
                return

            def do_GET(self):
                targets.append(self.path)  # the absolute URL, as a client sends to a proxy
                body = json.dumps({"type": "list", "data": []}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def test_requests_go_through_the_proxy_resolved_at_session_creation(clean_proxy_env):
    """The proxy named when the run starts carries every request, also after the environment
    changes (the host `intercom.test` does not resolve: only the proxy can answer)."""
    with _RecordingProxy() as proxy:
        clean_proxy_env.setenv("HTTP_PROXY", proxy.url)
        session = session_for("http://intercom.test")
        clean_proxy_env.delenv("HTTP_PROXY")
        clean_proxy_env.setenv("NO_PROXY", "*")
        for _ in range(2):
            response = session.get("http://intercom.test/admins", timeout=10)
            assert response.json() == {"type": "list", "data": []}
        session.close()
    assert proxy.targets == ["http://intercom.test/admins"] * 2


# --- prepare_get: the same request as `Session.prepare_request` ---------------------------

_URL_CHARS = "abcXYZ019-._~/%:@!$&'()*+,;= ?#éü"


def _bearer(prepared):
    prepared.headers["Authorization"] = "Bearer secret-token"
    return prepared


def _slow(session, url, params, headers):
    request = requests.Request("GET", url, params=params or {}, headers=dict(headers), auth=_bearer)
    return session.prepare_request(request)


def _same_request(fast, slow) -> None:
    assert fast.method == slow.method
    assert fast.url == slow.url
    assert list(fast.headers.items()) == list(slow.headers.items())  # order is sent order
    assert fast.body == slow.body
    assert fast.hooks == slow.hooks


_HEADERS = {
    "User-Agent": "tap-intercom/test",
    "Accept": "application/json",
    "Intercom-Version": "2.14",
}


@settings(max_examples=300, deadline=None)
@given(
    base=st.sampled_from(
        ["https://api.intercom.io", "http://127.0.0.1:8765", "https://API.eu.Intercom.io"]
    ),
    path=st.one_of(
        st.text(alphabet="abcXYZ019-._~/", max_size=30),  # the path `prepare_get` builds
        st.text(alphabet="abcXYZ019-._~/", max_size=20).map(lambda p: p + "?a=1&b-c=~"),
        st.text(alphabet=_URL_CHARS, max_size=30),  # the path it hands to `prepare_request`
    ),
    params=st.one_of(
        st.none(),
        st.dictionaries(
            st.text(alphabet="abz_-.~%é ", min_size=1, max_size=8),
            st.one_of(
                st.integers(-5, 10**6),
                st.text(alphabet="az09-_.~% &=é", max_size=8),
                st.booleans(),
                st.none(),
            ),
            max_size=3,
        ),
    ),
)
def test_prepare_get_builds_what_prepare_request_builds(base, path, params) -> None:
    session = session_for(base)
    url = f"{base}/{path}"
    _same_request(
        prepare_get(session, url, params=params, headers=_HEADERS, auth=_bearer),
        _slow(session, url, params, _HEADERS),
    )


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("https://api.intercom.io/contacts/6500/tags", {"per_page": 150}),
        ("https://api.intercom.io/contacts/6500/companies?page=2&per_page=150", None),
        ("https://api.intercom.io/contacts/6500/companies?page=2", {"per_page": 150}),
        ("https://api.intercom.io/conversations/123", {}),
        ("https://api.intercom.io/contacts/a%2Fb/tags", {"per_page": 150}),  # requoted
        ("https://api.intercom.io/contacts/ünï/tags", None),  # quoted
        ("https://api.intercom.io/x?", {"per_page": 1}),  # an empty query
    ],
)
def test_prepare_get_on_the_urls_the_tap_fetches(url, params) -> None:
    session = session_for("https://api.intercom.io")
    fast = prepare_get(session, url, params=params, headers=_HEADERS, auth=_bearer)
    _same_request(fast, _slow(session, url, params, _HEADERS))
    assert fast.headers["Authorization"] == "Bearer secret-token"


def test_prepare_get_sends_the_session_s_cookies_as_prepare_request_does() -> None:
    session = session_for("https://api.intercom.io")
    session.cookies.set("lb", "node-7", domain="api.intercom.io")
    url = "https://api.intercom.io/contacts/1/tags"
    fast = prepare_get(session, url, params=None, headers=_HEADERS, auth=_bearer)
    _same_request(fast, _slow(session, url, None, _HEADERS))
    assert fast.headers["Cookie"] == "lb=node-7"


def test_prepare_get_drops_a_header_set_to_none_and_refuses_a_bad_one() -> None:
    from requests.exceptions import InvalidHeader

    session = session_for("https://api.intercom.io")
    url = "https://api.intercom.io/contacts/1/tags"
    headers = {**_HEADERS, "Accept-Encoding": None}
    fast = prepare_get(session, url, params=None, headers=headers, auth=_bearer)
    _same_request(fast, _slow(session, url, None, headers))
    assert "Accept-Encoding" not in fast.headers
    with pytest.raises(InvalidHeader):
        prepare_get(
            session, url, params=None, headers={"User-Agent": "a\r\nX-Injected: 1"}, auth=_bearer
        )


# --- the body, read in one call -----------------------------------------------------------------

_BODY = json.dumps({"data": [{"id": str(n), "name": "x" * 40} for n in range(2_000)]}).encode()


class _BodyServer:
    """Serves `_BODY` at /plain, gzip-compressed at /gzip, and a body that breaks off halfway
    (Content-Length promises more) at /truncated."""

    def __enter__(self):
        import gzip

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):
                pass

            def do_GET(self):
                body = gzip.compress(_BODY) if self.path == "/gzip" else _BODY
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if self.path == "/gzip":
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                if self.path == "/truncated":
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _adapter_send(base_url: str, path: str, **kwargs):
    """One request through the session's adapter alone (`Session.send` would read the body
    itself when not streaming, and hide whether the adapter did)."""
    session = session_for(base_url)
    prepared = session.prepare_request(requests.Request("GET", base_url + path))
    return session.get_adapter(prepared.url).send(prepared, timeout=10, **kwargs)


@pytest.mark.parametrize("path", ["/plain", "/gzip"])
def test_a_response_comes_back_with_its_body_read_and_decoded(clean_proxy_env, path):
    with _BodyServer() as server:
        response = _adapter_send(server.url, path)
        assert response._content == _BODY  # read by the adapter, before `.content` is asked for
        assert response.content == _BODY
        assert response.json()["data"][1999]["id"] == "1999"


def test_a_streamed_response_keeps_its_body_unread(clean_proxy_env):
    with _BodyServer() as server:
        response = _adapter_send(server.url, "/plain", stream=True)
        assert response.raw.tell() == 0
        assert response.content == _BODY


def test_a_body_that_breaks_off_raises_what_requests_raises(clean_proxy_env):
    """The retry rules know requests' error for a cut body (`ChunkedEncodingError`)."""
    with _BodyServer() as server:
        plain = requests.Session()
        plain.trust_env = False
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            _ = plain.get(server.url + "/truncated", timeout=10).content
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            _adapter_send(server.url, "/truncated")


# --- the authenticator ------------------------------------------------------------------------


def test_the_token_authenticator_sets_the_sdk_s_header_and_leaves_the_url_as_it_is() -> None:
    """The SDK's bearer authenticator re-encodes every URL's query (and drops a blank
    parameter); the tap's sets the same header and sends the URL as prepared."""
    url = "https://api.intercom.io/contacts/1/tags?per_page=60&starting_after=WzE%3D&blank="
    ours = IntercomTokenAuth(token="secret-token")(requests.Request("GET", url).prepare())
    sdk = BearerTokenAuthenticator(token="secret-token")(requests.Request("GET", url).prepare())
    assert ours.url == url
    assert sdk.url != url  # what the SDK's rewrite would have sent instead
    assert ours.headers["Authorization"] == sdk.headers["Authorization"] == "Bearer secret-token"
