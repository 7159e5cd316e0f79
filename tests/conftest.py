"""Shared pytest fixtures ``fake_intercom`` and ``make_fake`` (``fake_intercom/fixtures.py``).

- ``fake_intercom``: one session-wide server (scale small, seed 1, no faults). Do not change its
  settings from a test; use ``make_fake`` for anything stateful.
- ``make_fake(**kwargs)``: factory for extra started ``FakeIntercom`` servers, stopped at teardown.

The SDK's standard tests need their fake before collection (`tests/sdk_suite.py`): it is started
in ``pytest_configure`` and stopped in ``pytest_unconfigure``.
"""

from __future__ import annotations

import pytest

from fake_intercom.fixtures import fake_intercom, make_fake
from tests import sdk_suite

__all__ = ["fake_intercom", "make_fake"]


def pytest_configure(config: pytest.Config) -> None:
    sdk_suite.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    sdk_suite.stop()
