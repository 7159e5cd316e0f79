"""Paginators for Intercom's pagination styles (contract §2).

- cursor: `pages.next.starting_after` (query string for GET lists, request body for search);
- page links: `pages.next` is an absolute URL string, or an object with only `page`; a URL
  is followed on the configured API base only (`links.on_base`).
The companies scroll is not a paginator: its token repeats on every page
(see `streams.companies`).
"""

from __future__ import annotations

import typing as t
from urllib.parse import parse_qsl, urlencode, urlparse, urlunparse

from singer_sdk.pagination import BaseAPIPaginator, BaseHATEOASPaginator

from tap_intercom.links import on_base
from tap_intercom.responses import response_json

if t.TYPE_CHECKING:
    import requests


def next_page_object(response: requests.Response) -> t.Any:
    """The `pages.next` value of a response, or None."""
    body = response_json(response)
    pages = body.get("pages") if isinstance(body, dict) else None
    return pages.get("next") if isinstance(pages, dict) else None


class CursorPaginator(BaseAPIPaginator[str | None]):
    """Token = `pages.next.starting_after`; stops when it is absent."""

    def __init__(self) -> None:
        super().__init__(None)

    def get_next(self, response: requests.Response) -> str | None:
        nxt = next_page_object(response)
        if isinstance(nxt, dict) and nxt.get("starting_after"):
            return str(nxt["starting_after"])
        return None


def next_page_url(response: requests.Response, base_url: str) -> str | None:
    """Resolve every `pages.next` shape to the URL of the next page, or None at the end.

    A string (relative ones joined to the request URL) is mapped onto `base_url`, the
    configured API base (`links.on_base`: an absolute `https://api.intercom.io/...` link must
    not bypass a proxy, nor another host get the token); an object with `starting_after` or
    only `page` is applied to the current request's query string.
    """
    nxt = next_page_object(response)
    if not nxt:
        return None
    if isinstance(nxt, str):
        return on_base(nxt, base_url, relative_to=response.url)
    if isinstance(nxt, dict):
        parsed = urlparse(response.url)
        query = dict(parse_qsl(parsed.query, keep_blank_values=True))
        if nxt.get("starting_after"):
            query["starting_after"] = str(nxt["starting_after"])
        elif nxt.get("page") is not None:
            query["page"] = str(nxt["page"])
        else:
            return None
        return urlunparse(parsed._replace(query=urlencode(query)))
    return None


class PageLinkPaginator(BaseHATEOASPaginator):
    """The SDK's HATEOAS paginator: the token is the next page's URL (from `pages.next`), on
    the configured API base `base_url`."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def get_next_url(self, response: requests.Response) -> str | None:
        return next_page_url(response, self.base_url)
