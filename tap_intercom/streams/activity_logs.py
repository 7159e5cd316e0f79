"""Admin activity logs: GET /admins/activity_logs in 30-day `created_at` windows."""

from __future__ import annotations

import typing as t

import pendulum

from tap_intercom.client import IntercomStream

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from singer_sdk.helpers.types import Context

#: Length of one request window (Airbyte's step).
WINDOW_SECONDS = 30 * 24 * 3600


def windows(start: int, end: int, size: int = WINDOW_SECONDS) -> Iterator[tuple[int, int]]:
    """Half-open windows [lo, hi) covering [start, end]; the last one ends at `end`."""
    lo = start
    while True:
        hi = min(lo + size, end)
        yield lo, hi
        if hi >= end:
            return
        lo = hi


def in_window(created: t.Any, lo: int, hi: int, *, last: bool) -> bool:
    """Whether a raw `created_at` belongs to window [lo, hi) (the last window: [lo, ∞)).

    A value that is not an epoch integer is kept (the schema conformer reports it).
    """
    if not isinstance(created, int) or isinstance(created, bool):
        return True
    return lo <= created and (last or created < hi)


class ActivityLogsStream(IntercomStream):
    """Every admin activity from the bookmark (or start_date) to now, window by window.

    `created_at_after` is required by the API; whether the bounds are inclusive is not
    documented, so each request asks for one second more on both sides and the records are
    assigned to exactly one window here ([lo, hi), the last window [lo, now]). Each window
    follows `pages.next` in any shape. The order inside a window is undocumented, so the
    stream is unsorted: the bookmark is the largest `created_at` seen, written at the end and
    capped at the sync's start time.
    """

    name = "activity_logs"
    path = "/admins/activity_logs"
    replication_key = "created_at"
    client_side_filter = True
    #: One bookmark for the stream, whatever the window (windows are request parameters).
    state_partitioning_keys: t.ClassVar[list[str]] = []
    records_jsonpath = "$.activity_logs[*]"

    @property
    def partitions(self) -> list[dict]:
        """One partition per window ([lo, hi), the last one open-ended): the SDK syncs them
        in order, each with its own request parameters."""
        start = self.lower_bound
        end = int(pendulum.now("UTC").int_timestamp)
        return [
            {"window_start": lo, "window_end": hi, "last": hi >= end}
            for lo, hi in windows(start, max(start, end))
        ]

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        window = context or {}
        return {
            "created_at_after": window["window_start"] - 1,
            "created_at_before": window["window_end"] + 1,
        }

    def get_records(self, context: Context | None) -> Iterable[dict]:
        if self.name in self.run.stats.skipped_streams:  # 403: skipped, no more windows
            return
        window = context or {}
        for record in super().get_records(context):
            lo, hi = window["window_start"], window["window_end"]
            if in_window(record.get("created_at"), lo, hi, last=window["last"]):
                yield record
