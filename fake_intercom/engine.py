"""Cursor paging over the bulk resources (search and cursor lists).

A cursor encodes the *sort position* of the last record returned (sort value, index), never an
offset, so results do not snapshot: a record updated between pages moves in the order.
"""

from __future__ import annotations

import base64
import bisect
import json
import math
from collections.abc import Callable, Iterator
from typing import Any

from .data import Dataset
from .data.bulk import LOW_MASK, SHIFT
from .search import (
    INF,
    NEG_INF,
    DayCalc,
    QueryError,
    evaluate,
    intervals,
    to_epoch,
    validate,
)
from .search_fields import ResourceSpec, SearchableResources


class Engine(SearchableResources):
    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self._count_cache: dict[tuple[Any, ...], int] = {}
        self._sorted_cache: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
        self.specs = self.resource_specs()

    # ------------------------------------------------------------------ cursor codec
    @staticmethod
    def encode_cursor(field_: str, desc: bool, value: Any, idx: int, page: int) -> str:
        raw = json.dumps([field_, int(desc), value, idx, page], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @staticmethod
    def decode_cursor(cursor: Any, field_: str, desc: bool) -> tuple[Any, int, int]:
        try:
            pad = "=" * (-len(cursor) % 4)
            f, d, value, idx, page = json.loads(base64.urlsafe_b64decode(cursor + pad))
        except Exception as exc:
            raise QueryError("starting_after is not a valid cursor") from exc
        if f != field_ or bool(d) != desc or not isinstance(idx, int):
            raise QueryError("starting_after does not match the sort of this request")
        return value, idx, int(page)

    # ------------------------------------------------------------------ main entry
    def page(  # noqa: PLR0917
        self,
        resource: str,
        query: dict[str, Any] | None,
        sort_field: str,
        desc: bool,
        per_page: int,
        cursor: str | None,
        tz: str,
        *,
        exact_dates: bool = False,
        hidden: Callable[[int], bool] | None = None,
    ) -> tuple[list[int], int, int, str | None]:
        """Return (indexes of this page, total_count, page number, next cursor or None).

        ``exact_dates`` turns a resource's whole-day date semantics off (contacts from 2.17);
        ``hidden`` leaves records out (search-index lag; made under ``ds.lock``)."""
        spec = self.specs[resource]
        day_mode = spec.day_mode and not exact_dates
        day = DayCalc(tz) if day_mode else None
        if query is not None:
            validate(query, spec.date_fields, day_mode)
        after: tuple[Any, int] | None = None
        page_no = 1
        if cursor:
            v, idx, page_no = self.decode_cursor(cursor, sort_field, desc)
            after = (v, idx)
        ds = self.ds
        with ds.lock:
            pred = self._predicate(spec, query, day)
            out: list[tuple[Any, int]] = []
            for sv, i in self._walk(spec, query, sort_field, desc, after, day):
                if (pred is None or pred(i)) and not (hidden is not None and hidden(i)):
                    out.append((sv, i))
                    if len(out) > per_page:
                        break
            total = self._count(spec, query, day, tz if day_mode == spec.day_mode else "exact")
        more = len(out) > per_page
        out = out[:per_page]
        nxt = None
        if more and out:
            sv, i = out[-1]
            nxt = self.encode_cursor(sort_field, desc, sv, i, page_no + 1)
        return [i for _, i in out], total, page_no, nxt

    def _predicate(
        self, spec: ResourceSpec, query: dict[str, Any] | None, day: DayCalc | None
    ) -> Callable[[int], bool] | None:
        if query is None:
            return None
        return lambda i: evaluate(
            query, self.getter(spec, i), spec.date_fields, day, spec.tokenized
        )

    def _hull(
        self, query: dict[str, Any] | None, f: str, spec: ResourceSpec, day: DayCalc | None
    ) -> list[tuple[int, int]]:
        if query is None:
            return [(NEG_INF, INF)]
        if f == "id":
            if spec.numeric_id is None:
                return [(NEG_INF, INF)]
            return intervals(query, "id", spec.numeric_id, None, exact=False) or []
        return intervals(query, f, None, day if f in spec.date_fields else None, exact=False) or []

    def _walk(  # noqa: PLR0917
        self,
        spec: ResourceSpec,
        query: dict[str, Any] | None,
        f: str,
        desc: bool,
        after: tuple[Any, int] | None,
        day: DayCalc | None,
    ) -> Iterator[tuple[Any, int]]:
        bulk = spec.bulk
        if f in ("updated_at", "created_at"):
            index = bulk.index if f == "updated_at" else bulk.created_index
            hull = self._hull(query, f, spec, day)
            if after is not None:
                try:
                    ck = (int(after[0]) << SHIFT) | after[1]
                except (TypeError, ValueError) as exc:
                    raise QueryError("starting_after is not a valid cursor") from exc
            if not desc:
                for lo, hi in hull:
                    a = 0 if lo <= NEG_INF else bisect.bisect_left(index, lo << SHIFT)
                    if after is not None:
                        a = max(a, bisect.bisect_right(index, ck))
                    limit = (hi << SHIFT) | LOW_MASK if hi < INF else None
                    for pos in range(a, len(index)):
                        k = index[pos]
                        if limit is not None and k > limit:
                            break
                        yield k >> SHIFT, k & LOW_MASK
            else:
                for lo, hi in reversed(hull):
                    b = (
                        len(index)
                        if hi >= INF
                        else bisect.bisect_right(index, (hi << SHIFT) | LOW_MASK)
                    )
                    if after is not None:
                        b = min(b, bisect.bisect_left(index, ck))
                    limit = lo << SHIFT if lo > NEG_INF else None
                    for pos in range(b - 1, -1, -1):
                        k = index[pos]
                        if limit is not None and k < limit:
                            break
                        yield k >> SHIFT, k & LOW_MASK
            return
        if f == "id":
            n = bulk.count
            hull = self._hull(query, "id", spec, day)
            if not desc:
                for lo, hi in hull:
                    a = max(0, lo)
                    if after is not None:
                        a = max(a, after[1] + 1)
                    for i in range(a, min(n - 1, hi) + 1):
                        yield None, i
            else:
                for lo, hi in reversed(hull):
                    b = min(n - 1, hi)
                    if after is not None:
                        b = min(b, after[1] - 1)
                    for i in range(b, max(0, lo) - 1, -1):
                        yield None, i
            return
        # generic sort: materialise the sorted match list (cached per data version)
        key = (
            spec.name,
            json.dumps(query, sort_keys=True),
            f,
            self.ds.data_version,
            day.tz.key if day else "",
        )
        lst = self._sorted_cache.get(key)
        if lst is None:
            pred = self._predicate(spec, query, day)
            lst = []
            isdate = f in spec.date_fields
            for i in range(bulk.count):
                if pred is None or pred(i):
                    v = self.getter(spec, i)(f)
                    if isdate and v is not None:
                        v = to_epoch(v)
                    lst.append((1, "", i) if v is None else (0, v, i))
            try:
                lst.sort()
            except TypeError:
                lst = sorted(((a, str(b), c) for a, b, c in lst))
            if len(self._sorted_cache) > 64:
                self._sorted_cache.clear()
            self._sorted_cache[key] = lst
        if after is None:
            rng: Iterator[int] = iter(range(len(lst) - 1, -1, -1) if desc else range(len(lst)))
        else:
            av = after[0]
            ct = (1, "", after[1]) if av is None else (0, av, after[1])
            try:
                if desc:
                    rng = iter(range(bisect.bisect_left(lst, ct) - 1, -1, -1))
                else:
                    rng = iter(range(bisect.bisect_right(lst, ct), len(lst)))
            except TypeError as exc:
                raise QueryError("starting_after is not a valid cursor") from exc
        for pos in rng:
            flag, v, i = lst[pos]
            yield (None if flag else v), i
            # the predicate is re-applied by the caller; harmless for cached matches

    def _count(
        self, spec: ResourceSpec, query: dict[str, Any] | None, day: DayCalc | None, tz: str
    ) -> int:
        bulk = spec.bulk
        if query is None:
            return bulk.count
        for f in ("updated_at", "created_at"):
            ex = intervals(query, f, None, day if f in spec.date_fields else None, exact=True)
            if ex is not None:
                return sum(bulk.count_range(f, lo, hi) for lo, hi in ex)
        if spec.numeric_id is not None:
            ex = intervals(query, "id", spec.numeric_id, None, exact=True)
            if ex is not None:
                n = bulk.count
                return sum(max(0, min(hi, n - 1) - max(lo, 0) + 1) for lo, hi in ex)
        key = (spec.name, json.dumps(query, sort_keys=True), self.ds.data_version, tz)
        hit = self._count_cache.get(key)
        if hit is not None:
            return hit
        pred = self._predicate(spec, query, day)
        assert pred is not None
        total = 0
        for _sv, i in self._walk(spec, query, "updated_at", False, None, day):
            if pred(i):
                total += 1
        if len(self._count_cache) > 256:
            self._count_cache.clear()
        self._count_cache[key] = total
        return total


def total_pages(total: int, per_page: int) -> int:
    return math.ceil(total / per_page) if per_page else 0
