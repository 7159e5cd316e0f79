"""The HTTP server of the fake Intercom API on 127.0.0.1 and ``FakeIntercom``, which starts and
stops it and mirrors the introspection endpoints in Python."""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .app import App
from .data import Dataset
from .introspection import parse_start


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr: tuple[str, int], app: App) -> None:
        self.app = app
        self.conns: set[socket.socket] = set()
        self.conns_lock = threading.Lock()
        super().__init__(addr, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.conns_lock:
            self.conns.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.conns_lock:
            self.conns.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self.conns_lock:
            conns = list(self.conns)
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "FakeIntercom/1.0"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self.server.app.handle(self, "GET")

    def do_POST(self) -> None:
        self.server.app.handle(self, "POST")

    def do_PUT(self) -> None:
        self.server.app.handle(self, "PUT")

    def do_DELETE(self) -> None:
        self.server.app.handle(self, "DELETE")


class FakeIntercom:
    """A fake Intercom API server on 127.0.0.1.

    ``FakeIntercom(scale="small", seed=1, latency_ms=0, rate_limit_per_10s=None, faults=None,
    mutate_every=None, token="test-token", contacts=N, companies=N, conversations=N, ...)``
    """

    def __init__(
        self,
        scale: str = "small",
        seed: int = 1,
        *,
        latency_ms: float = 0,
        rate_limit_per_10s: int | None = None,
        faults: str | None = None,
        mutate_every: int | None = None,
        token: str = "test-token",  # noqa: S107
        host: str = "127.0.0.1",
        port: int = 0,
        **counts: int | None,
    ) -> None:
        self.dataset = Dataset(seed=seed, scale=scale, **counts)
        self.app = App(
            self.dataset,
            token=token,
            latency_ms=latency_ms,
            rate_limit=rate_limit_per_10s,
            faults=faults,
            mutate_every=mutate_every,
        )
        self.token = token
        self.host = host
        self.port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    def start(self) -> FakeIntercom:
        if self._server is not None:
            return self
        self.app.stopping.clear()
        self._server = _Server((self.host, self.port), self.app)
        self.port = self._server.server_address[1]
        self.base_url = f"http://{self.host}:{self.port}"
        self.app.base_url = self.base_url
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-intercom-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        srv, th = self._server, self._thread
        if srv is None:
            return
        self.app.stopping.set()
        srv.shutdown()
        srv.close_connections()
        srv.server_close()
        if th is not None:
            th.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeIntercom:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- Python mirrors of the introspection endpoints ---
    def stats(self) -> dict[str, Any]:
        return self.app.stats()

    def ground_truth(self, stream: str, start_date: Any = None) -> dict[str, Any]:
        return self.dataset.ground_truth(stream, parse_start(start_date))

    def mutate(
        self, contacts: int = 0, conversations: int = 0, companies: int = 0
    ) -> dict[str, Any]:
        return self.app.mutate(contacts=contacts, conversations=conversations, companies=companies)

    def mutate_tickets(self, n: int) -> list[str]:
        """Give `n` random tickets a new version (and other contacts); their ids."""
        return self.app.ds.mutate_tickets(n)

    def delete(self, **counts: int) -> dict[str, list[str]]:
        """Delete (or, ``merge_contacts``, merge) random live records (``data/deletions.py``)."""
        return self.app.ds.delete(**counts)

    def unlink(self, **counts: int) -> dict[str, list[list[str]]]:
        """Remove one link from each of ``counts[bridge]`` random parents (``data/links.py``)."""
        return self.app.ds.unlink(**counts)

    def deleted(self, stream: str) -> list[str]:
        """Ids of the deleted or merged records of ``stream``."""
        return self.app.ds.deleted_keys(stream)

    def control(self, **settings: Any) -> dict[str, Any]:
        return self.app.control(settings)

    def reset_stats(self) -> None:
        self.app.reset_stats()
