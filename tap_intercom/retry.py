"""How long to wait before retrying a failed request (used by the SDK's backoff hooks).

A 429 waits until Intercom's `X-RateLimit-Reset` (the window's end); `scroll_exists` waits for
another client's scroll lock, which Intercom releases at most a minute after its last use;
anything else backs off exponentially from 1 s. Every wait is capped at `max_retry_wait`.
"""

from __future__ import annotations

import time
import typing as t
from http import HTTPStatus

from tap_intercom.errors import ScrollExistsError

if t.TYPE_CHECKING:
    from collections.abc import Callable, Generator

#: Wait between two tries to open a scroll while another client holds the lock.
SCROLL_EXISTS_WAIT_SECONDS = 15.0
#: Waiting for a rate-limit window never goes below this (clock skew).
MIN_RATE_LIMIT_WAIT = 0.25


def retry_wait(
    exc: BaseException | None,
    attempt: int,
    max_wait: float,
    clock: Callable[[], float] = time.time,
) -> float:
    """Seconds to wait before try `attempt` + 1 after `exc`."""
    exponential = min(max_wait, float(2 ** (attempt - 1)))
    if isinstance(exc, ScrollExistsError):
        return min(max_wait, SCROLL_EXISTS_WAIT_SECONDS)
    response = getattr(exc, "response", None)
    if response is not None and response.status_code == HTTPStatus.TOO_MANY_REQUESTS:
        reset = response.headers.get("X-RateLimit-Reset")
        try:
            wait = float(reset) - clock() + MIN_RATE_LIMIT_WAIT if reset else exponential
        except ValueError:
            wait = exponential
        return min(max_wait, max(MIN_RATE_LIMIT_WAIT, wait))
    return exponential


def wait_generator(max_wait: float) -> Generator[float, t.Any, None]:
    """A backoff wait generator: the exception of each failure comes in through `send`."""
    attempt = 0
    exc = yield 0.0  # primed by backoff; the first real value follows the first failure
    while True:
        attempt += 1
        exc = yield retry_wait(exc, attempt, max_wait)
