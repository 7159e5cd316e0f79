"""Tiny HTTP helpers for tests of (and against) the fake server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests


@contextmanager
def api(
    base_url: str,
    token: str = "test-token",  # noqa: S107
    version: str | None = "2.14",
    user_agent: str = "fake-tests/1.0",
) -> Iterator[Api]:
    s = Api(base_url)
    s.headers.update({"Accept": "application/json", "User-Agent": user_agent})
    if token is not None:
        s.headers["Authorization"] = f"Bearer {token}"
    if version is not None:
        s.headers["Intercom-Version"] = version
    try:
        yield s
    finally:
        s.close()


class Api(requests.Session):
    """A requests session whose relative paths are resolved against the fake's base URL."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if isinstance(url, str) and url.startswith("/"):
            url = self.base_url + url
        kwargs.setdefault("timeout", 30)
        return super().request(method, url, *args, **kwargs)

    def search(self, resource: str, query: Any, **body: Any) -> requests.Response:
        return self.post(f"/{resource}/search", json={"query": query, **body})

    def search_all(
        self, resource: str, query: Any, per_page: int = 150, sort: dict[str, str] | None = None
    ) -> list[dict[str, Any]]:
        key = {"contacts": "data"}.get(resource, resource)
        body: dict[str, Any] = {"pagination": {"per_page": per_page}}
        if sort:
            body["sort"] = sort
        out: list[dict[str, Any]] = []
        while True:
            r = self.search(resource, query, **body)
            r.raise_for_status()
            j = r.json()
            out.extend(j[key])
            nxt = (j.get("pages") or {}).get("next")
            if not nxt:
                return out
            body["pagination"] = {"per_page": per_page, "starting_after": nxt["starting_after"]}
