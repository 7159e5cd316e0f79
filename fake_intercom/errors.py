"""The exception an endpoint raises to answer with an Intercom ``error.list`` body."""

from __future__ import annotations


class HTTPError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
