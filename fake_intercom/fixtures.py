"""The pytest fixtures of the fake Intercom API, shared by the tap's tests and the fake's own.

- ``fake_intercom``: one session-wide server (scale small, seed 1, no faults). Do not change its
  settings from a test; use ``make_fake`` for anything stateful.
- ``make_fake(**kwargs)``: factory for extra started ``FakeIntercom`` servers, stopped at teardown.

A ``conftest.py`` imports both names to make them available to its directory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from .server import FakeIntercom


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
