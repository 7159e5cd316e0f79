"""Non-overlapping `updated_at` slices of one search, and the bookmark their done prefix allows.

A long search is one chain of pages (each page needs the previous page's cursor), so it takes
pages x latency however much rate budget is left. Cut into slices `[lo, hi)` of `updated_at`,
each slice is its own chain, and several chains can be read at once (`sliced_search`).

Boundaries. Conversations and tickets (and contacts from API 2.17 on) compare seconds: a slice
asks for `lo <= updated_at < hi`, and a record outside its own slice is dropped client-side
(`in_slice`), so a boundary second that a `<` read as "lower or equal" would return twice is
still emitted once. Contact search before 2.17 compares whole days in the workspace's timezone:
`= lo OR > lo` starts at the start of lo's day and `< hi` ends at the start of hi's day, so the
queries of adjacent slices meet exactly at a day boundary whatever that timezone is, and no
client-side cut is made (the tap does not know the timezone). Boundaries are then UTC
midnights, at least a day apart, so no slice is empty by construction.

Bookmark. Records of one slice come sorted; slices finish in any order. The bookmark may only
say "everything before this is written" (`SliceProgress.watermark`): the highest `updated_at`
processed in the completed prefix of slices and in the first incomplete one. Once every slice
is complete it is the highest `updated_at` processed, as a sequential run's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tap_intercom.bounds import Epoch

DAY = 86400


@dataclass(frozen=True)
class SliceRange:
    """`lo <= updated_at < hi`; `hi` None: no upper end (the last slice)."""

    lo: Epoch
    hi: Epoch | None


@dataclass(frozen=True)
class SlicePlan:
    """The first slices of a search and the size a slice is split down to."""

    ranges: list[SliceRange]
    #: A slice whose first page reports more records than this is split further.
    target_records: int


def split_points(lo: Epoch, hi: Epoch, parts: int, *, by_day: bool) -> list[Epoch]:
    """Up to `parts - 1` boundaries strictly between lo and hi, equally spaced (UTC midnights,
    at least a day apart, when the search compares days)."""
    if parts < 2 or hi <= lo:
        return []
    points: list[Epoch] = []
    for k in range(1, parts):
        point = lo + math.floor((hi - lo) * k / parts)
        if by_day:
            point -= point % DAY
            if points and point - points[-1] < DAY:
                continue
        if lo < point < hi and (not points or point > points[-1]):
            points.append(point)
    return points


def split_range(
    span: SliceRange, parts: int, ceiling: Epoch, *, by_day: bool
) -> list[SliceRange] | None:
    """`span` cut into up to `parts` slices, or None when it cannot be cut (too narrow). An
    open slice is cut below the ceiling and keeps its open end."""
    top = span.hi if span.hi is not None else ceiling
    points = split_points(span.lo, top, parts, by_day=by_day)
    if not points:
        return None
    starts = [span.lo, *points[:-1]]
    ranges = [SliceRange(a, b) for a, b in zip(starts, points, strict=True)]
    ranges.append(SliceRange(points[-1], span.hi))
    return ranges


def plan_slices(
    lo: Epoch,
    ceiling: Epoch,
    total: int | None,
    *,
    max_parallel: int,
    min_records: int,
    by_day: bool,
) -> SlicePlan | None:
    """How to slice a search of `total` records from `lo`, or None to read it as one chain.

    It is split only when there are at least two slices' worth of records (`min_records`
    each) and more than one chain may run. Aim at about twice as many slices as run at once,
    so a slice that finishes early leaves work for its chain; the record distribution over
    time is unknown, so the slices start equally wide and a crowded one is split again once
    its first page tells its size (`SliceProgress` keeps the bookmark right through splits).
    """
    if total is None or max_parallel < 2 or total < 2 * min_records:
        return None
    target = max(min_records, math.ceil(total / (2 * max_parallel)))
    parts = min(2 * max_parallel, math.ceil(total / target))
    ranges = split_range(SliceRange(lo, None), parts, ceiling, by_day=by_day)
    if ranges is None:
        return None
    return SlicePlan(ranges, target)


def parts_for(total: int | None, target: int, max_parallel: int) -> int:
    """Into how many slices a slice reporting `total` records is split (1: not split)."""
    if total is None or total <= 2 * target:
        return 1
    return min(2 * max_parallel, math.ceil(total / target))


def in_slice(epoch: Epoch | None, span: SliceRange, *, by_day: bool) -> bool:
    """Whether a record read by `span`'s query belongs to it (see the module docstring)."""
    if by_day or epoch is None:
        return True
    return epoch >= span.lo and (span.hi is None or epoch < span.hi)


