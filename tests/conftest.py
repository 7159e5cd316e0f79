"""Shared pytest fixtures.

Fake Intercom API fixtures:
- ``fake_intercom``: one session-wide server (scale small, seed 1, no faults). Do not change its
  settings from a test; use ``make_fake`` for anything stateful.
- ``make_fake(**kwargs)``: factory for extra started ``FakeIntercom`` servers, stopped at teardown.

The SDK's standard tests need their fake before collection (`tests/sdk_suite.py`): it is started
in ``pytest_configure`` and stopped in ``pytest_unconfigure``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests import sdk_suite
from tests.fake_intercom import FakeIntercom


def pytest_configure(config: pytest.Config) -> None:
    sdk_suite.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    sdk_suite.stop()


@pytest.fixture(scope="session")
def fake_intercom() -> Iterator[FakeIntercom]:
    with FakeIntercom(scale="small", seed=1) as fake:
        yield fake


@pytest.fixture
def make_fake() -> Iterator[Callable[..., FakeIntercom]]:
    started: list[FakeIntercom] = []

    def factory(**kwargs: object) -> FakeIntercom:
        fake = FakeIntercom(**kwargs).start()  # type: ignore[arg-type]
        started.append(fake)
        return fake

    yield factory
    for fake in started:
        fake.stop()
