"""tap_intercom.bounds: one incremental bound per stream, for the query and the filter."""

from __future__ import annotations

import calendar

import pytest

from tap_intercom.bounds import epoch_of, keeps, lower_bound, query_bound

START = "2000-01-01T00:00:00Z"
Y2000 = 946_684_800
Y2024 = 1_704_067_200  # 2024-01-01T00:00:00Z
NOV_2023 = 1_700_000_000  # 2023-11-14T22:13:20Z


def test_no_bookmark_means_start_date():
    assert lower_bound(None, START) == Y2000
    assert lower_bound("", START) == Y2000


def test_a_bookmark_wins_over_start_date_even_when_older():
    assert lower_bound("2024-01-01T00:00:00Z", START) == Y2024
    assert lower_bound("1999-01-01T00:00:00Z", START) == calendar.timegm((1999, 1, 1, 0, 0, 0))


def test_a_microsecond_bookmark_is_floored_to_its_second():
    """A Stitch bookmark carries its sync's start time; a record in that second may be newer."""
    assert lower_bound("2024-01-01T00:00:00.999999Z", START) == Y2024
    assert lower_bound("2024-01-01T00:00:00.000001+00:00", START) == Y2024


@pytest.mark.parametrize(
    ("own", "own_selected", "children", "expected"),
    [
        (100, True, [], 100),
        (100, True, [50, 80], 50),
        (100, True, [150], 100),
        (100, False, [150, 120], 120),  # the parent's own bound does not count
        (100, False, [], 100),
    ],
)
def test_query_bound_is_the_lowest_that_anything_selected_needs(
    own, own_selected, children, expected
):
    assert query_bound(own, own_selected, children) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (NOV_2023, NOV_2023),
        (Y2000, Y2000),  # nine digits: seconds, not milliseconds
        (-5, -5),
        (NOV_2023 * 1000 + 123, NOV_2023),  # milliseconds
        (str(NOV_2023), NOV_2023),
        (str(NOV_2023 * 1000 + 123), NOV_2023),
        ("2024-01-01T00:00:00Z", Y2024),
        ("2024-01-01T01:00:00+01:00", Y2024),
        ("2023-11-14T22:13:20.000000Z", NOV_2023),  # the tap's own written format
        ("2023-11-14T22:13:20.500000Z", NOV_2023),
        (1.5, 1),
    ],
)
def test_epoch_of_reads_every_timestamp_shape(value, expected):
    assert epoch_of(value) == expected


@pytest.mark.parametrize("value", [True, False, None, "", "yesterday", "12:00", {}, []])
def test_epoch_of_anything_else_is_none(value):
    assert epoch_of(value) is None


def test_keeps_what_is_at_or_after_the_bound():
    assert keeps(Y2024, Y2024)
    assert keeps(Y2024 + 1, Y2024)
    assert not keeps(Y2024 - 1, Y2024)
    assert keeps("2024-01-01T00:00:00.000000Z", Y2024)
    assert not keeps("2023-12-31T23:59:59.999999Z", Y2024)


@pytest.mark.parametrize("value", [None, "garbage", True])
def test_keeps_what_is_not_a_time(value):
    """Kept, so that conformance reports it instead of it vanishing."""
    assert keeps(value, Y2024)
