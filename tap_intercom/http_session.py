"""The run's one HTTP session: connection reuse, and every request admitted by the rate governor.

The governor sits in a `requests` transport adapter, so it sees every request of the run —
the SDK's own page requests and the tap's detail fetches alike, from any thread — and the
headers of every response, also those that are then turned into errors. The adapter also
refuses any request off the configured API base (a redirect, or a link `links.on_base` did
not map): the access token goes to that base only. It sends what `transport.DirectTransport`
reproduces exactly through it (every request of a run without a proxy), anything else
through `requests`' own adapter.

Proxies: `requests` reads the proxy environment (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY) again for
every request it sends, walking the whole environment each time -- a CPU cost per request that
buys nothing, since every request goes to the one API base. The session resolves them once,
for that base, with `requests`' own rules (`environment_proxies`), and then stops reading the
environment (`trust_env = False`; a `~/.netrc` entry, the only other thing that reads, would
be replaced by the bearer token anyway).

GET requests for per-record details (a contact's long tag list, a conversation) are the
run's most frequent: `prepare_get` builds them without `Session.prepare_request`, whose
merging of cookies, hooks and settings and whose URL parsing are a third of such a request's
CPU, whenever that gives the same request (a plain ASCII URL, no cookies); any other goes
through `prepare_request`. `tests/unit/test_http_session.py` holds the two to the same output.
"""

from __future__ import annotations

import re
import typing as t
from urllib.parse import urlencode, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.cookies import RequestsCookieJar
from requests.structures import CaseInsensitiveDict
from requests.utils import resolve_proxies

from tap_intercom.links import ForeignLinkError, is_on_base
from tap_intercom.sdk_seams import read_whole_body
from tap_intercom.transport import DirectTransport

if t.TYPE_CHECKING:
    from tap_intercom.rate_limit import RateLimitGovernor
    from tap_intercom.run_stats import RunStats


class GovernedAdapter(HTTPAdapter):
    """An HTTP adapter that asks the governor before each request and reports each answer.
    A request the direct transport reproduces goes through it (`transport`), any other
    through `requests`' adapter; a response not sent as a stream comes back with its body read
    (`read_whole_body`)."""

    def __init__(
        self, governor: RateLimitGovernor, stats: RunStats, pool_size: int, base_url: str
    ) -> None:
        super().__init__(pool_connections=4, pool_maxsize=pool_size)
        self._governor = governor
        self._stats = stats
        self._base_url = base_url
        self._direct = DirectTransport()

    def send(  # noqa: PLR0917 -- `requests`' BaseAdapter.send signature
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: t.Any = None,
        verify: t.Any = True,
        cert: t.Any = None,
        proxies: t.Any = None,
    ) -> requests.Response:
        def sent() -> requests.Response:
            if self._direct.accepts(
                request, stream=stream, verify=verify, cert=cert, proxies=proxies
            ):
                return self._direct.send(request, timeout=timeout, verify=verify)
            response = super(GovernedAdapter, self).send(
                request, stream, timeout, verify, cert, proxies
            )
            if not stream and response.raw is not None:
                read_whole_body(response)
            return response

        return self._governed(request, sent)

    def send_direct(
        self,
        request: requests.PreparedRequest,
        origin: tuple[str, str, int | None],
        target: str,
        timeout: t.Any,
        verify: t.Any,
    ) -> requests.Response:
        """`send` for a request the caller has checked the direct transport takes, to the
        base's `origin` for `target` (`direct_gets`): the same base check, governor and
        count, without the checks whose answer the caller already knows."""
        return self._governed(
            request,
            lambda: self._direct.exchange(
                origin, request, target=target, timeout=timeout, verify=verify
            ),
        )

    def _governed(
        self, request: requests.PreparedRequest, send: t.Callable[[], requests.Response]
    ) -> requests.Response:
        """`send()` on the base only, admitted by the governor, which sees the response's
        headers (none when it failed); counted."""
        self._refuse_off_base(request)
        self._governor.acquire()
        headers = None
        try:
            response = send()
            headers = response.headers
        finally:
            self._governor.release(headers)
        response.connection = self  # as `HTTPAdapter.build_response` sets it
        self._stats.count_request()
        return response

    def _refuse_off_base(self, request: requests.PreparedRequest) -> None:
        url = request.url or ""
        if not is_on_base(url, self._base_url):
            parts = urlsplit(url)
            msg = (
                f"refused a request to {parts.scheme}://{parts.hostname}{parts.path}: the tap "
                f"sends requests only to the configured base ({self._base_url}); check `api_url`"
            )
            raise ForeignLinkError(msg)

    def close(self) -> None:
        self._direct.close()
        super().close()


