"""One rate governor for every request of a run, driven by Intercom's rate-limit headers.

Intercom enforces its per-minute quota in fixed 10-second windows and reports, on every
response, `X-RateLimit-Limit` (requests allowed in the window), `X-RateLimit-Remaining` and
`X-RateLimit-Reset` (epoch seconds when the window resets). The governor admits a request
only while the window has room for it *counting requests already in flight*, so concurrent
workers do not overshoot the window and cause 429 storms; when the window is spent it waits
for the reset. `max_requests_per_minute` additionally caps this tap's own rate, leaving the
rest of the workspace's quota to other integrations.
"""

from __future__ import annotations

import threading
import time
import typing as t
from collections.abc import Callable, Mapping

WINDOW_SECONDS = 10.0


class GovernorClosedError(Exception):
    """The run is stopping (another stream failed): no more requests are admitted."""


#: Margin added after a reset time, for clock skew between us and Intercom.
RESET_MARGIN_SECONDS = 0.05


def own_cap_windows(max_requests_per_minute: float | None) -> tuple[float, int | None]:
    """(window length in seconds, requests per window) for the tap's own cap, never above
    `max_requests_per_minute` (any positive number, fractional too): 10-second windows of
    `floor(rate / 6)` requests, or below 6 a minute one request per `60 / rate` seconds.
    No cap: (10, None)."""
    if not max_requests_per_minute or max_requests_per_minute <= 0:
        return WINDOW_SECONDS, None
    rate = float(max_requests_per_minute)
    per_window = int(rate * WINDOW_SECONDS / 60.0)
    if per_window >= 1:
        return WINDOW_SECONDS, per_window
    return 60.0 / rate, 1


class RateLimitGovernor:
    """Thread-safe admission control for HTTP requests (see module docstring)."""

    def __init__(
        self,
        max_requests_per_minute: float | None = None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], t.Any] | None = None,
    ) -> None:
        self._clock = clock
        #: Set by `close`; the default sleep waits on it, so closing wakes waiting requests.
        self._closed_event = threading.Event()
        self._sleep = sleep if sleep is not None else self._closed_event.wait
        self._lock = threading.Lock()
        self._own_window_seconds, self._own_cap = own_cap_windows(max_requests_per_minute)
        self._own_window = -1
        self._own_count = 0
        self._remaining: int | None = None
        self._reset_at: float | None = None
        self._in_flight = 0
        self._closed = False

    def _delay(self, now: float) -> float:
        """Seconds to wait before a request may start (0 = go). Caller holds the lock."""
        if self._own_cap is not None:
            size = self._own_window_seconds
            window = int(now // size)
            if window != self._own_window:
                self._own_window, self._own_count = window, 0
            if self._own_count >= self._own_cap:
                return (window + 1) * size - now + RESET_MARGIN_SECONDS
        if self._remaining is not None and self._reset_at is not None:
            if now >= self._reset_at:
                self._remaining = None  # a new window; the next response tells its size
            elif self._remaining - self._in_flight <= 0:
                return self._reset_at - now + RESET_MARGIN_SECONDS
        return 0.0

    def acquire(self) -> None:
        """Block until a request may be sent, then count it as in flight."""
        while True:
            with self._lock:
                if self._closed:
                    msg = "the run is stopping; request not sent"
                    raise GovernorClosedError(msg)
                now = self._clock()
                delay = self._delay(now)
                if delay <= 0:
                    self._in_flight += 1
                    if self._own_cap is not None:
                        self._own_count += 1
                    return
            self._sleep(delay)

    def close(self) -> None:
        """Admit no more requests: the ones waiting or arriving raise GovernorClosedError."""
        with self._lock:
            self._closed = True
        self._closed_event.set()

    def release(self, headers: Mapping[str, str] | None) -> None:
        """Count a request as finished and learn the window's state from its headers."""
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)
            if not headers:
                return
            remaining = _as_int(headers.get("X-RateLimit-Remaining"))
            reset = _as_float(headers.get("X-RateLimit-Reset"))
            if remaining is None or reset is None:
                return
            if self._reset_at is None or reset > self._reset_at:
                self._reset_at, self._remaining = reset, remaining
            elif reset == self._reset_at:
                # Responses of one window can arrive out of order: the lowest count is newest
                # (also when it is 0: a late, higher count must not reopen a spent window).
                self._remaining = (
                    remaining if self._remaining is None else min(remaining, self._remaining)
                )

    def snapshot(self) -> dict[str, t.Any]:
        with self._lock:
            return {
                "remaining": self._remaining,
                "reset_at": self._reset_at,
                "in_flight": self._in_flight,
            }


def _as_int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _as_float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
