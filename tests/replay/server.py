"""A small HTTP server on 127.0.0.1 that serves one `Workspace` of real bodies to the tap.

It answers every endpoint the tap calls, each with all of the workspace's objects for it on one
page, in Intercom's envelope for that endpoint. It ignores search queries (the tap filters what
is older than its bound itself) but honours the activity-log window parameters, which decide
which window a log is read in. A request it has no answer for is a 404 and is remembered
(`unexpected`), so a test can tell.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tap_intercom.api_versions import ApiVersion, conversation_attributes_endpoint

from .corpus import Workspace

TOKEN = "test-token"
ONE_PAGE = {"type": "pages", "page": 1, "per_page": 150, "total_pages": 1, "next": None}


def _listing(list_type: str, key: str, items: list[dict]) -> dict[str, Any]:
    return {"type": list_type, key: items, "total_count": len(items), "pages": ONE_PAGE}


def _not_found() -> tuple[int, dict[str, Any]]:
    error = {"code": "not_found", "message": "Resource Not Found"}
    return 404, {"type": "error.list", "request_id": None, "errors": [error]}


class ReplayServer:
    """Serves `space` on 127.0.0.1 (see the module docstring); a context manager."""

    def __init__(self, space: Workspace) -> None:
        self.space = space
        self.requests: Counter[str] = Counter()
        self.unexpected: list[str] = []
        self._lock = threading.Lock()
        version = ApiVersion.parse(space.version)
        assert version is not None
        self._own_attributes_endpoint = conversation_attributes_endpoint(version)
        self._by_id = {
            name: {str(obj.get("id")): obj for obj in space.objects(name)}
            for name in ("admins", "conversations", "tickets")
        }
        self._tag_lists = {
            entry["carrier"]["tags"]["url"]: entry["tags"]
            for entry in space.objects("tag_carriers")
        }
        self._logs = sorted(space.objects("activity_logs"), key=lambda log: log["created_at"])
        self._server: ThreadingHTTPServer | None = None
        self.base_url = ""

    # --- answers --------------------------------------------------------------------------

    def answer(self, method: str, path: str, query: dict[str, str]) -> tuple[int, Any]:
        """(status, body) of one request; the routes the tap uses, else a remembered 404."""
        space = self.space
        simple = {
            ("GET", "/admins"): lambda: {"type": "admin.list", "admins": space.objects("admins")},
            ("GET", "/teams"): lambda: {"type": "team.list", "teams": space.objects("teams")},
            ("GET", "/tags"): lambda: {"type": "list", "data": space.objects("tags")},
            ("GET", "/segments"): lambda: {
                "type": "segment.list",
                "segments": space.objects("segments"),
                "pages": {},
            },
            ("GET", "/companies/scroll"): lambda: self._scroll(query),
            ("POST", "/contacts/search"): lambda: _listing(
                "list", "data", space.objects("contacts")
            ),
            ("POST", "/conversations/search"): lambda: _listing(
                "conversation.list", "conversations", self._conversation_results()
            ),
            ("POST", "/tickets/search"): lambda: _listing(
                "ticket.list", "tickets", space.objects("tickets")
            ),
            ("GET", "/articles"): lambda: _listing("list", "data", space.objects("articles")),
            ("GET", "/help_center/collections"): lambda: _listing(
                "list", "data", space.objects("collections")
            ),
            ("GET", "/help_center/help_centers"): lambda: _listing(
                "list", "data", space.objects("help_centers")
            ),
            ("GET", "/admins/activity_logs"): lambda: self._activity_logs(query),
            ("GET", "/ticket_types"): lambda: {
                "type": "list",
                "data": space.objects("ticket_types"),
            },
            ("GET", "/ticket_states"): lambda: {
                "type": "list",
                "data": space.objects("ticket_states"),
            },
        }
        route = simple.get((method, path))
        if route is not None:
            return 200, route()
        if method == "GET" and path == "/data_attributes":
            return self._data_attributes(query)
        if (
            method == "GET"
            and path == "/conversations/attributes"
            and self._own_attributes_endpoint
        ):
            return 200, {"type": "list", "data": space.objects("conversation_attributes")}
        return self._by_path(method, path)

    def _by_path(self, method: str, path: str) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if method == "GET" and len(parts) == 2 and parts[0] in self._by_id:
            found = self._by_id[parts[0]].get(parts[1])
            if found is not None:
                return 200, found
        if method == "GET" and path in self._tag_lists:
            return 200, {"type": "list", "data": self._tag_lists[path]}
        if (
            method == "GET"
            and len(parts) == 3
            and parts[0] == "companies"
            and parts[2] == "segments"
        ):
            lists = self.space.objects("company_segment_lists")
            return 200, lists[0] if lists else {"type": "list", "data": []}
        with self._lock:
            self.unexpected.append(f"{method} {path}")
        return _not_found()

    def _scroll(self, query: dict[str, str]) -> dict[str, Any]:
        data = [] if query.get("scroll_param") else self.space.objects("companies")
        return {
            "type": "list",
            "data": data,
            "pages": None,
            "total_count": None,
            "scroll_param": "replay-scroll",
        }

    def _conversation_results(self) -> list[dict]:
        """Search results never carry parts (only a conversation's detail does)."""
        return [
            {k: v for k, v in conversation.items() if k != "conversation_parts"}
            for conversation in self.space.objects("conversations")
        ]

    def _activity_logs(self, query: dict[str, str]) -> dict[str, Any]:
        after = int(query["created_at_after"])
        before = int(query.get("created_at_before") or 2**62)
        logs = [log for log in self._logs if after <= log["created_at"] <= before]
        return {"type": "activity_log.list", "activity_logs": logs, "pages": ONE_PAGE}

    def _data_attributes(self, query: dict[str, str]) -> tuple[int, Any]:
        model = query.get("model")
        if model == "conversation" and self._own_attributes_endpoint:
            with self._lock:
                self.unexpected.append("GET /data_attributes?model=conversation")
            error = {"code": "parameter_invalid", "message": "model=conversation is no longer"}
            return 422, {"type": "error.list", "request_id": None, "errors": [error]}
        rows = [row for row in self.space.objects("data_attributes") if row.get("model") == model]
        return 200, {"type": "list", "data": rows}

    # --- HTTP -----------------------------------------------------------------------------

    def start(self) -> ReplayServer:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _serve(self, method: str) -> None:
                split = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(split.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                with replay._lock:
                    replay.requests[f"{method} {split.path}"] += 1
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    status, body = 401, {"type": "error.list", "errors": [{"code": "unauthorized"}]}
                else:
                    status, body = replay.answer(method, split.path, query)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("X-RateLimit-Limit", "1000000")
                self.send_header("X-RateLimit-Remaining", "1000000")
                self.send_header("X-RateLimit-Reset", str(int(time.time()) + 10))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
