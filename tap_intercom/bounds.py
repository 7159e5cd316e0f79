"""The incremental bound: the one rule for what a run asks Intercom for and what it keeps.

A bound is an epoch second (Intercom's timestamps are whole seconds), inclusive, decided once
per stream per run (`lower_bound`) and then frozen: every page of one search must carry the
same query (a cursor belongs to its query), and the client-side filter must not drop a late,
out-of-order record that the advancing bookmark has already passed.

- a stream keeps the records at or after its own bound (`keeps`);
- a parent asks the API for the lowest bound among itself (when selected) and its selected
  parent-bookmarked children (`query_bound`): a child may still need parents the parent
  itself has already written;
- a child needs its parent's record when the record is at or after the child's bound;
- a search stream (and its children) never saves a bookmark past its ceiling
  (`search_ceiling`): search is an index that lags behind writes, per record and out of
  order, so a change older than the newest record read may still be unsearchable.
"""

from __future__ import annotations

import calendar
import math
import typing as t
from collections.abc import Iterable

from tap_intercom.dates import (
    CANONICAL_RE,
    MILLISECONDS_THRESHOLD,
    datetime_to_epoch,
    epoch_to_datetime,
    parse_datetime,
)

Epoch = int


def lower_bound(bookmark: str | None, start_date: str) -> Epoch:
    """The stream's inclusive lower bound: the bookmark, else `start_date`, floored to the second.

    A bookmark always wins over `start_date` (Stitch's semantics). A Stitch bookmark may carry
    microseconds (its sync-start time); a record in that same second may be newer, so it is
    floored rather than rounded up.
    """
    return datetime_to_epoch(parse_datetime(bookmark or start_date))


def search_ceiling(search_started: float, lag_seconds: int, lower: Epoch) -> Epoch:
    """The latest bookmark a search stream may save this run.

    Every change at least `lag_seconds` older than the run's first search request was
    searchable when that request was made, so a bookmark at or before `search_started -
    lag_seconds` skips nothing that a later search could still reveal; anything newer is read
    again next run (targets upsert on the key). Never below the run's own lower bound: the
    saved bookmark does not move backward.
    """
    return max(lower, math.floor(search_started) - lag_seconds)


def capped(value: str, ceiling: Epoch | None) -> str:
    """A bookmark value (a date-time string) no later than `ceiling` (None: no cap)."""
    if ceiling is None:
        return value
    epoch = epoch_of(value)
    if epoch is None or epoch <= ceiling:
        return value
    return t.cast("str", epoch_to_datetime(ceiling))


def query_bound(own: Epoch, own_selected: bool, children: Iterable[Epoch]) -> Epoch:
    """The bound sent to the API: the lowest one anything selected still needs."""
    bounds = [own] if own_selected else []
    bounds += list(children)
    return min(bounds) if bounds else own


def epoch_of(value: t.Any) -> Epoch | None:
    """A raw API timestamp (epoch seconds or milliseconds, numeric or ISO string) as whole
    epoch seconds; None for anything that is not a time (kept, and reported by conformance)."""
    if type(value) is int and -MILLISECONDS_THRESHOLD < value < MILLISECONDS_THRESHOLD:
        return value
    if type(value) is str and (match := CANONICAL_RE.fullmatch(value)):
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    try:
        text = epoch_to_datetime(value)
    except ValueError:
        return None
    return None if text is None else datetime_to_epoch(parse_datetime(text))


def keeps(value: t.Any, bound: Epoch) -> bool:
    """Whether a record whose raw replication value is `value` is at or after `bound`."""
    epoch = epoch_of(value)
    return epoch is None or epoch >= bound