def governed_session(
    governor: RateLimitGovernor, stats: RunStats, pool_size: int, base_url: str
) -> requests.Session:
    """A session whose http(s) requests all go through one `GovernedAdapter`, on `base_url`."""
    session = requests.Session()
    session.proxies = environment_proxies(base_url)
    session.trust_env = False
    adapter = GovernedAdapter(governor, stats, pool_size, base_url)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def environment_proxies(base_url: str) -> dict[str, str]:
    """The proxy the environment names for requests to `base_url` (`{scheme: proxy URL}`), or
    none when NO_PROXY excludes its host: what `requests` would pick for each request."""
    return resolve_proxies(requests.Request("GET", base_url), {}, trust_env=True)


#: A URL `requests` would send exactly as written: http(s), a lower-case host, a path without
#: dot segments and an optional non-empty query, of unreserved characters only (no `%`,
#: nothing to quote or re-encode, no fragment).
_PLAIN_URL = re.compile(
    r"https?://[a-z0-9.-]+(?::[0-9]+)?"
    r"(?:/(?!\.\.?(?:[/?]|$))[A-Za-z0-9._~-]*)+"  # no `.` or `..` segment (requests drops them)
    r"(?:\?[A-Za-z0-9._~=&-]+)?"
)
_PLAIN_PARAM = re.compile(r"[A-Za-z0-9._~-]*")


def _plain_params(params: t.Mapping[str, t.Any] | None) -> bool:
    """Whether `params` are names and ints or plain strings, which `urlencode` writes as is."""
    if not params:
        return True
    return all(
        type(key) is str
        and _PLAIN_PARAM.fullmatch(key)
        and (type(value) is int or (type(value) is str and _PLAIN_PARAM.fullmatch(value)))
        for key, value in params.items()
    )


def url_with_params(url: str, params: t.Mapping[str, t.Any] | None) -> str:
    """`url` with plain `params` (`plain_get`) appended, as `requests` writes them."""
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}" if params else url


def plain_get(url: str, params: t.Mapping[str, t.Any] | None) -> bool:
    """Whether `requests` sends a GET of `url` with `params` as `f"{url}?{urlencode(params)}"`
    (nothing quoted, re-encoded or dropped)."""
    return _PLAIN_URL.fullmatch(url) is not None and _plain_params(params)


def prepare_get(
    session: requests.Session,
    url: str,
    *,
    params: t.Mapping[str, t.Any] | None,
    headers: t.Mapping[str, str],
    auth: t.Callable[[requests.PreparedRequest], requests.PreparedRequest] | None = None,
) -> requests.PreparedRequest:
    """`session.prepare_request(requests.Request("GET", url, params=params, headers=headers,
    auth=auth))`, built directly when the result is the same (see the module docstring)."""
    if session.cookies or not plain_get(url, params):
        return session.prepare_request(
            requests.Request("GET", url, params=params or {}, headers=dict(headers), auth=auth)
        )
    merged = CaseInsensitiveDict(session.headers)
    merged.update(headers)
    prepared = requests.PreparedRequest()
    prepared.prepare_method("GET")
    prepared.url = url_with_params(url, params)
    # `requests` drops a header set to None; `prepare_headers` checks each as it always does.
    prepared.prepare_headers({name: value for name, value in merged.items() if value is not None})
    prepared.prepare_cookies(RequestsCookieJar())  # what `prepare_request` merges from no cookies
    prepared.prepare_hooks(session.hooks)  # the session's hooks, as `prepare_request` merges them
    return prepared if auth is None else auth(prepared)
