"""Compact storage for one bulk resource (contacts, companies, conversations, tickets): the
timestamps in arrays and sorted ``(timestamp << 32) | index`` keys for bisect-based pages, plus the
generators of those timestamps and of the tie clusters (many records sharing one second)."""

from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass, field
from random import Random

from fake_intercom.data.clock import DATA_NOW, DATA_START, DAY

SHIFT = 32
LOW_MASK = (1 << SHIFT) - 1


@dataclass
class Bulk:
    """Compact storage for one bulk resource: timestamps plus sorted indexes."""

    count: int
    created: array
    updated: array
    index: list[int] = field(default_factory=list)  # (updated_at << 32) | i, sorted
    created_index: list[int] = field(default_factory=list)  # (created_at << 32) | i, sorted
    version: dict[int, int] = field(default_factory=dict)  # i -> number of mutations

    def build_indexes(self) -> None:
        self.index = sorted((u << SHIFT) | i for i, u in enumerate(self.updated))
        self.created_index = sorted((c << SHIFT) | i for i, c in enumerate(self.created))

    def set_updated(self, i: int, ts: int) -> None:
        old = (self.updated[i] << SHIFT) | i
        pos = bisect.bisect_left(self.index, old)
        if pos < len(self.index) and self.index[pos] == old:
            del self.index[pos]
        self.updated[i] = ts
        bisect.insort(self.index, (ts << SHIFT) | i)
        self.version[i] = self.version.get(i, 0) + 1

    def max_updated(self) -> int:
        return (self.index[-1] >> SHIFT) if self.index else 0

    def count_range(self, which: str, lo: int, hi: int) -> int:
        idx = self.index if which == "updated_at" else self.created_index
        a = bisect.bisect_left(idx, lo << SHIFT) if lo > -(1 << 62) else 0
        b = bisect.bisect_right(idx, (hi << SHIFT) | LOW_MASK) if hi < (1 << 62) else len(idx)
        return max(0, b - a)


def random_timestamps(r: Random, n: int, recent_bias: float = 2.0) -> tuple[array, array]:
    created = array("q", [0]) * n
    updated = array("q", [0]) * n
    span = DATA_NOW - DAY - DATA_START
    for i in range(n):
        c = DATA_START + int(span * r.random())
        u = c + int((DATA_NOW - c) * (1.0 - r.random() ** recent_bias))
        created[i] = c
        updated[i] = min(u, DATA_NOW)
    return created, updated


def make_tie(bulk: Bulk, size: int, offset: int, second_offset: int) -> int:
    """Give ``size`` records one shared updated_at second placed at sorted position ~offset."""
    n = bulk.count
    if n < 4 or size <= 0:
        return 0
    size = min(size, n - 2)
    members = list(range(n - size, n))  # the last indexes (ids spread through id order)
    others = sorted(bulk.updated[i] for i in range(n - size))
    offset = max(0, min(offset, len(others) - 1))
    tie = (others[offset] // DAY) * DAY + second_offset
    for i in members:
        bulk.updated[i] = tie
        if bulk.created[i] > tie:
            bulk.created[i] = tie - 3600
    return tie
