"""The exception an endpoint raises to answer with an Intercom ``error.list`` body."""

from __future__ import annotations


class HTTPError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        #: Extra response headers (e.g. a 410's ``Link`` to a merged contact's survivor).
        self.headers = headers or {}
