"""tap_intercom.retry: how long to wait before a retry (429 reset, scroll lock, exponential)."""

from __future__ import annotations

import pytest
import requests
from singer_sdk.exceptions import RetriableAPIError

from tap_intercom.errors import ScrollExistsError
from tap_intercom.retry import (
    MIN_RATE_LIMIT_WAIT,
    SCROLL_EXISTS_WAIT_SECONDS,
    retry_wait,
    wait_generator,
)

NOW = 1_000_000.0


def clock() -> float:
    return NOW


def failure(status: int, headers: dict[str, str] | None = None) -> RetriableAPIError:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers or {})
    return RetriableAPIError(f"HTTP {status}", response)


def test_a_429_waits_until_the_rate_limit_window_resets():
    exc = failure(429, {"X-RateLimit-Reset": str(int(NOW) + 7)})
    assert retry_wait(exc, 1, 60, clock) == pytest.approx(7 + MIN_RATE_LIMIT_WAIT)
    assert retry_wait(exc, 5, 60, clock) == pytest.approx(7 + MIN_RATE_LIMIT_WAIT)  # not 16


def test_a_429_waits_at_most_max_retry_wait_and_at_least_a_moment():
    assert retry_wait(failure(429, {"X-RateLimit-Reset": str(NOW + 600)}), 1, 60, clock) == 60
    past = failure(429, {"X-RateLimit-Reset": str(NOW - 30)})  # clock skew
    assert retry_wait(past, 1, 60, clock) == MIN_RATE_LIMIT_WAIT


@pytest.mark.parametrize("headers", [{}, {"X-RateLimit-Reset": ""}, {"X-RateLimit-Reset": "soon"}])
def test_a_429_without_a_usable_reset_backs_off_exponentially(headers):
    exc = failure(429, headers)
    assert retry_wait(exc, 1, 60, clock) == 1
    assert retry_wait(exc, 3, 60, clock) == 4


def test_scroll_exists_waits_for_the_lock_capped():
    exc = ScrollExistsError("scroll_exists", failure(400).response)
    assert retry_wait(exc, 1, 60, clock) == SCROLL_EXISTS_WAIT_SECONDS
    assert retry_wait(exc, 4, 60, clock) == SCROLL_EXISTS_WAIT_SECONDS
    assert retry_wait(exc, 1, 2, clock) == 2


@pytest.mark.parametrize("exc", [failure(500), failure(503), requests.ConnectionError(), None])
def test_anything_else_doubles_from_one_second_up_to_the_cap(exc):
    waits = [retry_wait(exc, attempt, 10, clock) for attempt in range(1, 7)]
    assert waits == [1, 2, 4, 8, 10, 10]


def test_the_wait_generator_hands_each_failure_to_retry_wait():
    waits = wait_generator(60)
    assert next(waits) == 0.0  # primed by backoff
    assert waits.send(failure(500)) == 1
    assert waits.send(failure(500)) == 2
    exc = failure(429, {"X-RateLimit-Reset": "4102444800"})  # 2100: capped
    assert waits.send(exc) == 60
