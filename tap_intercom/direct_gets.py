"""Per-record GETs sent without `requests`' session machinery, when that gives the same request.

A contacts-heavy sync sends one GET for every contact with a long tag or company list: the
run's most frequent request. Through the session each one is prepared again (a new header
dict merged from the session's and the stream's, cookies and hooks merged), then sent by
`Session.send` (adapter lookup, hooks, cookie extraction, the redirect check), and the adapter
checks once more that the direct transport may take it. For the run's GETs all of that gives
the same result every time, and costs a third of such a request's CPU.

`DirectGets` decides once per run whether the direct transport takes the run's GETs: no proxy
for the base, no client certificate, verified TLS, no session hooks, only the encodings it
decodes. Each stream merges its headers once, exactly as `prepare_get` and the authenticator
would. A GET whose URL and parameters `prepare_get` would write as they are then goes
straight to `GovernedAdapter.send_direct`. There it passes the base check, the rate governor
and the request count as every other request does, and the stream writes the same METRIC line
and applies the same `validate_response` and retries as the SDK's `_request`.
Anything else goes the session's way: session cookies, another URL or parameter, or a redirect
(the session would follow it; the request is sent again through it).
`tests/unit/test_direct_gets.py` holds both ways to the same bytes on the wire, the same
responses, METRIC lines and errors.
"""

from __future__ import annotations

import datetime
import time
import typing as t
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict
from requests.utils import select_proxy

from tap_intercom.http_session import GovernedAdapter, plain_get, url_with_params
from tap_intercom.transport import accepted_codings, verifies_tls

if t.TYPE_CHECKING:
    from collections.abc import Mapping


class DirectGets:
    """The run's GETs on the direct transport (see the module docstring); `enabled` is False
    when the session would send them otherwise."""

    def __init__(self, session: requests.Session, base_url: str) -> None:
        self._session = session
        adapter = session.get_adapter(base_url)
        parts = urlsplit(base_url)
        self._origin = (parts.scheme, parts.hostname or "", parts.port)
        self._verify = session.verify
        self._adapter = adapter if isinstance(adapter, GovernedAdapter) else None
        self.enabled = (
            self._adapter is not None
            and session.cert is None
            and verifies_tls(self._verify)
            and not select_proxy(base_url, dict(session.proxies or {}))
            and not any(session.hooks.values())
        )

    def headers_for(self, *layers: Mapping[str, str]) -> CaseInsensitiveDict[str] | None:
        """The session's headers updated with each of `layers` in turn, as `prepare_get` and
        then the authenticator merge them (a header set to None is dropped); None when the
        direct transport would not take them (an encoding it does not decode)."""
        merged: CaseInsensitiveDict[str] = CaseInsensitiveDict(self._session.headers)
        for layer in layers:
            merged.update(layer)
        headers = CaseInsensitiveDict({k: v for k, v in merged.items() if v is not None})
        if "User-Agent" not in headers or not accepted_codings(headers):
            return None
        return headers

    def takes(self, url: str, params: Mapping[str, t.Any] | None) -> bool:
        """Whether a GET of `url` with `params` goes this way (checked for every request:
        the session may have been given cookies since)."""
        return self.enabled and not self._session.cookies and plain_get(url, params)

    def get(
        self,
        url: str,
        params: Mapping[str, t.Any] | None,
        headers: CaseInsensitiveDict[str],
        *,
        timeout: t.Any,
    ) -> requests.Response:
        """Send the GET (one `takes`) with `headers` (from `headers_for`, shared: not changed),
        and return the response with its body read and `elapsed` set, as `Session.send` does."""
        request = requests.PreparedRequest()
        request.method = "GET"
        request.url = url_with_params(url, params)
        request.headers = headers
        target = request.url[request.url.index("/", len(self._origin[0]) + 3) :]
        adapter = t.cast("GovernedAdapter", self._adapter)
        started = time.perf_counter()
        response = adapter.send_direct(request, self._origin, target, timeout, self._verify)
        response.elapsed = datetime.timedelta(seconds=time.perf_counter() - started)
        return response
