"""Admin activity logs: GET /admins/activity_logs in 30-day `created_at` windows."""

from __future__ import annotations

import typing as t

import pendulum

from tap_intercom.client import IntercomStream
from tap_intercom.dates import datetime_to_epoch, parse_datetime

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
    primary_keys: t.ClassVar[list[str]] = ["id"]
    replication_key = "created_at"
    client_side_filter = True
    records_jsonpath = "$.activity_logs[*]"

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._window: tuple[int, int] | None = None

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        if self._window is None:  # pragma: no cover - only called from get_records
            msg = "activity_logs: no window set"
            raise RuntimeError(msg)
        lo, hi = self._window
        return {"created_at_after": lo - 1, "created_at_before": hi + 1}

    def get_records(self, context: Context | None) -> Iterable[dict]:
        start = datetime_to_epoch(parse_datetime(self.start_bound(context)))
        end = int(pendulum.now("UTC").int_timestamp)
        skipped = self._tap.run_stats.skipped_streams  # type: ignore[attr-defined]
        for lo, hi in windows(start, max(start, end)):
            last = hi >= end
            self._window = (lo, hi)
            for record in super().get_records(context):
                if not in_window(record.get("created_at"), lo, hi, last=last):
                    continue
                yield record
            if self.name in skipped:  # 403: skipped with a warning, no more windows
                return
        self._window = None
