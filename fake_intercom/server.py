"""HTTP layer of the fake Intercom API: routing, auth, versions, rate limits, faults, scroll,
introspection, and the ``FakeIntercom`` controller."""

from __future__ import annotations

import contextlib
import json
import math
import re
import socket
import struct
import threading
import time
import uuid
from collections import Counter, OrderedDict
from collections.abc import Callable
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from random import Random
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from .data import (
    APP_ID,
    COMPANY_BASE,
    CONTACT_BASE,
    CONVERSATION_BASE,
    TICKET_BASE,
    Dataset,
    parse_hex_id,
    parse_num_id,
)
from .engine import Engine, total_pages
from .search import QueryError

MAX_PER_PAGE = 150
COMPANY_PAGE_CAP = 10_000
UNLIMITED_LIMIT = 1_000_000
VALID_VERSIONS = {f"1.{k}" for k in range(5)} | {f"2.{k}" for k in range(17)} | {"Preview"}
FAULT_KINDS = ("429", "500", "502", "503", "504", "reset", "slow", "truncated")
Response = tuple[int, Any, dict[str, str]]


class HTTPError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def parse_faults(spec: str | dict[str, float] | None) -> tuple[dict[str, float], float]:
    """Parse ``"429:0.05,500:0.02,slow:0.01,slow_seconds:2"`` into (rates, slow_seconds)."""
    rates: dict[str, float] = {}
    slow_seconds = 3.0
    if not spec:
        return rates, slow_seconds
    items = (
        spec.items()
        if isinstance(spec, dict)
        else (part.split(":", 1) for part in str(spec).split(",") if part.strip())
    )
    for raw_k, v in items:
        k = str(raw_k).strip()
        if k == "slow_seconds":
            slow_seconds = float(v)
        elif k in FAULT_KINDS:
            rates[k] = float(v)
        else:
            msg = f"unknown fault kind {k!r}"
            raise ValueError(msg)
    if sum(rates.values()) > 1.0:
        msg = "fault rates add up to more than 1"
        raise ValueError(msg)
    return rates, slow_seconds


def parse_start(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, datetime):
        dt = value
    else:
        s = str(value).strip()
        if re.fullmatch(r"-?\d+(\.\d+)?", s):
            return int(float(s))
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return math.floor(dt.timestamp())


ROUTES: list[tuple[str, str, str]] = [
    ("GET", "/me", "me"),
    ("GET", "/admins", "admins"),
    ("GET", "/admins/activity_logs", "activity_logs"),
    ("GET", "/admins/{id}", "admin"),
    ("GET", "/teams", "teams"),
    ("GET", "/teams/{id}", "team"),
    ("GET", "/tags", "tags"),
    ("GET", "/segments", "segments"),
    ("GET", "/companies/scroll", "companies_scroll"),
    ("POST", "/companies/list", "companies_list_post"),
    ("GET", "/companies", "companies"),
    ("GET", "/companies/{id}", "company"),
    ("GET", "/companies/{id}/segments", "company_segments"),
    ("GET", "/contacts", "contacts"),
    ("POST", "/contacts/search", "contacts_search"),
    ("GET", "/contacts/{id}", "contact"),
    ("GET", "/contacts/{id}/tags", "contact_tags"),
    ("GET", "/contacts/{id}/companies", "contact_companies"),
    ("GET", "/contacts/{id}/segments", "contact_segments"),
    ("GET", "/contacts/{id}/notes", "contact_notes"),
    ("GET", "/conversations", "conversations"),
    ("POST", "/conversations/search", "conversations_search"),
    ("GET", "/conversations/{id}", "conversation"),
    ("GET", "/data_attributes", "data_attributes"),
    ("GET", "/articles", "articles"),
    ("GET", "/articles/{id}", "article"),
    ("GET", "/help_center/collections", "collections"),
    ("GET", "/help_center/collections/{id}", "collection"),
    ("GET", "/help_center/help_centers", "help_centers"),
    ("GET", "/help_center/help_centers/{id}", "help_center"),
    ("POST", "/tickets/search", "tickets_search"),
    ("GET", "/tickets/{id}", "ticket"),
]
_COMPILED = [
    (m, tpl, re.compile("^" + tpl.replace("{id}", "(?P<id>[^/]+)") + "$"), name)
    for m, tpl, name in ROUTES
]


