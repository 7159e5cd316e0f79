"""One request through the fake, from the socket to the response: auth, rate limit windows,
version check, injected latency, forbidden and broken paths, faults, then the endpoint."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import struct
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from random import Random
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import versions
from .data import Dataset
from .data.ids import CONVERSATION_BASE
from .endpoints import Endpoints
from .engine import Engine
from .errors import HTTPError
from .faults import FaultInjection, parse_faults
from .introspection import Introspection
from .routes import match_route
from .search import QueryError
from .search_lag import SearchLag

UNLIMITED_LIMIT = 1_000_000
VALID_VERSIONS = {f"1.{k}" for k in range(5)} | {f"2.{k}" for k in range(18)} | {"Preview"}


class App(SearchLag, Introspection, FaultInjection, Endpoints):
    """All server state. One instance per FakeIntercom."""

    def __init__(
        self,
        ds: Dataset,
        *,
        token: str,
        latency_ms: float,
        rate_limit: int | None,
        faults: str | None,
        mutate_every: int | None,
    ) -> None:
        self.ds = ds
        self.engine = Engine(ds)
        self.token = token
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self.latency_ms = float(latency_ms or 0)
        self.rate_limit = rate_limit
        self.fault_spec = faults or ""
        self.fault_rates, self.slow_seconds = parse_faults(faults)
        self.fault_rng = Random(f"{ds.seed}:faults")
        self.last_faulted: OrderedDict[str, bool] = OrderedDict()
        self.mutate_every = mutate_every
        self.search_lag: tuple[float, float] | None = None
        self.forbidden: list[str] = []
        #: Path prefixes that always answer 500 (an outage of one endpoint).
        self.broken: list[str] = []
        self.workspace_timezone = "UTC"
        self.scroll: dict[str, Any] | None = None
        self.scroll_hold_until = 0.0
        self.scroll_fail_after_pages: int | None = None
        self.scroll_page_size = 50
        self.scroll_idle_seconds = 60.0
        self.scroll_counter = 0
        self.request_counter = 0
        self.error_counter = 0
        self.windows: dict[str, tuple[int, int]] = {}
        self.in_flight = 0
        self.base_url = ""
        self._segment_counts: dict[str, int] | None = None
        self.segment_counts()  # precomputed so that no request pays for the full scan
        self.reset_stats()

    def _request_id(self) -> str:
        with self.lock:
            self.error_counter += 1
            n = self.error_counter
        return str(uuid.UUID(int=Random(f"{self.ds.seed}:req:{n}").getrandbits(128), version=4))

    def company_of(self, conversation_id: str) -> dict[str, Any] | None:
        """The company a conversation carries from 2.15 on (every third one has one)."""
        i = int(conversation_id) - CONVERSATION_BASE
        if i % 3 or not self.ds.companies.count:
            return None
        return self.ds.company((i * 11) % self.ds.companies.count)

    def error_body(self, code: str, message: str) -> dict[str, Any]:
        return {
            "type": "error.list",
            "request_id": self._request_id(),
            "errors": [{"code": code, "message": message}],
        }

    def _rate_headers(self, limit: int, count: int, window: int) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - count)),
            "X-RateLimit-Reset": str((window + 1) * 10),
        }

    def _send(
        self,
        h: BaseHTTPRequestHandler,
        status: int,
        body: Any,
        headers: dict[str, str],
        truncate: bool = False,
    ) -> None:
        data = (
            body
            if isinstance(body, bytes)
            else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        )
        if truncate:
            data = data[: len(data) // 2]
        h.send_response(status)
        h.send_header("Content-Type", "application/json; charset=utf-8")
        h.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(data)

    def _reset(self, h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        with contextlib.suppress(OSError):
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.connection.close()

    def handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        split = urlsplit(h.path)
        path = re.sub(r"/{2,}", "/", split.path)
        if len(path) > 1:
            path = path.rstrip("/")
        query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        length = int(h.headers.get("Content-Length") or 0)
        raw_body = h.rfile.read(length) if length > 0 else b""
        host = h.headers.get("Host") or self.base_url.split("://", 1)[-1]
        base = f"http://{host}"
        if path.startswith("/__fake/"):
            try:
                status, body = self.introspect(method, path, query, raw_body)
            except (ValueError, KeyError, TypeError) as exc:
                status, body = 400, {"error": str(exc)}
            self._send(h, status, body, {})
            return
        tpl, name, params = match_route(method, path)
        endpoint = f"{method} {tpl or '<unknown>'}"
        version = h.headers.get("Intercom-Version")
        with self.lock:
            self.st_total += 1
            self.st_endpoints[endpoint] += 1
            self.st_versions[version if version is not None else "<none>"] += 1
            self.st_agents[h.headers.get("User-Agent") or "<none>"] += 1
            self.in_flight += 1
            self.st_max_in_flight = max(self.st_max_in_flight, self.in_flight)
        status: int | None = None
        try:
            status = self._handle(h, method, path, query, raw_body, name, params, version, base)
        finally:
            with self.lock:
                self.in_flight -= 1
                self.st_status[str(status) if status else "reset"] += 1

    def _handle(  # noqa: PLR0917
        self,
        h: BaseHTTPRequestHandler,
        method: str,
        path: str,
        query: dict[str, str],
        raw_body: bytes,
        name: str | None,
        params: dict[str, str],
        version: str | None,
        base: str,
    ) -> int | None:
        auth = h.headers.get("Authorization") or ""
        if auth != f"Bearer {self.token}":
            self._send(h, 401, self.error_body("unauthorized", "Access Token Invalid"), {})
            return 401
        # rate limit: fixed 10-second windows per token
        now = time.time()
        window = int(now // 10)
        with self.lock:
            w, count = self.windows.get(self.token, (window, 0))
            if w != window:
                count = 0
            count += 1
            self.windows[self.token] = (window, count)
            limit = self.rate_limit if self.rate_limit is not None else UNLIMITED_LIMIT
            exhausted = self.rate_limit is not None and count > self.rate_limit
            if exhausted:
                self.st_window_exhausted += 1
                self.st_429 += 1
            self.request_counter += 1
            do_mutate = (
                bool(self.mutate_every) and self.request_counter % int(self.mutate_every or 1) == 0
            )
            live = self.live_deletions
            do_delete = live is not None and live.due(self.request_counter)
        rl = self._rate_headers(limit, count, window)
        if exhausted:
            self._send(
                h,
                429,
                self.error_body(
                    "rate_limit_exceeded", f"Exceeded rate limit of {limit} in 10_seconds"
                ),
                rl,
            )
            return 429
        if version is not None and version not in VALID_VERSIONS:
            self._send(
                h,
                400,
                self.error_body(
                    "intercom_version_invalid", f"Requested version {version!r} is not valid"
                ),
                rl,
            )
            return 400
        if do_mutate:
            self.mutate(contacts=3, conversations=2, companies=1)
        if do_delete and live is not None:
            self.ds.delete(**live.counts)
        if self.latency_ms:
            self.stopping.wait(self.latency_ms / 1000.0)
        for prefix in self.forbidden:
            if path.startswith(prefix):
                if path.startswith("/conversations"):
                    body = self.error_body("api_plan_restricted", "Active subscription needed.")
                else:
                    body = self.error_body("forbidden", "You are not allowed to do that.")
                self._send(h, 403, body, rl)
                return 403
        for prefix in self.broken:
            if path.startswith(prefix):
                self._send(h, 500, self.error_body("server_error", "Server error."), rl)
                return 500
        fault = self._pick_fault(method, path, h.path, raw_body)
        truncate = False
        if fault is not None:
            with self.lock:
                self.st_faults[fault] += 1
                if fault == "429":
                    self.st_429 += 1
            if fault == "429":
                hdr = self._rate_headers(limit, limit, window)
                self._send(
                    h,
                    429,
                    self.error_body(
                        "rate_limit_exceeded", f"Exceeded rate limit of {limit} in 10_seconds"
                    ),
                    hdr,
                )
                return 429
            if fault in ("500", "502", "503", "504"):
                code, msg = {
                    "500": ("server_error", "Server Error"),
                    "502": ("server_error", "Bad Gateway"),
                    "503": (
                        "service_unavailable",
                        "Sorry, the API service is temporarily unavailable",
                    ),
                    "504": ("request_timeout", "Gateway Timeout"),
                }[fault]
                self._send(h, int(fault), self.error_body(code, msg), rl)
                return int(fault)
            if fault == "reset":
                self._reset(h)
                return None
            if fault == "slow":
                self.stopping.wait(self.slow_seconds)
            truncate = fault == "truncated"
        try:
            if name is None:
                raise HTTPError(404, "not_found", "Resource Not Found")
            body_obj: Any = None
            if raw_body:
                try:
                    body_obj = json.loads(raw_body)
                except ValueError as exc:
                    raise HTTPError(400, "bad_request", "Request body is not valid JSON") from exc
            asked = versions.parse(version)
            versions.check_request(name, query, body_obj, asked)
            fn: Callable[..., Any] = getattr(self, "ep_" + name)
            status, body = fn(
                params=params,
                query=query,
                body=body_obj,
                base=base,
                path=path,
                version=asked,
                raw_version=version,
            )
            body = versions.adapt(name, body, asked, self.company_of)
        except HTTPError as exc:
            status, body = exc.status, self.error_body(exc.code, exc.message)
            rl = {**rl, **exc.headers}
            truncate = False
        except QueryError as exc:
            status, body = 400, self.error_body(exc.code, exc.message)
            truncate = False
        self._send(h, status, body, rl, truncate=truncate and status == 200)
        return status
