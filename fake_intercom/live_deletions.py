"""Deletions and merges during a run: ``delete_every`` deletes records between API requests.

``{"requests": N, "times": K, "contacts": 1, "merge_contacts": 1, "companies": 1, ...}``: after
every N-th API request (up to K times; ``times`` omitted: no limit) the counts are deleted as
``fake.delete(...)`` would, so a sync meets records that vanish between its page requests
(after a record was read, before its next page, its details or its children). The ids deleted
are in ``fake.deleted(stream)`` and the ground truth, as for any deletion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class LiveDeletions:
    """When and what to delete during a run; ``due`` is asked once per API request."""

    every: int
    counts: dict[str, int]
    times_left: int | None

    def due(self, request_number: int) -> bool:
        """Whether request number `request_number` is followed by a deletion (consumes one)."""
        if request_number % self.every or self.times_left == 0:
            return False
        if self.times_left is not None:
            self.times_left -= 1
        return True

    def setting(self) -> dict[str, Any]:
        return {"requests": self.every, "times": self.times_left, **self.counts}


def parse_live_deletions(value: Any) -> LiveDeletions | None:
    """The ``delete_every`` control setting, checked; None or {} turns it off."""
    if not value:
        return None
    if not isinstance(value, dict):
        msg = "delete_every must be an object like {'requests': 50, 'contacts': 1}"
        raise TypeError(msg)
    spec = dict(value)
    every = int(spec.pop("requests", 0))
    if every < 1:
        msg = "delete_every.requests must be a whole number >= 1"
        raise ValueError(msg)
    times = spec.pop("times", None)
    counts = {str(k): int(v) for k, v in spec.items()}
    if not counts:
        msg = "delete_every names nothing to delete"
        raise ValueError(msg)
    return LiveDeletions(every, counts, None if times is None else int(times))
