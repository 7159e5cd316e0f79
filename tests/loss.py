"""Kept only for `tests/test_parallel_streams.py` until it imports `tests.oracle` directly."""

from __future__ import annotations

from tests.oracle import missing, unexpected

__all__ = ["missing", "unexpected"]
