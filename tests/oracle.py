"""The ground-truth oracle: which records a sync must emit, and whether it emitted exactly those.

The fake Intercom API knows, for every stream and start date, the keys of the records a correct
sync emits (`FakeIntercom.ground_truth`). Every test that checks "nothing lost, nothing extra,
nothing twice" goes through `compare` / `assert_ground_truth` here.

`duplicate_primary_keys` is the uniqueness check the SDK's standard suite lacks: its
`primary_keys` test builds a set of per-record generators, which are all distinct, so it cannot
see two records with the same key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from fake_intercom import FakeIntercom

#: Keyed by `_sdc_record_hash` in the catalog (Stitch's key); the fake cannot compute that
#: hash, so its ground truth, and this oracle, key these streams by model + name.
ATTRIBUTE_STREAMS = frozenset({"company_attributes", "contact_attributes", "data_attributes"})

Key = tuple[str, ...]


def truth(
    fake: FakeIntercom, stream: str, start_date: str | int | None
) -> tuple[list[str], list[dict]]:
    """(key properties, records) the fake says a sync of `stream` from `start_date` emits.

    Full-table streams ignore `start_date`. The records carry the keys and `updated_at` (the
    version) only.
    """
    body = fake.ground_truth(stream, start_date)
    keys = ["model", "name"] if stream in ATTRIBUTE_STREAMS else body["key_properties"]
    return keys, body["records"]


def key_of(record: dict, key_properties: Sequence[str]) -> Key:
    """A record's key as strings (the API's integer ids and the tap's string ids compare
    equal); a missing key property becomes "None", which no ground-truth key has."""
    return tuple(str(record.get(k)) for k in key_properties)


def truth_keys(fake: FakeIntercom, stream: str, start_date: str | int | None) -> set[Key]:
    keys, records = truth(fake, stream, start_date)
    return {key_of(r, keys) for r in records}


def duplicate_primary_keys(records: Iterable[dict], primary_keys: Sequence[str]) -> dict[Key, int]:
    """Primary-key values carried by more than one record, with how many carry each."""
    counts = Counter(key_of(r, primary_keys) for r in records)
    return {key: n for key, n in counts.items() if n > 1}


@dataclass(frozen=True)
class Comparison:
    """One stream's emitted records against the ground truth."""

    stream: str
    emitted: int
    expected: int
    missing: set[Key] = field(default_factory=set)
    unexpected: set[Key] = field(default_factory=set)
    duplicated: dict[Key, int] = field(default_factory=dict)

    def problems(self, *, duplicates_allowed: bool = False) -> list[str]:
        found = []
        if self.missing:
            found.append(f"{len(self.missing)} missing, e.g. {sorted(self.missing)[:3]}")
        if self.unexpected:
            found.append(f"{len(self.unexpected)} unexpected, e.g. {sorted(self.unexpected)[:3]}")
        if self.duplicated and not duplicates_allowed:
            found.append(
                f"{len(self.duplicated)} keys emitted twice or more, "
                f"e.g. {sorted(self.duplicated.items())[:3]}"
            )
        return found


def compare(
    fake: FakeIntercom, stream: str, records: Iterable[dict], start_date: str | int | None
) -> Comparison:
    """The keys of `records` (one stream's) against the ground truth from `start_date`."""
    keys, truth_records = truth(fake, stream, start_date)
    expected = {key_of(r, keys) for r in truth_records}
    emitted = [key_of(r, keys) for r in records]
    emitted_set = set(emitted)
    return Comparison(
        stream=stream,
        emitted=len(emitted),
        expected=len(expected),
        missing=expected - emitted_set,
        unexpected=emitted_set - expected,
        duplicated={k: n for k, n in Counter(emitted).items() if n > 1},
    )


def assert_ground_truth(
    fake: FakeIntercom,
    stream: str,
    records: Iterable[dict],
    start_date: str | int | None,
    *,
    duplicates_allowed: bool = False,
    require_records: bool = True,
) -> Comparison:
    """Assert `records` are exactly the ground truth: none missing, none unexpected and (unless
    `duplicates_allowed`, for the union of an interrupted run and its resumption) none twice.

    `require_records`: the ground truth must not be empty, or the comparison proves nothing.
    """
    result = compare(fake, stream, records, start_date)
    if require_records:
        assert result.expected, f"{stream}: the fake has no data (the test would prove nothing)"
    problems = result.problems(duplicates_allowed=duplicates_allowed)
    assert not problems, f"{stream}: " + "; ".join(problems)
    return result


def missing(
    fake: FakeIntercom, records: Iterable[dict], stream: str, start_date: str | int | None
) -> set[Key]:
    """Ground-truth keys that none of `records` (one stream's) carries."""
    return compare(fake, stream, records, start_date).missing


def unexpected(
    fake: FakeIntercom, records: Iterable[dict], stream: str, start_date: str | int | None
) -> set[Key]:
    """Keys emitted that the ground truth does not have (a leak from another run or bound)."""
    return compare(fake, stream, records, start_date).unexpected
