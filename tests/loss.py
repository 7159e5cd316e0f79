"""Helpers for "nothing lost" tests: the tap's output compared with the fake's ground truth."""

from __future__ import annotations

import re
from collections.abc import Iterable

from fake_intercom import FakeIntercom

#: Data-attribute streams are keyed by `_sdc_record_hash`; the ground truth uses model + name.
ATTRIBUTE_STREAMS = {"company_attributes", "contact_attributes", "data_attributes"}
SUMMARY_RE = re.compile(r"requests: ([\d,]+), retries: ([\d,]+)")


def record_key(stream: str, record: dict, key_properties: list[str]) -> tuple:
    if stream in ATTRIBUTE_STREAMS:
        return (str(record.get("model")), str(record.get("name")))
    return tuple(str(record.get(k)) for k in key_properties)


def truth(fake: FakeIntercom, stream: str, start_date: str) -> tuple[list[str], list[dict]]:
    """(key properties, records) the fake says a sync from `start_date` must emit."""
    body = fake.ground_truth(stream, start_date)
    keys = ["model", "name"] if stream in ATTRIBUTE_STREAMS else body["key_properties"]
    return keys, body["records"]


def truth_keys(fake: FakeIntercom, stream: str, start_date: str) -> set[tuple]:
    keys, records = truth(fake, stream, start_date)
    return {tuple(str(r.get(k)) for k in keys) for r in records}


def missing(
    fake: FakeIntercom,
    records: Iterable[dict],
    stream: str,
    start_date: str,
) -> set[tuple]:
    """Keys in the ground truth that none of `records` (one stream's) carries."""
    keys, _ = truth(fake, stream, start_date)
    emitted = {record_key(stream, r, keys) for r in records}
    return truth_keys(fake, stream, start_date) - emitted


def unexpected(
    fake: FakeIntercom,
    records: Iterable[dict],
    stream: str,
    start_date: str,
) -> set[tuple]:
    """Keys emitted that the ground truth does not have (a leak from another run or bound)."""
    keys, _ = truth(fake, stream, start_date)
    emitted = {record_key(stream, r, keys) for r in records}
    return emitted - truth_keys(fake, stream, start_date)


def summary_counts(stderr: str) -> tuple[int, int]:
    """(requests, retries) from the end-of-run summary line."""
    found = SUMMARY_RE.findall(stderr)
    assert found, f"no end-of-run summary in stderr:\n{stderr[-2000:]}"
    requests, retries = found[-1]
    return int(requests.replace(",", "")), int(retries.replace(",", ""))
