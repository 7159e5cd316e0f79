"""The checks every bridge stream passes (`tap_intercom/bridges.py`), run for each bridge by
`test_bridges.py` (and reused by the bridges' own modules, `test_contact_tags.py` …).

A bridge costs no request, works with and without its parent selected, does nothing when
deselected, matches the fake's links (`fake_intercom/data/links.py`), and after links are
removed in the fake and a second run, a warehouse holding both runs (upserts on the key,
ACTIVATE_VERSION for full tables) has exactly the live links current: by the rule
"version column = parent row's `updated_at`" for incremental bridges, by the latest table
version for full-table ones.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlparse

from fake_intercom import FakeIntercom
from fake_intercom.data.links import BRIDGES
from tap_intercom.schemas import stream_schema
from tap_intercom.streams import BRIDGE_STREAM_TYPES
from tests import oracle
from tests.in_process import InProcessRun, discovered_catalog, sync_in_process
from tests.singer_run import select_streams
from tests.streams.helpers import START

#: Bridges written as one table version per run.
FULL_TABLE = {stream_type.name for stream_type in BRIDGE_STREAM_TYPES if stream_type.full_table}


def parent_of(bridge: str) -> str:
    return BRIDGES[bridge][0]


def request_counts(run: InProcessRun) -> Counter[str]:
    return Counter(urlparse(u).path for u in run.urls)


def catalog_without_bridges(fake: FakeIntercom, selected: set[str]) -> dict:
    """The discovered catalog with `selected` selected and no bridge stream in it."""
    catalog = select_streams(discovered_catalog(fake), selected)
    bridges = set(BRIDGES)
    catalog["streams"] = [s for s in catalog["streams"] if s["tap_stream_id"] not in bridges]
    return catalog


def check_no_extra_request(fake: FakeIntercom, bridge: str) -> None:
    """The parent with its bridge makes exactly the requests of the parent alone."""
    parent = parent_of(bridge)
    alone = sync_in_process(fake, {parent})
    bridged = sync_in_process(fake, {parent, bridge})
    assert bridged.records(bridge), bridge
    assert request_counts(bridged) == request_counts(alone)


def check_deselected_bridge_does_nothing(fake: FakeIntercom, bridge: str) -> None:
    run = sync_in_process(fake, {parent_of(bridge)})
    assert bridge not in run.schemas()
    assert not run.records(bridge)
    assert bridge not in run.final_state.get("bookmarks", {})


def check_alone(run: InProcessRun, fake: FakeIntercom, bridge: str) -> None:
    """The bridge selected alone: its rows are the ground truth, the parent writes nothing."""
    oracle.assert_ground_truth(fake, bridge, run.records(bridge), START)
    assert not run.records(parent_of(bridge))
    assert run.schemas()[bridge]["key_properties"] == list(BRIDGES[bridge][1:3])


def check_rows_carry_the_parent_version(fake: FakeIntercom, bridge: str) -> None:
    """Beside its parent: each row's version is its parent row's `updated_at`, ids strings."""
    parent = parent_of(bridge)
    run = sync_in_process(fake, {parent, bridge})
    _, parent_key, link_key, version_key = BRIDGES[bridge]
    parents = {r["id"]: r for r in run.records(parent)}
    rows = run.records(bridge)
    oracle.assert_ground_truth(fake, bridge, rows, START)
    for row in rows:
        assert isinstance(row[parent_key], str) and isinstance(row[link_key], str), row
        assert row[parent_key] in parents, row
        if version_key is not None:
            assert row[version_key] == parents[row[parent_key]]["updated_at"], row


def check_schema(bridge: str) -> None:
    _, parent_key, link_key, version_key = BRIDGES[bridge]
    props = stream_schema(bridge)["properties"]
    expected = {parent_key: {"type": ["null", "string"]}, link_key: {"type": ["null", "string"]}}
    if version_key is not None:
        expected[version_key] = {"type": ["null", "string"], "format": "date-time"}
    assert props == expected


class Warehouse:
    """Tables as a target with upserts on the key and ACTIVATE_VERSION support keeps them."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[tuple, dict]] = {}
        self.versions: dict[str, int] = {}

    def load(self, run: InProcessRun) -> None:
        keys = {s: m["key_properties"] for s, m in run.schemas().items()}
        for message in run.messages:
            stream = message.get("stream")
            if message["type"] == "RECORD":
                row = {**message["record"], "_version": message.get("version")}
                key = oracle.key_of(row, keys[stream])
                self.tables.setdefault(stream, {})[key] = row
            elif message["type"] == "ACTIVATE_VERSION":
                version = message["version"]
                self.versions[stream] = version
                table = self.tables.setdefault(stream, {})
                for key in [k for k, r in table.items() if r["_version"] != version]:
                    del table[key]  # a hard delete of every row of an older version

    def current_links(self, bridge: str) -> set[tuple[str, str]]:
        """The links the README's rule calls current."""
        parent, parent_key, link_key, version_key = BRIDGES[bridge]
        rows = self.tables.get(bridge, {}).values()
        if bridge in FULL_TABLE:
            return {(r[parent_key], r[link_key]) for r in rows}
        parents = {r["id"]: r["updated_at"] for r in self.tables[parent].values()}
        return {
            (r[parent_key], r[link_key])
            for r in rows
            if parents.get(r[parent_key]) == r[version_key]
        }


def check_removed_links_are_not_current(make_fake, bridge: str) -> None:
    """Two runs around `unlink` (the second from the first's state): exactly the live links
    are current, and every removed one is not."""
    fake = make_fake(scale="small", seed=3)
    parent = parent_of(bridge)
    warehouse = Warehouse()
    first = sync_in_process(fake, {parent, bridge})
    warehouse.load(first)
    removed = {tuple(pair) for pair in fake.unlink(**{bridge: 3})[bridge]}
    assert len(removed) == 3
    assert removed <= warehouse.current_links(bridge)
    warehouse.load(sync_in_process(fake, {parent, bridge}, state=first.final_state))
    live = oracle.truth_keys(fake, bridge, START)
    current = warehouse.current_links(bridge)
    assert not removed & current
    assert current == live
