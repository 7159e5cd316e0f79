"""Unit tests for tap_intercom.compiled_schema (issue reporting and nodes)."""

from __future__ import annotations

from typing import Any

from tap_intercom.coercions import INVALID, MISMATCH
from tap_intercom.compiled_schema import IssueReporter, Node, identity, reporting


def recording() -> tuple[list[tuple[str, str]], IssueReporter]:
    issues: list[tuple[str, str]] = []
    return issues, IssueReporter(lambda kind, path: issues.append((kind, path)))


def test_dropped_paths_are_reported_once_each() -> None:
    issues, reporter = recording()
    for path in ["a", "b", "a", "b", "a"]:
        reporter.report_dropped(path)
    assert issues == [("dropped", "a"), ("dropped", "b")]


def test_dropped_reports_stop_after_ten_thousand_distinct_paths() -> None:
    issues, reporter = recording()
    for i in range(10_005):
        reporter.report_dropped(f"map.k{i}")
    assert len(issues) == 10_000
    assert issues[-1] == ("dropped", "map.k9999")


def test_other_issues_are_reported_every_time() -> None:
    issues, reporter = recording()
    reporter.report("mismatch", "v")
    reporter.report("mismatch", "v")
    assert issues == [("mismatch", "v"), ("mismatch", "v")]


def test_nothing_is_reported_while_muted() -> None:
    issues, reporter = recording()
    reporter.muted += 1
    reporter.report("invalid", "v")
    reporter.report_dropped("x")
    reporter.muted -= 1
    reporter.report_dropped("x")  # not remembered while muted, so reported now
    assert issues == [("dropped", "x")]


def test_no_callback_is_silent() -> None:
    reporter = IssueReporter(None)
    reporter.report("mismatch", "v")
    reporter.report_dropped("x")
    assert reporter.dropped_seen == set()


def test_reporting_turns_failures_into_none_and_reports_them() -> None:
    issues, reporter = recording()
    outcomes: dict[str, Any] = {"m": MISMATCH, "i": INVALID, "ok": 5}
    conform = reporting(Node("p", outcomes.__getitem__), reporter)
    assert [conform("m"), conform("i"), conform("ok")] == [None, None, 5]
    assert issues == [("mismatch", "p"), ("invalid", "p")]


def test_passthrough_node_needs_no_call() -> None:
    _, reporter = recording()
    assert Node("p", identity).passthrough
    assert reporting(Node("p", identity), reporter) is identity
    assert not Node("p", lambda value: value).passthrough
