"""A stream's `fetch` sends the same GET, and gets the same answer, whether it goes the direct
way (`direct_gets`) or the session's way (`prepare_get` → the SDK's `_request`).

Each test sends the same `fetch` through two taps on one scripted loopback server
(`test_transport.ScriptedServer`, which records the raw bytes of every request): one as the
run makes it, one whose `DirectGets` is turned off, so every GET takes the session's way.
"""

from __future__ import annotations

import json
import logging

import pytest
import requests
from singer_sdk.exceptions import RetriableAPIError

from tap_intercom.errors import IntercomNotFoundError
from tap_intercom.tap import TapIntercom
from tests.singer_run import base_config
from tests.unit.test_transport import ANSWERS, ScriptedServer, _response
from tests.unit.test_transport import _shape as transport_shape

PARAMS = {"per_page": 150, "starting_after": "WzE3MDAwMDAwMDAsIjEiXQ"}


@pytest.fixture(scope="module")
def catalog(fake_intercom) -> dict:
    return TapIntercom(
        config=base_config(fake_intercom.base_url), parse_env_config=False
    ).catalog_dict


@pytest.fixture
def server():
    with ScriptedServer() as scripted:
        yield scripted


def _stream(server: ScriptedServer, catalog: dict, *, direct: bool, **config: object):
    settings = {
        "access_token": "secret-token",
        "api_url": server.url(),
        "max_retries": 1,
        "max_retry_wait": 0.01,
    }
    settings.update(config)
    tap = TapIntercom(config=settings, catalog=catalog, parse_env_config=False)
    stream = tap.streams["contacts"]
    if not direct:
        stream.run.direct_gets.enabled = False
    return stream


class _Metrics(logging.Handler):
    """The METRIC lines of the requests sent while installed, without their durations."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.points: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("METRIC: "):
            point = json.loads(message.removeprefix("METRIC: "))
            if point.get("metric") == "http_request_duration":
                point.pop("value")
                self.points.append(point)


def _fetch_both(server, catalog, path, params=PARAMS, **config):
    """(outcome, METRIC points, raw requests) of `fetch(path)` by the direct way, then the
    session's way; an outcome is the response or the exception raised."""
    results = []
    logger = logging.getLogger("singer_sdk.metrics")
    for direct in (True, False):
        stream = _stream(server, catalog, direct=direct, **config)
        metrics = _Metrics()
        logger.addHandler(metrics)
        before = len(server.requests)
        try:
            outcome: object = stream.fetch(path, params=params)
        except Exception as exc:  # compared below
            outcome = exc
        finally:
            logger.removeHandler(metrics)
        results.append((outcome, metrics.points, server.requests[before:], stream))
    return results


def _shape(response: requests.Response) -> tuple:
    request = response.request
    return (*transport_shape(response), request.method, request.url, dict(request.headers))


@pytest.mark.parametrize("path", ["/plain", "/gzip", "/raw-deflate", "/chunked", "/repeated"])
def test_the_same_request_and_response_both_ways(server, catalog, path):
    (direct, direct_points, direct_raw, stream), (session, session_points, session_raw, _) = (
        _fetch_both(server, catalog, path)
    )
    assert direct_raw == session_raw
    assert len(direct_raw) == 1
    assert b"Authorization: Bearer secret-token\r\n" in direct_raw[0]
    assert _shape(direct) == _shape(session)
    assert direct_points == session_points
    assert direct_points[0]["tags"]["endpoint"] == path
    assert stream.run.stats.requests == 1


def test_a_get_without_parameters_and_one_with_a_query_go_the_same_ways(server, catalog):
    for path, params in (("/plain", None), ("/plain?per_page=5", {"starting_after": "x"})):
        (direct, _, direct_raw, _), (session, _, session_raw, _) = _fetch_both(
            server, catalog, path, params
        )
        assert direct_raw == session_raw
        assert _shape(direct) == _shape(session)


def test_a_parameter_requests_would_quote_takes_the_session_way(server, catalog, monkeypatch):
    sent_directly = []
    stream = _stream(server, catalog, direct=True)
    monkeypatch.setattr(
        stream.run.direct_gets, "get", lambda *a, **k: sent_directly.append(a) or None
    )
    stream.fetch("/plain", params={"email": "a b+c@example.com"})
    assert sent_directly == []
    assert b"GET /plain?email=a+b%2Bc%40example.com HTTP/1.1" in server.requests[-1]


@pytest.mark.parametrize(
    ("path", "error"),
    [("/not-found", IntercomNotFoundError), ("/latin1", RetriableAPIError)],  # latin1: not JSON
)
def test_an_error_is_the_same_error_both_ways(server, catalog, path, error):
    (direct, direct_points, direct_raw, _), (session, session_points, session_raw, _) = _fetch_both(
        server, catalog, path
    )
    assert isinstance(direct, error)
    assert type(direct) is type(session)
    assert str(direct) == str(session)
    assert direct_points == session_points
    assert [p["tags"]["http_status_code"] for p in direct_points] == (
        [404] if path == "/not-found" else [200, 200]
    )
    assert direct_raw == session_raw


def test_a_429_is_retried_the_same_both_ways(server, catalog):
    (direct, _, direct_raw, direct_stream), (session, _, session_raw, session_stream) = _fetch_both(
        server, catalog, "/rate-limited"
    )
    assert isinstance(direct, RetriableAPIError)
    assert type(direct) is type(session)
    assert str(direct) == str(session)
    assert len(direct_raw) == len(session_raw) == 2
    assert direct_stream.run.stats.retries == session_stream.run.stats.retries == 1


def test_a_dropped_connection_raises_the_same_both_ways(server, catalog):
    (direct, _, direct_raw, _), (session, _, session_raw, _) = _fetch_both(
        server, catalog, "/drop", max_retries=0
    )
    assert isinstance(direct, requests.exceptions.ConnectionError)
    assert type(direct) is type(session)
    assert len(direct_raw) == len(session_raw) == 1


def test_a_redirect_is_followed_as_the_session_follows_it(server, catalog, monkeypatch):
    monkeypatch.setitem(
        ANSWERS,
        "/moved",
        _response(b"", status="302 Found", headers=(f"Location: {server.url()}/plain",)),
    )
    (direct, _, direct_raw, _), (session, _, session_raw, _) = _fetch_both(
        server, catalog, "/moved", None
    )
    assert _shape(direct) == _shape(session)
    assert direct.url.endswith("/plain")
    # The direct way's first answer is a redirect: the GET is sent again the session's way.
    assert direct_raw == [session_raw[0], *session_raw]


def test_a_proxy_for_the_base_turns_the_direct_way_off(server, catalog, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    stream = _stream(server, catalog, direct=True)
    assert stream.run.direct_gets.enabled is False


def test_session_cookies_send_the_get_the_session_way(server, catalog):
    stream = _stream(server, catalog, direct=True)
    assert stream.run.direct_gets.takes(f"{server.url()}/plain", PARAMS)
    stream.requests_session.cookies.set("session", "1")
    assert not stream.run.direct_gets.takes(f"{server.url()}/plain", PARAMS)


def test_the_direct_headers_are_the_ones_the_session_way_sends(server, catalog):
    stream = _stream(server, catalog, direct=True, user_agent="my-agent/1")
    prepared = stream.authenticator(stream._prepared_get(f"{server.url()}/plain", None, None))
    assert list(stream._direct_headers.items()) == list(prepared.headers.items())
    assert stream._direct_headers["User-Agent"] == "my-agent/1"
