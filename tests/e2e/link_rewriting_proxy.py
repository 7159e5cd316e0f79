"""Loopback servers for the "links stay on the configured base" tests.

- `LinkRewritingProxy` serves the fake Intercom under a path prefix (`/intercom`), asks it for
  small pages (so every page-numbered list has a page 2), and rewrites the links in its
  answers onto foreign origins, in turn: every `pages.next` URL and every `url` of a contact's
  list with `has_more`. The tap must follow them through the proxy, never to those origins.
- `Trap` records every request it receives (also a proxy `CONNECT`): it stands for every
  other host. The tap runs with `HTTP(S)_PROXY` pointing at it, so a request to
  `https://api.intercom.io` lands here too and nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests
import simplejson

PREFIX = "/intercom"
SMALL_PAGE = "5"


class _Server:
    def __init__(self, handle: Any) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_GET(self) -> None:
                handle(self)

            def do_POST(self) -> None:
                handle(self)

            def do_CONNECT(self) -> None:
                handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Any:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _reply(h: BaseHTTPRequestHandler, status: int, data: bytes, headers: Any = None) -> None:
    h.send_response(status)
    for key, value in (headers or {}).items():
        h.send_header(key, value)
    h.send_header("Content-Length", str(len(data)))
    h.end_headers()
    with contextlib.suppress(OSError):
        h.wfile.write(data)


class Trap(_Server):
    """Records (method, target, has Authorization) of every request; answers 502."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, bool]] = []
        super().__init__(self._handle)

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        self.requests.append((h.command, h.path, "Authorization" in h.headers))
        h.close_connection = True
        _reply(h, 502, b"trap")


class LinkRewritingProxy(_Server):
    """The fake under `PREFIX`, its links rewritten onto `foreign_origins` in turn."""

    def __init__(self, upstream: str, foreign_origins: list[str]) -> None:
        self.upstream = upstream
        self._origins = itertools.cycle(foreign_origins)
        self._lock = threading.Lock()
        self.paths: list[str] = []
        self.rewritten = 0
        #: When set, a rewritten link also gets this path (a link that is no Intercom path).
        self.foreign_path: str | None = None
        super().__init__(self._handle)
        self.base_url = self.origin + PREFIX

    def _foreign(self, link: str) -> str:
        parts = urlsplit(link)
        with self._lock:
            self.rewritten += 1
            origin = next(self._origins)
        path = self.foreign_path or parts.path
        return origin + path + (f"?{parts.query}" if parts.query else "")

    def _rewrite(self, value: Any) -> Any:
        if isinstance(value, dict):
            out = {key: self._rewrite(item) for key, item in value.items()}
            if isinstance(out.get("next"), str):
                out["next"] = self._foreign(out["next"])
            if out.get("has_more") and isinstance(out.get("url"), str):
                out["url"] = self._foreign(out["url"])
            return out
        if isinstance(value, list):
            return [self._rewrite(item) for item in value]
        return value

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        if h.command == "CONNECT" or not parts.path.startswith(PREFIX + "/"):
            _reply(h, 404, b"not under the prefix")
            return
        path = parts.path[len(PREFIX) :]
        with self._lock:
            self.paths.append(f"{h.command} {path}")
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if h.command == "GET":  # every page the same small size (lists without one too)
            query["per_page"] = SMALL_PAGE
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else None
        headers = {k: v for k, v in h.headers.items() if k.lower() not in {"host", "connection"}}
        upstream = requests.request(
            h.command,
            f"{self.upstream}{path}" + (f"?{urlencode(query)}" if query else ""),
            data=body,
            headers=headers,
            timeout=30,
        )
        data = upstream.content
        if upstream.headers.get("Content-Type", "").startswith("application/json"):
            body = simplejson.loads(upstream.content, use_decimal=True)
            data = simplejson.dumps(self._rewrite(body), use_decimal=True).encode()
        passed = {
            k: v
            for k, v in upstream.headers.items()
            if k.startswith("X-RateLimit") or k == "Content-Type"
        }
        _reply(h, upstream.status_code, data, passed)


@contextlib.contextmanager
def link_rewriting_setup(upstream: str) -> Iterator[tuple[LinkRewritingProxy, Trap]]:
    """A trap, and the proxy rewriting links onto `https://api.intercom.io` and the trap."""
    with (
        Trap() as trap,
        LinkRewritingProxy(upstream, ["https://api.intercom.io", trap.origin]) as proxy,
    ):
        yield proxy, trap