@dataclass
class _Slice:
    span: SliceRange
    complete: bool = False
    #: The highest `updated_at` processed, and the highest below the run's ceiling.
    highest: Epoch | None = None
    highest_below_ceiling: Epoch | None = None


@dataclass
class SliceProgress:
    """Which slices are complete and what they processed: the bookmark a resume may start at.

    `bound` is the search's lower bound, `ceiling` the highest bookmark the run may save.
    Slices are kept in `updated_at` order; a split replaces one by its parts in place.
    """

    bound: Epoch
    ceiling: Epoch
    slices: list[_Slice] = field(default_factory=list)
    #: Each slice's entry by its range (`processed` runs once per record).
    _entries: dict[SliceRange, _Slice] = field(default_factory=dict, init=False, repr=False)
    #: The last `watermark` and the first incomplete slice it saw (the held bookmark is asked
    #: for after every record; most records belong to later slices and cannot move it).
    _mark: Epoch | None = field(default=None, init=False, repr=False)
    _mark_open: _Slice | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._entries = {entry.span: entry for entry in self.slices}

    @classmethod
    def of(cls, ranges: list[SliceRange], bound: Epoch, ceiling: Epoch) -> SliceProgress:
        return cls(bound, ceiling, [_Slice(span) for span in ranges])

    def _entry(self, span: SliceRange) -> _Slice:
        entry = self._entries.get(span)
        if entry is None:
            msg = f"unknown slice {span}"
            raise KeyError(msg)
        return entry

    def replace(self, span: SliceRange, parts: list[SliceRange]) -> None:
        """`span` (nothing processed yet) is read as `parts` instead."""
        entry = self._entry(span)
        if entry.highest is not None:
            msg = f"slice {span} is split after records were processed"
            raise ValueError(msg)
        self._mark = None
        index = self.slices.index(entry)
        new_entries = [_Slice(part) for part in parts]
        self.slices[index : index + 1] = new_entries
        del self._entries[span]
        self._entries.update((new.span, new) for new in new_entries)

    def processed(self, span: SliceRange, epoch: Epoch | None) -> None:
        """A record of `span` is fully processed (written, children included)."""
        if epoch is None:
            return
        entry = self._entry(span)
        if entry is self._mark_open or entry.complete or self._mark_open is None:
            self._mark = None  # a slice the watermark looks at
        if entry.highest is None or epoch > entry.highest:
            entry.highest = epoch
        if epoch < self.ceiling and (
            entry.highest_below_ceiling is None or epoch > entry.highest_below_ceiling
        ):
            entry.highest_below_ceiling = epoch

    def complete(self, span: SliceRange) -> None:
        """Every record of `span` is processed."""
        self._mark = None
        self._entry(span).complete = True

    @property
    def all_complete(self) -> bool:
        return all(entry.complete for entry in self.slices)

    def watermark(self) -> Epoch:
        """The highest bookmark that skips nothing not yet processed (at most the ceiling).

        Complete slices below the first incomplete one count with their highest record; the
        first incomplete one with its highest record below the ceiling (it is read in order;
        a record changed during the run comes back newer and out of order); later slices
        not at all.
        """
        if self._mark is None:
            self._mark, self._mark_open = self._computed_watermark()
        return self._mark

    def _computed_watermark(self) -> tuple[Epoch, _Slice | None]:
        """`watermark` worked out afresh, and the first incomplete slice (None: all complete)."""
        mark, first_open = self.bound, None
        for entry in self.slices:
            if not entry.complete:
                first_open = entry
                if entry.highest_below_ceiling is not None:
                    mark = max(mark, entry.highest_below_ceiling)
                break
            if entry.highest is not None:
                mark = max(mark, entry.highest)
        return min(max(mark, self.bound), max(self.ceiling, self.bound)), first_open
