"""A loopback HTTP proxy in front of the fake Intercom that breaks chosen endpoints for good.

The fake's own fault injection never faults the same request twice in a row (so retries always
succeed); this proxy makes one endpoint fail on *every* try, to prove the tap gives up after a
bounded time with one clear line instead of hanging.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

#: Modes: an HTTP status with an Intercom error body, a non-JSON 200 (proxy page), a response
#: slower than any sane `request_timeout`, or a TCP reset.
MODES = ("503", "html200", "hang", "reset")


class BreakingProxy:
    def __init__(self, upstream: str, path_prefix: str, mode: str) -> None:
        assert mode in MODES, mode
        self.upstream = upstream
        self.path_prefix = path_prefix
        self.mode = mode
        self.broken_hits = 0
        self.stopping = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_GET(self) -> None:
                proxy.handle(self)

            def do_POST(self) -> None:
                proxy.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else None
        if h.path.split("?", 1)[0].startswith(self.path_prefix):
            self.broken_hits += 1
            self.break_response(h)
            return
        headers = {k: v for k, v in h.headers.items() if k.lower() not in {"host", "connection"}}
        upstream = requests.request(
            h.command, self.upstream + h.path, data=body, headers=headers, timeout=30
        )
        self.send(h, upstream.status_code, upstream.content, upstream.headers)

    def break_response(self, h: BaseHTTPRequestHandler) -> None:
        if self.mode == "503":
            body = {
                "type": "error.list",
                "request_id": None,
                "errors": [{"code": "service_unavailable", "message": "Service Unavailable"}],
            }
            self.send(h, 503, json.dumps(body).encode(), {"Content-Type": "application/json"})
        elif self.mode == "html200":
            page = b"<html><body>Corporate proxy: please sign in</body></html>"
            self.send(h, 200, page, {"Content-Type": "text/html"})
        elif self.mode == "hang":
            self.stopping.wait(5)
            h.close_connection = True
        else:  # reset
            h.close_connection = True
            with contextlib.suppress(OSError):
                h.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                h.connection.close()

    @staticmethod
    def send(h: BaseHTTPRequestHandler, status: int, data: bytes, headers: object) -> None:
        h.send_response(status)
        for key in (
            "Content-Type",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
        ):
            value = headers.get(key)  # type: ignore[attr-defined]
            if value:
                h.send_header(key, value)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        with contextlib.suppress(OSError):
            h.wfile.write(data)


@contextlib.contextmanager
def breaking_proxy(upstream: str, path_prefix: str, mode: str) -> Iterator[BreakingProxy]:
    proxy = BreakingProxy(upstream, path_prefix, mode)
    proxy.thread.start()
    try:
        yield proxy
    finally:
        proxy.stopping.set()
        proxy.server.shutdown()
        proxy.server.server_close()
        proxy.thread.join(timeout=5)
