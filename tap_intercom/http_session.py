"""The run's one HTTP session: connection reuse, and every request admitted by the rate governor.

The governor sits in a `requests` transport adapter, so it sees every request of the run —
the SDK's own page requests and the tap's detail fetches alike, from any thread — and the
headers of every response, also those that are then turned into errors. The adapter also
refuses any request off the configured API base (a redirect, or a link `links.on_base` did
not map): the access token goes to that base only.

Proxies: `requests` reads the proxy environment (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY) again for
every request it sends, walking the whole environment each time -- a CPU cost per request that
buys nothing, since every request goes to the one API base. The session resolves them once,
for that base, with `requests`' own rules (`environment_proxies`), and then stops reading the
environment (`trust_env = False`; a `~/.netrc` entry, the only other thing that reads, would
be replaced by the bearer token anyway).
"""

from __future__ import annotations

import typing as t
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.utils import resolve_proxies

from tap_intercom.links import ForeignLinkError, is_on_base

if t.TYPE_CHECKING:
    from tap_intercom.rate_limit import RateLimitGovernor
    from tap_intercom.run_stats import RunStats


class GovernedAdapter(HTTPAdapter):
    """An HTTP adapter that asks the governor before each request and reports each answer."""

    def __init__(
        self, governor: RateLimitGovernor, stats: RunStats, pool_size: int, base_url: str
    ) -> None:
        super().__init__(pool_connections=4, pool_maxsize=pool_size)
        self._governor = governor
        self._stats = stats
        self._base_url = base_url

    def send(self, request: requests.PreparedRequest, *args: t.Any, **kwargs: t.Any) -> t.Any:
        url = request.url or ""
        if not is_on_base(url, self._base_url):
            parts = urlsplit(url)
            msg = (
                f"refused a request to {parts.scheme}://{parts.hostname}{parts.path}: the tap "
                f"sends requests only to the configured base ({self._base_url}); check `api_url`"
            )
            raise ForeignLinkError(msg)
        self._governor.acquire()
        headers = None
        try:
            response = super().send(request, *args, **kwargs)
            headers = response.headers
        finally:
            self._governor.release(headers)
        self._stats.count_request()
        return response


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
