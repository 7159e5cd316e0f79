"""How long to wait before retrying a failed request (used by the SDK's backoff hooks).

A 429 waits until Intercom's `X-RateLimit-Reset` (the window's end); `scroll_exists` waits for
another client's scroll lock, which Intercom releases at most a minute after its last use;
anything else backs off exponentially from 1 s. Every wait is capped at `max_retry_wait`.
A host name that does not resolve is not retried at all (`without_dns_retries`): a reset or
refused connection may pass, a DNS failure for the configured host does not within minutes.
"""

from __future__ import annotations

import functools
import socket
import time
import typing as t
from http import HTTPStatus
from urllib.parse import urlsplit

import requests

from tap_intercom.errors import ScrollExistsError, UnresolvedHostError

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


def unresolved_host(exc: BaseException) -> str | None:
    """The host whose name did not resolve, when that is why `exc` (a requests
    ConnectionError) happened: a `socket.gaierror` in its chain (urllib3 reports it as a
    `NameResolutionError` caused by one). None for any other failure."""
    if not isinstance(exc, requests.exceptions.ConnectionError):
        return None
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        error = pending.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, socket.gaierror):
            request = getattr(exc, "request", None)
            url = getattr(request, "url", None) or ""
            return urlsplit(url).hostname or "the API host"
        linked = (error.__cause__, error.__context__, getattr(error, "reason", None), *error.args)
        pending.extend(item for item in linked if isinstance(item, BaseException))
    return None


def without_dns_retries(send: Callable[..., t.Any]) -> Callable[..., t.Any]:
    """`send`, raising UnresolvedHostError (which no retry decorator catches) instead of the
    ConnectionError of a DNS failure."""

    @functools.wraps(send)
    def send_or_fail(*args: t.Any, **kwargs: t.Any) -> t.Any:
        try:
            return send(*args, **kwargs)
        except requests.exceptions.ConnectionError as exc:
            host = unresolved_host(exc)
            if host is None:
                raise
            msg = (
                f"cannot resolve the API host {host!r} (DNS lookup failed); check `api_url` "
                "or `region`, and the network"
            )
            raise UnresolvedHostError(msg) from None

    return send_or_fail
