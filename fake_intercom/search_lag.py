"""Search-index lag: a change becomes searchable some random seconds after it is written.

Intercom's search is an index that lags behind writes, per record and not in order ("This
delay can take a few minutes"). While ``search_lag={"min_s": a, "max_s": b}`` is set, every
change (``mutate``) gets its own time at which search sees it: its write time plus a delay
drawn uniformly from [a, b] (seeded by the record and its version, so a run is reproducible).
Search results leave out a record whose latest change is not searchable yet; direct ``GET``s
and lists are immediate. A seeded record's change is its ``updated_at``, long past, so it is
always searchable. Changing the setting affects later changes only. Off by default.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from random import Random
from typing import Any

from fake_intercom.data import Dataset


def parse_search_lag(value: Any) -> tuple[float, float] | None:
    """``{"min_s": a, "max_s": b}`` (seconds, 0 <= a <= b) or None/{} for no lag."""
    if not value:
        return None
    if not isinstance(value, dict) or set(value) - {"min_s", "max_s"}:
        msg = 'search_lag must be {"min_s": seconds, "max_s": seconds}'
        raise ValueError(msg)
    low, high = float(value.get("min_s", 0)), float(value.get("max_s", 0))
    if not 0 <= low <= high:
        msg = "search_lag needs 0 <= min_s <= max_s"
        raise ValueError(msg)
    return low, high


class SearchLag:
    """``App`` mixin: the delay of each change, and which records a search leaves out now."""

    ds: Dataset
    search_lag: tuple[float, float] | None

    def search_lag_setting(self) -> dict[str, float] | None:
        if self.search_lag is None:
            return None
        return {"min_s": self.search_lag[0], "max_s": self.search_lag[1]}

    def search_delay(self) -> Callable[[str, int, int], float] | None:
        """The delay of one change (resource, index, version), or None when nothing lags."""
        if self.search_lag is None:
            return None
        low, high = self.search_lag
        seed = self.ds.seed
        return lambda resource, i, version: Random(
            f"{seed}:search_lag:{resource}:{i}:{version}"
        ).uniform(low, high)

    def not_yet_searchable(self, resource: str) -> Callable[[int], bool] | None:
        """A test of a record index (call under ``ds.lock``), or None when every record is
        searchable: left out are changes not searchable yet and deleted or merged records."""
        pending = self.ds.searchable_at.get(resource)
        gone = self.ds.removed.get(resource)
        if not pending and not gone:
            return None
        now = time.time()
        pending = pending or {}
        gone = gone or {}
        return lambda i: i in gone or pending.get(i, 0.0) > now