def match_route(method: str, path: str) -> tuple[str | None, str | None, dict[str, str]]:
    """Return (template, handler name, params); handler None with a template means 405."""
    tpl_hit = None
    for m, tpl, rx, name in _COMPILED:
        mo = rx.match(path)
        if mo:
            if m == method:
                return tpl, name, mo.groupdict()
            tpl_hit = tpl
    return tpl_hit, None, {}


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


class App:
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

    # ------------------------------------------------------------------ stats
    def reset_stats(self) -> None:
        with self.lock:
            self.st_total = 0
            self.st_endpoints: Counter[str] = Counter()
            self.st_status: Counter[str] = Counter()
            self.st_429 = 0
            self.st_faults: Counter[str] = Counter()
            self.st_max_in_flight = 0
            self.st_window_exhausted = 0
            self.st_versions: Counter[str] = Counter()
            self.st_agents: Counter[str] = Counter()
            self.st_mutations = 0
            self.st_scrolls_opened = 0

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {
                "requests_total": self.st_total,
                "requests_by_endpoint": dict(sorted(self.st_endpoints.items())),
                "responses_by_status": dict(sorted(self.st_status.items())),
                "responses_429": self.st_429,
                "faults_injected": dict(sorted(self.st_faults.items())),
                "faults_injected_total": sum(self.st_faults.values()),
                "max_in_flight": self.st_max_in_flight,
                "in_flight": self.in_flight,
                "requests_window_exhausted": self.st_window_exhausted,
                "intercom_versions": dict(sorted(self.st_versions.items())),
                "user_agents": dict(sorted(self.st_agents.items())),
                "mutations": self.st_mutations,
                "scrolls_opened": self.st_scrolls_opened,
                "settings": self.settings(),
            }

    def settings(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "rate_limit_per_10s": self.rate_limit,
            "faults": self.fault_spec,
            "forbidden": list(self.forbidden),
            "broken": list(self.broken),
            "deleted_conversations": sorted(self.ds.deleted_conversations),
            "scroll_exists_hold_seconds": max(0.0, self.scroll_hold_until - time.time()),
            "scroll_fail_after_pages": self.scroll_fail_after_pages,
            "scroll_page_size": self.scroll_page_size,
            "scroll_idle_seconds": self.scroll_idle_seconds,
            "workspace_timezone": self.workspace_timezone,
            "mutate_every": self.mutate_every,
        }

    # ------------------------------------------------------------------ control
    def control(self, settings: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            for k, v in settings.items():
                if k == "latency_ms":
                    self.latency_ms = float(v or 0)
                elif k == "rate_limit_per_10s":
                    self.rate_limit = None if v is None else int(v)
                    self.windows.clear()
                elif k == "faults":
                    self.fault_rates, self.slow_seconds = parse_faults(v)
                    self.fault_spec = v if isinstance(v, str) else json.dumps(v)
                    self.fault_rng = Random(f"{self.ds.seed}:faults:{self.fault_spec}")
                    self.last_faulted.clear()
                elif k == "forbidden":
                    self.forbidden = [str(p) for p in (v or [])]
                elif k == "broken":
                    self.broken = [str(p) for p in (v or [])]
                elif k == "deleted_conversations":
                    with self.ds.lock:
                        self.ds.deleted_conversations = {str(x) for x in (v or [])}
                elif k == "scroll_exists_hold_seconds":
                    self.scroll_hold_until = time.time() + float(v or 0)
                elif k == "scroll_fail_after_pages":
                    self.scroll_fail_after_pages = None if v is None else int(v)
                elif k == "scroll_page_size":
                    self.scroll_page_size = max(1, int(v))
                elif k == "scroll_idle_seconds":
                    self.scroll_idle_seconds = float(v)
                elif k == "workspace_timezone":
                    from zoneinfo import ZoneInfo

                    ZoneInfo(str(v))  # validate
                    self.workspace_timezone = str(v)
                elif k == "mutate_every":
                    self.mutate_every = None if v is None else int(v)
                elif k == "reset_stats":
                    if v:
                        self.reset_stats()
                else:
                    msg = f"unknown control setting {k!r}"
                    raise ValueError(msg)
            return self.settings()

    def mutate(
        self, contacts: int = 0, conversations: int = 0, companies: int = 0
    ) -> dict[str, Any]:
        out = self.ds.mutate(contacts=contacts, conversations=conversations, companies=companies)
        with self.lock:
            self.st_mutations += 1
        return out

    # ------------------------------------------------------------------ helpers
    def _request_id(self) -> str:
        with self.lock:
            self.error_counter += 1
            n = self.error_counter
        return str(uuid.UUID(int=Random(f"{self.ds.seed}:req:{n}").getrandbits(128), version=4))

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
        self, h: _Handler, status: int, body: Any, headers: dict[str, str], truncate: bool = False
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

    def _reset(self, h: _Handler) -> None:
        h.close_connection = True
        with contextlib.suppress(OSError):
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.connection.close()

    # ------------------------------------------------------------------ dispatch
    def handle(self, h: _Handler, method: str) -> None:
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
        h: _Handler,
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
            fn: Callable[..., Any] = getattr(self, "ep_" + name)
            status, body = fn(params=params, query=query, body=body_obj, base=base, path=path)
        except HTTPError as exc:
            status, body = exc.status, self.error_body(exc.code, exc.message)
            truncate = False
        except QueryError as exc:
            status, body = 400, self.error_body(exc.code, exc.message)
            truncate = False
        self._send(h, status, body, rl, truncate=truncate and status == 200)
        return status

    def _pick_fault(self, method: str, path: str, raw_path: str, raw_body: bytes) -> str | None:
        if not self.fault_rates:
            return None
        key = f"{method} {raw_path} {raw_body!r}"
        with self.lock:
            x = self.fault_rng.random()
            chosen = None
            acc = 0.0
            for kind in FAULT_KINDS:
                rate = self.fault_rates.get(kind, 0.0)
                acc += rate
                if rate and x < acc:
                    chosen = kind
                    break
            if chosen is not None and self.last_faulted.get(key):
                chosen = None  # never fault the same request twice in a row
            self.last_faulted[key] = chosen is not None
            self.last_faulted.move_to_end(key)
            while len(self.last_faulted) > 50_000:
                self.last_faulted.popitem(last=False)
        return chosen

    # ------------------------------------------------------------------ introspection
    def introspect(
        self, method: str, path: str, query: dict[str, str], raw_body: bytes
    ) -> tuple[int, Any]:
        body = json.loads(raw_body) if raw_body else {}
        if path == "/__fake/stats" and method == "GET":
            return 200, self.stats()
        if path == "/__fake/ground_truth" and method == "GET":
            stream = query.get("stream") or ""
            try:
                return 200, self.ds.ground_truth(stream, parse_start(query.get("start_date")))
            except KeyError as exc:
                return 404, {"error": str(exc)}
        if path == "/__fake/mutate" and method == "POST":
            return 200, self.mutate(
                **{k: int(body.get(k, 0)) for k in ("contacts", "conversations", "companies")}
            )
        if path == "/__fake/control" and method == "POST":
            return 200, self.control(body)
        if path == "/__fake/control" and method == "GET":
            return 200, self.settings()
        return 404, {"error": f"no introspection endpoint {method} {path}"}

    # ------------------------------------------------------------------ paging helpers
    @staticmethod
    def per_page(
        query: dict[str, str] | dict[str, Any], default: int, key: str = "per_page"
    ) -> int:
        raw = query.get(key)
        if raw is None or raw == "":
            return default
        try:
            n = int(raw)
        except (TypeError, ValueError) as exc:
            raise HTTPError(400, "parameter_invalid", f"{key} must be an integer") from exc
        return max(1, min(MAX_PER_PAGE, n))

    @staticmethod
    def page_no(query: dict[str, str]) -> int:
        try:
            return max(1, int(query.get("page") or 1))
        except ValueError as exc:
            raise HTTPError(400, "parameter_invalid", "page must be an integer") from exc

    def paged(  # noqa: PLR0917
        self,
        items: list[Any],
        query: dict[str, str],
        default_pp: int,
        base: str,
        path: str,
        key: str = "data",
        list_type: str = "list",
        with_total: bool = True,
    ) -> dict[str, Any]:
        pp = self.per_page(query, default_pp)
        page = self.page_no(query)
        total = len(items)
        tp = total_pages(total, pp)
        chunk = items[(page - 1) * pp : page * pp]
        nxt = None
        if page < tp:
            q = dict(query)
            q["page"] = str(page + 1)
            q["per_page"] = str(pp)
            nxt = f"{base}{path}?{urlencode(q)}"
        out: dict[str, Any] = {
            "type": list_type,
            "pages": {
                "type": "pages",
                "page": page,
                "per_page": pp,
                "total_pages": tp,
                "next": nxt,
            },
        }
        if with_total:
            out["total_count"] = total
        out[key] = chunk
        return out

    def cursor_envelope(  # noqa: PLR0917
        self,
        resource: str,
        idxs: list[int],
        total: int,
        page: int,
        pp: int,
        nxt: str | None,
        build: Callable[[int], Any],
        key: str,
        list_type: str,
    ) -> dict[str, Any]:
        pages: dict[str, Any] = {
            "type": "pages",
            "page": page,
            "per_page": pp,
            "total_pages": max(page, total_pages(total, pp)),
        }
        if nxt:
            pages["next"] = {"page": page + 1, "starting_after": nxt}
        return {
            "type": list_type,
            key: [build(i) for i in idxs],
            "total_count": total,
            "pages": pages,
        }

    def do_search(  # noqa: PLR0917
        self,
        resource: str,
        body: Any,
        default_pp: int,
        default_sort: str,
        build: Callable[[int], Any],
        key: str,
        list_type: str,
    ) -> tuple[int, Any]:
        if not isinstance(body, dict):
            raise HTTPError(400, "parameter_invalid", "A JSON body with a query is required")
        if "query" not in body:
            raise HTTPError(400, "parameter_not_found", "query is a required parameter")
        pag = body.get("pagination") or {}
        if not isinstance(pag, dict):
            raise HTTPError(400, "parameter_invalid", "pagination must be an object")
        pp = self.per_page(pag, default_pp)
        sort = body.get("sort") or {}
        if not isinstance(sort, dict):
            raise HTTPError(400, "parameter_invalid", "sort must be an object")
        sfield = sort.get("field") or default_sort
        order = sort.get("order") or "ascending"
        if order not in ("ascending", "descending"):
            raise HTTPError(400, "parameter_invalid", "sort order must be ascending or descending")
        idxs, total, page, nxt = self.engine.page(
            resource,
            body["query"],
            sfield,
            order == "descending",
            pp,
            pag.get("starting_after"),
            self.workspace_timezone,
        )
        return 200, self.cursor_envelope(
            resource, idxs, total, page, pp, nxt, build, key, list_type
        )

    # ------------------------------------------------------------------ lookups
    def _contact_idx(self, cid: str) -> int:
        i = parse_hex_id(cid, CONTACT_BASE, self.ds.contacts.count)
        if i is None:
            raise HTTPError(404, "not_found", "User Not Found")
        return i

    def _company_idx(self, cid: str) -> int:
        i = parse_hex_id(cid, COMPANY_BASE, self.ds.companies.count)
        if i is None:
            raise HTTPError(404, "company_not_found", "Company Not Found")
        return i

    def segment_counts(self) -> dict[str, int]:
        if self._segment_counts is None:
            counts: Counter[str] = Counter()
            for i in range(self.ds.contacts.count):
                for s in self.ds.contact_segment_ids(i):
                    counts[s["id"]] += 1
            for i in range(self.ds.companies.count):
                for s in self.ds.company_segment_list(i):
                    counts[s["id"]] += 1
            self._segment_counts = dict(counts)
        return self._segment_counts

    # ------------------------------------------------------------------ endpoints
    def ep_me(self, **_: Any) -> tuple[int, Any]:
        a = self.ds.admins[0]
        return 200, {
            "type": "admin",
            "id": a["id"],
            "email": a["email"],
            "name": a["name"],
            "email_verified": True,
            "app": {
                "type": "app",
                "id_code": APP_ID,
                "name": "Fake Workspace ✨",
                "region": "US",
                "timezone": self.workspace_timezone,
                "created_at": 1420070400,
                "identity_verification": False,
            },
            "avatar": a["avatar"],
            "has_inbox_seat": a["has_inbox_seat"],
            "away_mode_enabled": a["away_mode_enabled"],
            "away_mode_reassign": a["away_mode_reassign"],
            "job_title": a["job_title"],
            "team_ids": a["team_ids"],
        }

    def ep_admins(self, **_: Any) -> tuple[int, Any]:
        return 200, {"type": "admin.list", "admins": self.ds.admins}

    def ep_admin(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        for a in self.ds.admins:
            if a["id"] == params["id"]:
                return 200, a
        raise HTTPError(404, "admin_not_found", "Admin not found")

    def ep_activity_logs(
        self, query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        after = query.get("created_at_after")
        if not after:
            raise HTTPError(
                404,
                "parameter_not_found",
                "Please provide the following parameters: created_at_after",
            )
        try:
            lo = int(float(after))
            hi = int(float(query["created_at_before"])) if query.get("created_at_before") else None
        except ValueError as exc:
            raise HTTPError(
                400, "parameter_invalid", "created_at_after must be a timestamp"
            ) from exc
        items = [
            a
            for a in self.ds.activity_logs
            if a["created_at"] >= lo and (hi is None or a["created_at"] <= hi)
        ]
        return 200, self.paged(
            items,
            query,
            20,
            base,
            path,
            key="activity_logs",
            list_type="activity_log.list",
            with_total=False,
        )

    def ep_teams(self, **_: Any) -> tuple[int, Any]:
        return 200, {"type": "team.list", "teams": self.ds.teams}

    def ep_team(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        for t in self.ds.teams:
            if t["id"] == params["id"]:
                return 200, t
        raise HTTPError(404, "team_not_found", "Team not found")

    def ep_tags(self, **_: Any) -> tuple[int, Any]:
        return 200, {"type": "list", "data": self.ds.tags}

    def ep_segments(self, query: dict[str, str], **_: Any) -> tuple[int, Any]:
        segs = (
            self.ds.company_segments if query.get("type") == "company" else self.ds.contact_segments
        )
        out = [dict(s) for s in segs]
        if query.get("include_count") == "true":
            counts = self.segment_counts()
            for s in out:
                s["count"] = counts.get(s["id"], 0)
        return 200, {"type": "segment.list", "segments": out, "pages": {}}

    def ep_companies_scroll(self, query: dict[str, str], **_: Any) -> tuple[int, Any]:
        param = query.get("scroll_param")
        now = time.time()
        with self.lock:
            sc = self.scroll
            if sc is not None and now - sc["last_used"] > self.scroll_idle_seconds:
                self.scroll = sc = None
            if not param:
                if self.scroll_hold_until > now or (sc is not None and not sc["done"]):
                    raise HTTPError(400, "scroll_exists", "scroll already exists for this app")
                self.scroll_counter += 1
                r = Random(f"{self.ds.seed}:scroll:{self.scroll_counter}")
                sc = self.scroll = {
                    "param": str(uuid.UUID(int=r.getrandbits(128), version=4)),
                    "pos": 0,
                    "pages": 0,
                    "last_used": now,
                    "done": False,
                }
                self.st_scrolls_opened += 1
            elif sc is None or sc["param"] != param or sc["done"]:
                raise HTTPError(404, "not_found", "scroll parameter not found")
            if (
                self.scroll_fail_after_pages is not None
                and sc["pages"] >= self.scroll_fail_after_pages
            ):
                self.scroll_fail_after_pages = None
                self.scroll = None
                raise HTTPError(
                    500,
                    "server_error",
                    "Request failed due to an internal network error. Please "
                    "restart the scroll operation.",
                )
            start = sc["pos"]
            end = min(self.ds.companies.count, start + self.scroll_page_size)
            sc["pos"] = end
            sc["pages"] += 1
            sc["last_used"] = now
            if end <= start:
                sc["done"] = True
            scroll_param = sc["param"]
        data = [self.ds.company(i) for i in range(start, end)]
        return 200, {
            "type": "list",
            "data": data,
            "pages": None,
            "total_count": None,
            "scroll_param": scroll_param,
        }

    def ep_companies(
        self, query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        ds = self.ds
        if query.get("company_id") or query.get("name"):
            want_cid, want_name = query.get("company_id"), query.get("name")
            if want_cid and want_cid.startswith("comp-") and want_cid[5:].isdigit():
                i = int(want_cid[5:])
                if i < ds.companies.count and not want_name:
                    return 200, ds.company(i)
            if want_name and ds.companies.count <= 50_000:
                for i in range(ds.companies.count):
                    c = ds.company(i)
                    if c["name"] == want_name and (not want_cid or c["company_id"] == want_cid):
                        return 200, c
            raise HTTPError(404, "company_not_found", "Company Not Found")
        pp = self.per_page(query, 15)
        page = self.page_no(query)
        if (page - 1) * pp >= COMPANY_PAGE_CAP:
            raise HTTPError(400, "bad_request", "page limit reached, please use scroll API")
        tag_id, seg_id = query.get("tag_id"), query.get("segment_id")
        if tag_id or seg_id:
            idxs = []
            for i in range(ds.companies.count):
                c = ds.company(i)
                if tag_id and tag_id not in {t["id"] for t in c["tags"]["tags"]}:
                    continue
                if seg_id and seg_id not in {s["id"] for s in c["segments"]["segments"]}:
                    continue
                idxs.append(i)
            total = len(idxs)
            chunk = idxs[(page - 1) * pp : page * pp]
        else:
            total = min(ds.companies.count, COMPANY_PAGE_CAP)
            chunk = list(range((page - 1) * pp, min(total, page * pp)))
        tp = total_pages(total, pp)
        nxt = None
        if page < tp:
            q = dict(query, page=str(page + 1), per_page=str(pp))
            nxt = f"{base}{path}?{urlencode(q)}"
        return 200, {
            "type": "list",
            "data": [ds.company(i) for i in chunk],
            "pages": {
                "type": "pages",
                "next": nxt,
                "page": page,
                "per_page": pp,
                "total_pages": tp,
            },
            "total_count": total,
        }

    def ep_companies_list_post(
        self, query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        ds = self.ds
        pp = self.per_page(query, 15)
        page = self.page_no(query)
        if (page - 1) * pp >= COMPANY_PAGE_CAP:
            raise HTTPError(400, "bad_request", "page limit reached, please use scroll API")
        desc = (query.get("order") or "desc") != "asc"
        with ds.lock:
            rows = [
                (c["last_request_at"] or 0, i)
                for i in range(ds.companies.count)
                if (c := ds.company(i))["user_count"] > 0
            ]
        rows.sort(reverse=desc)
        rows = rows[:COMPANY_PAGE_CAP]
        out = self.paged([i for _, i in rows], query, 15, base, path)
        out["data"] = [ds.company(i) for i in out["data"]]
        return 200, out

    def ep_company(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        return 200, self.ds.company(self._company_idx(params["id"]))

    def ep_company_segments(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        i = self._company_idx(params["id"])
        return 200, {"type": "list", "data": [dict(s) for s in self.ds.company_segment_list(i)]}

    def ep_contacts(self, query: dict[str, str], **_: Any) -> tuple[int, Any]:
        pp = self.per_page(query, 50)
        idxs, total, page, nxt = self.engine.page(
            "contacts",
            None,
            "id",
            False,
            pp,
            query.get("starting_after") or None,
            self.workspace_timezone,
        )
        return 200, self.cursor_envelope(
            "contacts", idxs, total, page, pp, nxt, self.ds.contact, "data", "list"
        )

    def ep_contacts_search(self, body: Any, **_: Any) -> tuple[int, Any]:
        return self.do_search("contacts", body, 50, "id", self.ds.contact, "data", "list")

    def ep_contact(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        return 200, self.ds.contact(self._contact_idx(params["id"]), full=True)

    def ep_contact_tags(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        i = self._contact_idx(params["id"])
        return 200, {"type": "list", "data": self.ds.contact_tags_full(i)}

    def ep_contact_companies(
        self, params: dict[str, str], query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        i = self._contact_idx(params["id"])
        out = self.paged(self.ds.contact_company_idx(i), query, 15, base, path)
        out["data"] = [self.ds.company(c) for c in out["data"]]
        return 200, out

    def ep_contact_segments(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        i = self._contact_idx(params["id"])
        return 200, {"type": "list", "data": [dict(s) for s in self.ds.contact_segment_ids(i)]}

    def ep_contact_notes(
        self, params: dict[str, str], query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        self._contact_idx(params["id"])
        return 200, self.paged([], query, 50, base, path)

    def ep_conversations(self, query: dict[str, str], **_: Any) -> tuple[int, Any]:
        pp = self.per_page(query, 20)
        idxs, total, page, nxt = self.engine.page(
            "conversations",
            None,
            "updated_at",
            True,
            pp,
            query.get("starting_after") or None,
            self.workspace_timezone,
        )
        return 200, self.cursor_envelope(
            "conversations",
            idxs,
            total,
            page,
            pp,
            nxt,
            self.ds.conversation,
            "conversations",
            "conversation.list",
        )

    def ep_conversations_search(self, body: Any, **_: Any) -> tuple[int, Any]:
        return self.do_search(
            "conversations",
            body,
            20,
            "id",
            self.ds.conversation,
            "conversations",
            "conversation.list",
        )

    def ep_conversation(
        self, params: dict[str, str], query: dict[str, str], **_: Any
    ) -> tuple[int, Any]:
        cid = params["id"]
        i = parse_num_id(cid, CONVERSATION_BASE, self.ds.conversations.count)
        if i is None or cid in self.ds.deleted_conversations:
            raise HTTPError(404, "not_found", "Resource Not Found")
        with self.ds.lock:
            rec = self.ds.conversation(
                i, with_parts=True, plain=query.get("display_as") == "plaintext"
            )
        return 200, rec

    def ep_data_attributes(self, query: dict[str, str], **_: Any) -> tuple[int, Any]:
        model = query.get("model")
        das = self.ds.data_attributes
        if model and model not in das:
            raise HTTPError(
                400, "parameter_invalid", "model must be one of contact, company, conversation"
            )
        items = (
            das[model]
            if model
            else [a for m in ("contact", "company", "conversation") for a in das[m]]
        )
        if query.get("include_archived") != "true":
            items = [a for a in items if not a["archived"]]
        return 200, {"type": "list", "data": items}

    def ep_articles(self, query: dict[str, str], base: str, path: str, **_: Any) -> tuple[int, Any]:
        return 200, self.paged(self.ds.articles, query, 15, base, path)

    def ep_article(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        for a in self.ds.articles:
            if a["id"] == params["id"]:
                n = int(a["id"]) % 1000
                return 200, dict(
                    a,
                    statistics={
                        "type": "article_statistics",
                        "views": n * 13,
                        "conversions": n % 7,
                        "reactions": n % 11,
                        "happy_reaction_percentage": 0.5,
                        "neutral_reaction_percentage": 0.25,
                        "sad_reaction_percentage": 0.25,
                    },
                )
        raise HTTPError(404, "not_found", "Resource Not Found")

    def ep_collections(
        self, query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        items = sorted(self.ds.collections, key=lambda c: (-c["updated_at"], c["id"]))
        return 200, self.paged(items, query, 15, base, path)

    def ep_collection(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        for c in self.ds.collections:
            if c["id"] == params["id"]:
                return 200, c
        raise HTTPError(404, "not_found", "Resource Not Found")

    def ep_help_centers(
        self, query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        return 200, self.paged(self.ds.help_centers, query, 15, base, path)

    def ep_help_center(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        for c in self.ds.help_centers:
            if c["id"] == params["id"]:
                return 200, c
        raise HTTPError(404, "not_found", "Resource Not Found")

    def ep_tickets_search(self, body: Any, **_: Any) -> tuple[int, Any]:
        return self.do_search("tickets", body, 20, "id", self.ds.ticket, "tickets", "ticket.list")

    def ep_ticket(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        i = parse_num_id(params["id"], TICKET_BASE, self.ds.tickets.count)
        if i is None:
            raise HTTPError(404, "ticket_not_found", "Ticket not found")
        return 200, self.ds.ticket(i, with_parts=True)


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

    def control(self, **settings: Any) -> dict[str, Any]:
        return self.app.control(settings)

    def reset_stats(self) -> None:
        self.app.reset_stats()
