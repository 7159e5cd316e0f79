"""Introspection, ``/__fake/*`` (no auth, not rate-limited, not counted): stats, settings, control,
mutation and ground truth; ``FakeIntercom``'s Python methods mirror these endpoints."""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from datetime import datetime, timezone
from random import Random
from typing import Any

from .data import Dataset
from .faults import parse_faults
from .search_lag import parse_search_lag


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


class Introspection:
    """``App`` mixin: the counters behind ``stats()`` and the settings ``control()`` changes."""

    ds: Dataset
    lock: threading.RLock
    in_flight: int
    latency_ms: float
    rate_limit: int | None
    windows: dict[str, tuple[int, int]]
    fault_spec: str
    fault_rates: dict[str, float]
    slow_seconds: float
    fault_rng: Random
    last_faulted: OrderedDict[str, bool]
    forbidden: list[str]
    broken: list[str]
    scroll_hold_until: float
    scroll_fail_after_pages: int | None
    scroll_page_size: int
    scroll_idle_seconds: float
    workspace_timezone: str
    mutate_every: int | None
    search_lag: tuple[float, float] | None

    def search_lag_setting(self) -> dict[str, float] | None:
        raise NotImplementedError

    def search_delay(self) -> Callable[[str, int, int], float] | None:
        raise NotImplementedError

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
            "search_lag": self.search_lag_setting(),
        }

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
                elif k == "search_lag":
                    self.search_lag = parse_search_lag(v)
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
        out = self.ds.mutate(
            contacts=contacts,
            conversations=conversations,
            companies=companies,
            wall_clock=self.search_lag is not None,
            search_delay=self.search_delay(),
        )
        with self.lock:
            self.st_mutations += 1
        return out

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
        if path == "/__fake/delete" and method == "POST":
            return 200, self.ds.delete(**{str(k): int(v) for k, v in body.items()})
        if path == "/__fake/unlink" and method == "POST":
            return 200, self.ds.unlink(**{str(k): int(v) for k, v in body.items()})
        if path == "/__fake/deleted" and method == "GET":
            return 200, {
                "stream": query.get("stream"),
                "ids": self.ds.deleted_keys(query.get("stream") or ""),
            }
        if path == "/__fake/control" and method == "POST":
            return 200, self.control(body)
        if path == "/__fake/control" and method == "GET":
            return 200, self.settings()
        return 404, {"error": f"no introspection endpoint {method} {path}"}
