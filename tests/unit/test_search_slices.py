"""The pure slicing rules: boundaries, the boundary second, day boundaries, the bookmark prefix."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_intercom.search import DayCalc, evaluate
from tap_intercom.search import updated_before_query, updated_since_query
from tap_intercom.search_slices import (
    DAY,
    SliceProgress,
    SliceRange,
    in_slice,
    parts_for,
    plan_slices,
    split_points,
    split_range,
)

MIDNIGHT = 1_717_200_000 - 1_717_200_000 % DAY  # a UTC midnight
CEILING = MIDNIGHT + 40 * DAY


def _contiguous(ranges: list[SliceRange], span: SliceRange) -> None:
    assert ranges[0].lo == span.lo
    assert ranges[-1].hi == span.hi
    for below, above in itertools.pairwise(ranges):
        assert below.hi == above.lo
        assert below.lo < below.hi


# --- boundaries ---------------------------------------------------------------------------


def test_exact_split_points_are_equally_spaced_and_strictly_inside():
    assert split_points(100, 200, 4, by_day=False) == [125, 150, 175]
    assert split_points(100, 102, 8, by_day=False) == [101]  # no boundary twice
    assert split_points(100, 101, 8, by_day=False) == []  # one second: nothing to cut
    assert split_points(100, 200, 1, by_day=False) == []


def test_day_split_points_are_utc_midnights_at_least_a_day_apart():
    lo = MIDNIGHT + 5 * 3600
    points = split_points(lo, lo + 10 * DAY, 4, by_day=True)
    assert points
    assert all(p % DAY == 0 and lo < p < lo + 10 * DAY for p in points)
    assert all(b - a >= DAY for a, b in itertools.pairwise(points))
    # Eight parts of three days: never two boundaries in one day.
    many = split_points(MIDNIGHT, MIDNIGHT + 3 * DAY, 8, by_day=True)
    assert many == [MIDNIGHT + DAY, MIDNIGHT + 2 * DAY]


def test_a_range_within_one_day_is_not_split_by_day():
    assert split_points(MIDNIGHT + 60, MIDNIGHT + DAY - 60, 8, by_day=True) == []
    assert (
        split_range(SliceRange(MIDNIGHT + 60, MIDNIGHT + DAY - 60), 8, CEILING, by_day=True) is None
    )


@pytest.mark.parametrize("by_day", [False, True])
def test_split_ranges_are_contiguous_and_an_open_end_stays_open(by_day):
    span = SliceRange(MIDNIGHT + 17, None)
    ranges = split_range(span, 6, CEILING, by_day=by_day)
    assert ranges is not None
    assert 2 <= len(ranges) <= 6
    _contiguous(ranges, span)
    closed = SliceRange(MIDNIGHT, MIDNIGHT + 9 * DAY)
    pieces = split_range(closed, 3, CEILING, by_day=by_day)
    assert pieces is not None
    _contiguous(pieces, closed)


def test_a_search_is_sliced_only_when_long_enough_and_parallel():
    assert (
        plan_slices(MIDNIGHT, CEILING, None, max_parallel=8, min_records=100, by_day=False) is None
    )
    assert (
        plan_slices(MIDNIGHT, CEILING, 199, max_parallel=8, min_records=100, by_day=False) is None
    )
    assert (
        plan_slices(MIDNIGHT, CEILING, 10**6, max_parallel=1, min_records=100, by_day=False) is None
    )
    plan = plan_slices(MIDNIGHT, CEILING, 200, max_parallel=8, min_records=100, by_day=False)
    assert plan is not None
    assert len(plan.ranges) == 2
    assert plan.target_records == 100
    big = plan_slices(MIDNIGHT, CEILING, 50_000, max_parallel=8, min_records=100, by_day=False)
    assert big is not None
    assert len(big.ranges) == 16  # twice the slices read at once
    assert big.target_records == 50_000 // 16
    _contiguous(big.ranges, SliceRange(MIDNIGHT, None))


def test_nothing_to_slice_when_the_bound_is_at_the_ceiling():
    assert (
        plan_slices(CEILING, CEILING, 10**6, max_parallel=8, min_records=100, by_day=True) is None
    )


def test_a_crowded_slice_is_split_into_parts_of_the_target_size():
    assert parts_for(None, 100, 8) == 1
    assert parts_for(200, 100, 8) == 1  # within twice the target: not worth a request
    assert parts_for(450, 100, 8) == 5
    assert parts_for(10**6, 100, 8) == 16


# --- which slice a record belongs to ------------------------------------------------------


def test_the_boundary_second_belongs_to_the_upper_slice_only():
    below, above = SliceRange(100, 200), SliceRange(200, None)
    # A `<` that Intercom reads as "lower or equal" returns second 200 to both queries.
    assert not in_slice(200, below, by_day=False)
    assert in_slice(200, above, by_day=False)
    assert in_slice(199, below, by_day=False)
    assert in_slice(100, below, by_day=False)
    assert not in_slice(99, below, by_day=False)
    assert in_slice(10**10, above, by_day=False)  # the open end


def test_a_day_slice_keeps_everything_its_query_returns():
    span = SliceRange(MIDNIGHT, MIDNIGHT + DAY)
    assert in_slice(MIDNIGHT - 3600, span, by_day=True)  # its day started earlier in the tz
    assert in_slice(MIDNIGHT + DAY + 3600, span, by_day=True)


def _query(span: SliceRange, lo: int) -> dict:
    query = updated_since_query("updated_at", lo)
    if span.hi is None:
        return query
    return {"operator": "AND", "value": [query, updated_before_query("updated_at", span.hi)]}


@pytest.mark.parametrize(
    ("timezone", "by_day"),
    [
        ("UTC", True),
        ("America/New_York", True),
        ("Asia/Kolkata", True),
        ("Pacific/Kiritimati", True),
        (None, False),  # exact seconds: 2.17 contacts, conversations, tickets
    ],
)
def test_every_record_is_in_exactly_one_slice(timezone, by_day):
    """The slices' queries, as the fake's search evaluates them (by whole day in the
    workspace's timezone, or exact seconds), plus `in_slice`, partition the records."""
    rng = random.Random(5)
    bound = MIDNIGHT + 7 * 3600 + 13
    epochs = [bound + rng.randrange(30 * DAY) for _ in range(2000)]
    # Records on every boundary second and on both sides of it, and before the bound's day.
    ranges = split_range(SliceRange(bound, None), 9, CEILING, by_day=by_day)
    assert ranges is not None
    for span in ranges:
        epochs += [span.lo - 1, span.lo, span.lo + 1]
    day = DayCalc(timezone) if by_day else None
    found: dict[int, int] = {}
    for index, span in enumerate(ranges):
        query = _query(span, span.lo)
        for record_index, epoch in enumerate(epochs):
            matched = evaluate(query, {"updated_at": epoch}.get, {"updated_at"}, day)
            if matched and epoch >= bound and in_slice(epoch, span, by_day=by_day):
                assert record_index not in found, (epoch, index, found.get(record_index))
                found[record_index] = index
    missing = [e for i, e in enumerate(epochs) if e >= bound and i not in found]
    assert not missing


# --- the bookmark: the completed prefix ---------------------------------------------------


def _progress(
    *ranges: tuple[int, int | None], bound: int = 0, ceiling: int = 1000
) -> SliceProgress:
    return SliceProgress.of([SliceRange(lo, hi) for lo, hi in ranges], bound, ceiling)


def test_the_watermark_is_the_bound_until_something_is_processed():
    progress = _progress((10, 100), (100, None), bound=10)
    assert progress.watermark() == 10


def test_only_the_first_incomplete_slice_and_those_below_it_count():
    progress = _progress((0, 100), (100, 200), (200, None))
    progress.processed(SliceRange(200, None), 250)
    progress.processed(SliceRange(100, 200), 150)
    progress.complete(SliceRange(100, 200))
    assert progress.watermark() == 0  # slice 0 has not started: nothing above is safe
    progress.processed(SliceRange(0, 100), 40)
    assert progress.watermark() == 40  # the head slice is read in order
    progress.complete(SliceRange(0, 100))
    assert progress.watermark() == 250  # 0 and 1 complete, head is 2 at 250
    assert not progress.all_complete
    progress.complete(SliceRange(200, None))
    assert progress.all_complete
    assert progress.watermark() == 250


def test_empty_slices_complete_without_moving_the_watermark():
    progress = _progress((0, 100), (100, 200), (200, None))
    progress.complete(SliceRange(0, 100))
    progress.complete(SliceRange(100, 200))
    assert progress.watermark() == 0
    progress.processed(SliceRange(200, None), 205)
    assert progress.watermark() == 205


def test_a_record_changed_during_the_run_does_not_carry_the_head_past_the_ceiling():
    progress = _progress((0, 100), (100, None), ceiling=500)
    progress.complete(SliceRange(0, 100))
    progress.processed(SliceRange(100, None), 900)  # came back newer than the ceiling
    assert progress.watermark() == 0
    progress.processed(SliceRange(100, None), 300)
    assert progress.watermark() == 300
    progress.complete(SliceRange(100, None))
    assert progress.watermark() == 500  # done: the highest, held at the ceiling


def test_a_split_replaces_a_slice_in_place():
    progress = _progress((0, 100), (100, None))
    progress.replace(SliceRange(0, 100), [SliceRange(0, 50), SliceRange(50, 100)])
    progress.processed(SliceRange(0, 50), 20)
    progress.complete(SliceRange(0, 50))
    progress.processed(SliceRange(50, 100), 70)
    assert progress.watermark() == 70
    with pytest.raises(ValueError, match="after records were processed"):
        progress.replace(SliceRange(50, 100), [SliceRange(50, 60), SliceRange(60, 100)])
    with pytest.raises(KeyError):
        progress.complete(SliceRange(0, 100))


def test_the_final_watermark_is_a_sequential_runs_bookmark_whatever_the_order():
    """Slices finish in any order; once all are complete the watermark is the highest
    record (at most the ceiling), and it never moved backward on the way."""
    rng = random.Random(11)
    ranges = [SliceRange(0, 100), SliceRange(100, 300), SliceRange(300, 310), SliceRange(310, None)]
    records = {
        span: sorted(rng.randrange(span.lo, span.hi or 700) for _ in range(20)) for span in ranges
    }
    records[SliceRange(300, 310)] = []  # an empty slice
    for trial in range(20):
        progress = SliceProgress.of(ranges, 0, 600)
        queue = [(span, epoch) for span in ranges for epoch in records[span]]
        cursors = dict.fromkeys(ranges, 0)
        order = [span for span in ranges for _ in range(len(records[span]) + 1)]
        rng.shuffle(order)
        marks = []
        for span in order:
            position = cursors[span]
            if position < len(records[span]):
                progress.processed(span, records[span][position])
            else:
                progress.complete(span)
            cursors[span] += 1
            marks.append(progress.watermark())
        assert marks == sorted(marks), trial
        assert progress.all_complete
        assert progress.watermark() == min(600, max(epoch for _, epoch in queue))


@settings(max_examples=300, deadline=None)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["processed", "complete", "split", "ask"]),
            st.integers(min_value=0, max_value=3),
            st.integers(min_value=0, max_value=1100),
        ),
        max_size=40,
    )
)
def test_the_kept_watermark_is_always_the_one_worked_out_afresh(steps):
    progress = _progress((0, 250), (250, 500), (500, 750), (750, None), ceiling=900)
    for action, index, epoch in steps:
        entry = progress.slices[index % len(progress.slices)]
        if action == "processed" and not entry.complete:
            progress.processed(entry.span, epoch)
        elif action == "complete":
            progress.complete(entry.span)
        elif action == "split" and entry.highest is None and not entry.complete:
            lo, hi = entry.span.lo, entry.span.hi
            middle = lo + 1 if hi is None else (lo + hi) // 2
            if middle > lo and (hi is None or middle < hi):
                progress.replace(entry.span, [SliceRange(lo, middle), SliceRange(middle, hi)])
        assert progress.watermark() == progress._computed_watermark()[0]
