"""Building blocks of a compiled conformer: the compiled form of a schema, issue reporting.

:mod:`tap_intercom.conformer` walks a schema once and builds one :class:`Node` per
subschema; this module holds what every node kind shares.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tap_intercom.coercions import INVALID, MISMATCH

__all__ = ["IssueCallback", "IssueReporter", "Node", "identity", "reporting"]

#: ``on_issue(kind, path)``; see :func:`tap_intercom.conformer.compile_conformer`.
IssueCallback = Callable[[str, str], None]

_MAX_DROPPED_REPORTS = 10_000
_EMPTY: frozenset[type] = frozenset()


def identity(value: Any) -> Any:
    """The ``attempt`` of a node that passes every value through (see ``Node.passthrough``)."""
    return value


class IssueReporter:
    """Forwards issues to the caller's callback: dropped paths once each, others always;
    nothing while an ``anyOf`` is probing its branches (``muted`` > 0)."""

    __slots__ = ("dropped_seen", "muted", "on_issue")

    def __init__(self, on_issue: IssueCallback | None) -> None:
        self.on_issue = on_issue
        self.dropped_seen: set[str] = set()
        self.muted = 0

    def report(self, kind: str, path: str) -> None:
        if self.on_issue is not None and not self.muted:
            self.on_issue(kind, path)

    def report_dropped(self, path: str) -> None:
        on_issue = self.on_issue
        seen = self.dropped_seen
        if on_issue is None or self.muted or path in seen or len(seen) >= _MAX_DROPPED_REPORTS:
            return
        seen.add(path)
        on_issue("dropped", path)


class Node:
    """One compiled schema.

    ``attempt(value)`` returns the conformed value or a failure sentinel (MISMATCH /
    INVALID); issues inside nested values are reported by their own nodes. ``fast``: Python
    types returned unchanged (exact ``type()`` match), so callers may skip the call.
    ``json_types``: JSON type names the schema takes, None for anything. ``direct``: for
    values of exactly ``direct_type``, what ``reporting(node)`` returns for them, without its
    failure check and type dispatch: containers call it for their values of that type. The
    conformer sets it where such values can be handled so (an object or array that is always
    conformed, never a failure; the epoch seconds of a date-time).
    """

    __slots__ = ("attempt", "direct", "direct_type", "fast", "json_types", "nullable", "path")

    def __init__(
        self,
        path: str,
        attempt: Callable[[Any], Any],
        *,
        fast: frozenset[type] = _EMPTY,
        json_types: frozenset[str] | None = None,
        nullable: bool = True,
    ) -> None:
        self.path = path
        self.attempt = attempt
        self.fast = fast
        self.json_types = json_types
        self.nullable = nullable
        self.direct_type: type | None = None
        self.direct: Callable[[Any], Any] | None = None

    @property
    def passthrough(self) -> bool:
        return self.attempt is identity


def reporting(node: Node, reporter: IssueReporter) -> Callable[[Any], Any]:
    """``conform(value)`` for a node: a failure is reported and becomes None."""
    if node.passthrough:
        return identity
    attempt = node.attempt
    path = node.path
    report = reporter.report

    def conform(value: Any) -> Any:
        result = attempt(value)
        if result is MISMATCH:
            report("mismatch", path)
            return None
        if result is INVALID:
            report("invalid", path)
            return None
        return result

    return conform
