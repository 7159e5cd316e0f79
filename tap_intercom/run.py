"""What every stream of one run shares, made once by the tap and handed to each stream.

- `settings`: the config, checked and parsed once;
- `governor` and `session`: every request of the run goes through one rate governor;
- `direct_gets`: the session's GETs, sent without its per-request preparation when that
  gives the same request;
- `pool`: the one worker pool on which per-record detail requests run;
- `stats` and `progress`: counters for the progress lines and the end-of-run summary;
- `data_attributes`: `/data_attributes` read once per model, for discovery and the streams;
- `ticket_types`: `/ticket_types` read once, for discovery (`ticket_attributes`) and the stream.
"""

from __future__ import annotations

import threading
import typing as t
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property

from tap_intercom.direct_gets import DirectGets
from tap_intercom.http_session import governed_session
from tap_intercom.rate_limit import RateLimitGovernor

if t.TYPE_CHECKING:
    from collections.abc import Callable

    import requests

    from tap_intercom.progress import ProgressBoard
    from tap_intercom.run_stats import RunStats
    from tap_intercom.settings import Settings


class DataAttributeCache:
    """Each model's data attributes (archived included), fetched once per run (thread-safe).

    A failed fetch is not cached: its error reaches the caller, and the next caller tries again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_model: dict[str, list[dict]] = {}

    def get(self, model: str, fetch: Callable[[str], list[dict]]) -> list[dict]:
        with self._lock:
            if model not in self._by_model:
                self._by_model[model] = fetch(model)
            return self._by_model[model]


class IntercomRun:
    """The shared resources of one tap run (see the module docstring)."""

    def __init__(self, settings: Settings, stats: RunStats, progress: ProgressBoard) -> None:
        self.settings = settings
        self.stats = stats
        self.progress = progress
        self.data_attributes = DataAttributeCache()
        self.ticket_types = DataAttributeCache()
        self.governor = RateLimitGovernor(settings.max_requests_per_minute)

    @cached_property
    def session(self) -> requests.Session:
        # Enough kept-alive connections for every worker and every stream's page requests.
        pool_size = self.settings.concurrency + 2 * self.settings.parallel_streams
        return governed_session(self.governor, self.stats, pool_size, self.settings.base_url)

    @cached_property
    def direct_gets(self) -> DirectGets:
        return DirectGets(self.session, self.settings.base_url)

    @cached_property
    def pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(
            max_workers=self.settings.concurrency, thread_name_prefix="tap-intercom-worker"
        )

    def close(self) -> None:
        """Stop the worker pool (its queued fetches are cancelled), then close the session's
        kept-alive connections."""
        if "pool" in self.__dict__:
            self.pool.shutdown(wait=True, cancel_futures=True)
        if "session" in self.__dict__:
            self.session.close()
