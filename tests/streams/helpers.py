"""What the stream modules share: the default start date and the tap's output date format."""

from __future__ import annotations

import pendulum

from fake_intercom import FakeIntercom
from tests.oracle import truth

#: `base_config`'s start date: before every record of the fake.
START = "2000-01-01T00:00:00Z"


def iso(epoch: int) -> str:
    """An epoch in the tap's date-time format, computed independently of `tap_intercom.dates`."""
    return pendulum.from_timestamp(epoch, tz="UTC").format("YYYY-MM-DDTHH:mm:ss.SSSSSS[Z]")


def median_version(fake: FakeIntercom, stream: str) -> int:
    """The median `updated_at` (epoch) of a stream's ground truth: a bookmark in the middle."""
    _, records = truth(fake, stream, None)
    values = sorted(r["updated_at"] for r in records)
    return values[len(values) // 2]


def assert_api_objects_with_date_times(records: list[dict], raw: list[dict]) -> None:
    """Each record is its API object (matched by id), `created_at`/`updated_at` as date-times."""
    by_id = {item["id"]: item for item in raw}
    assert records
    for record in records:
        source = by_id[record["id"]]
        expected = {**source, "created_at": iso(source["created_at"])}
        expected["updated_at"] = iso(source["updated_at"])
        assert record == expected
