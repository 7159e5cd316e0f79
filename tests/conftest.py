"""Shared pytest fixtures ``fake_intercom`` and ``make_fake`` (``fake_intercom/fixtures.py``)."""

from __future__ import annotations

from fake_intercom.fixtures import fake_intercom, make_fake

__all__ = ["fake_intercom", "make_fake"]
