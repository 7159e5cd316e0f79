"""The fake's tests use the same fixtures as the tap's (see ``fake_intercom/fixtures.py``)."""

from __future__ import annotations

from fake_intercom.fixtures import fake_intercom, make_fake

__all__ = ["fake_intercom", "make_fake"]
