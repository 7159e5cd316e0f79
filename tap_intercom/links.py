"""URLs taken from responses are followed on the configured API base only.

Intercom writes absolute links into its responses (`pages.next` is
`https://api.intercom.io/articles?per_page=100&page=2`), and a contact's addressable lists
carry a `url`. Followed as given, they would bypass a proxy set as `api_url`, and a response
naming any other host would receive the access token. So a link is rewritten onto the base
(scheme, host, port and the base's path prefix) when its path is an Intercom API path, and a
link that cannot be mapped stops the run with one line. `http_session` refuses any request
off the base as a last line of defence.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

from singer_sdk.exceptions import FatalAPIError

from tap_intercom.errors import UserFacingError

__all__ = ["ForeignLinkError", "endpoint_template", "is_on_base", "on_base"]

#: The first path segment of every path in Intercom's API descriptions (2.14, 2.15, 2.16 and
#: Preview): a link whose path starts with one of these is an Intercom API path.
INTERCOM_API_ROOTS = frozenset(
    {
        "admins", "ai", "articles", "audiences", "away_status_reasons", "brands", "calls",
        "companies", "contacts", "content", "content_snippets", "conversations",
        "custom_object_instances", "data_attributes", "data_connectors", "download",
        "ecommerce", "emails", "events", "export", "fin", "fin_voice", "folders",
        "help_center", "internal_articles", "ip_allowlist", "jobs", "macros", "me", "messages",
        "news", "notes", "office_hours_schedules", "phone_call_redirects", "procedures",
        "secure_mode_secrets", "segments", "subscription_types", "tags", "teams",
        "ticket_states", "ticket_types", "tickets", "visitors",
    }
)  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}


class ForeignLinkError(FatalAPIError, UserFacingError):
    """A link in a response leads off the configured API base and is not an Intercom path."""


def _origin(parts: SplitResult) -> tuple[str, str, int | None]:
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme)


def _prefix(base: SplitResult) -> str:
    return base.path.rstrip("/")


def _under(path: str, prefix: str) -> bool:
    return not prefix or path == prefix or path.startswith(prefix + "/")


def _below_prefix(path: str, prefix: str) -> str:
    """`path` without the base's prefix, when it lies under it."""
    return path[len(prefix) :] if prefix and _under(path, prefix) else path


@lru_cache(maxsize=8)
def _base_origin_and_prefix(base_url: str) -> tuple[tuple[str, str, int | None], str]:
    """The base's origin and path prefix (a run has one base; every request asks)."""
    base = urlsplit(base_url)
    return _origin(base), _prefix(base)


#: A link that is a plain absolute path: segments of letters, digits, `_` and `-` only, so no
#: query, fragment, dot segment, escape or empty segment for `urljoin` to resolve.
_PLAIN_PATH = re.compile(r"(?:/[A-Za-z0-9_-]+)+")


@lru_cache(maxsize=8)
def _plain_base(base_url: str) -> tuple[str, str, bool]:
    """For the fast paths of `is_on_base` and `on_base`: the base without a trailing slash
    (a URL that starts with it and a `/` is on it), its `scheme://netloc` as `urljoin` writes
    it, and whether it has no path prefix."""
    parts = urlsplit(base_url)
    return base_url.rstrip("/"), f"{parts.scheme}://{parts.netloc}", not _prefix(parts)


def is_on_base(url: str, base_url: str) -> bool:
    """Whether `url` is on the base: same scheme, host and port, under its path prefix."""
    if url.startswith(_plain_base(base_url)[0] + "/"):
        return True  # the base's own scheme and host, and a path under its prefix
    return _parsed_on_base(url, base_url)


def _parsed_on_base(url: str, base_url: str) -> bool:
    """`is_on_base` by the parsed URLs (the general way)."""
    parts = urlsplit(url)
    origin, prefix = _base_origin_and_prefix(base_url)
    return _origin(parts) == origin and _under(parts.path, prefix)


def _api_path(path: str) -> bool:
    segments = path.lstrip("/").split("/", 1)
    return path.startswith("/") and segments[0] in INTERCOM_API_ROOTS


def on_base(link: str, base_url: str, *, relative_to: str | None = None) -> str:
    """`link` as a URL on `base_url`; raises ForeignLinkError when it cannot be mapped.

    A relative link is resolved against `relative_to` (the URL of the response it came from)
    or the base. A link on the base is kept; any other link whose path is an Intercom API
    path (the base's prefix, if it carries one, aside) gets the base's scheme, host, port and
    prefix, keeping its path and query.
    """
    if relative_to is None and _PLAIN_PATH.fullmatch(link):
        _, origin, no_prefix = _plain_base(base_url)
        if no_prefix:
            return origin + link  # what `urljoin` gives, on a base without a prefix
    return _joined_on_base(link, base_url, relative_to)


def _joined_on_base(link: str, base_url: str, relative_to: str | None) -> str:
    """`on_base` by `urljoin` and the parsed URLs (the general way)."""
    url = urljoin(relative_to or base_url + "/", link)
    if _parsed_on_base(url, base_url):
        return url
    parts, base = urlsplit(url), urlsplit(base_url)
    prefix = _prefix(base)
    path = _below_prefix(parts.path, prefix)
    if parts.scheme in _DEFAULT_PORTS and _api_path(path):
        return urlunsplit((base.scheme, base.netloc, prefix + path, parts.query, ""))
    host = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname
    where = f"{parts.scheme}://{host}{parts.path}" if host else parts.path
    msg = (
        f"a response links to {where}, which is not an Intercom API path; the tap sends "
        f"requests only to the configured base ({base_url}): check `api_url`"
    )
    raise ForeignLinkError(msg)


def endpoint_template(url: str, base_url: str) -> str:
    """The API path `url` requests, below the base's prefix, with each id segment (one that
    holds a digit) written `{id}`: `/contacts/{id}/companies` for any contact's company list,
    the name its request goes by in the run's METRIC lines."""
    path = _below_prefix(urlsplit(url).path, _prefix(urlsplit(base_url)))
    segments = path.split("/")
    return "/".join(
        "{id}" if any(char.isdigit() for char in segment) else segment for segment in segments
    )
