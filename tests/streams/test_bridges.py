"""What every bridge stream guarantees (`tap_intercom/bridges.py`), for each of the seven:
no request of its own, nothing when deselected, exactly the fake's links alone and beside its
parent (the version column equal to the parent row's `updated_at`), and removed links not
current after a second run. The checks are `bridge_checks.py`; each bridge's own behaviour
is in `test_<bridge>.py`.
"""

from __future__ import annotations

import pytest

from tap_intercom.streams import BRIDGE_STREAM_TYPES
from tests.in_process import sync_in_process
from tests.streams import bridge_checks

BRIDGES = [stream_type.name for stream_type in BRIDGE_STREAM_TYPES]


@pytest.mark.parametrize("bridge", BRIDGES)
def test_no_request_of_its_own(fake_intercom, bridge):
    bridge_checks.check_no_extra_request(fake_intercom, bridge)


@pytest.mark.parametrize("bridge", BRIDGES)
def test_deselected_it_does_nothing(fake_intercom, bridge):
    bridge_checks.check_deselected_bridge_does_nothing(fake_intercom, bridge)


@pytest.mark.parametrize("bridge", BRIDGES)
def test_schema(bridge):
    bridge_checks.check_schema(bridge)


@pytest.mark.parametrize("bridge", BRIDGES)
def test_alone_its_rows_are_the_ground_truth(fake_intercom, bridge):
    run = sync_in_process(fake_intercom, {bridge})
    bridge_checks.check_alone(run, fake_intercom, bridge)


@pytest.mark.parametrize("bridge", BRIDGES)
def test_rows_carry_the_parent_version(fake_intercom, bridge):
    bridge_checks.check_rows_carry_the_parent_version(fake_intercom, bridge)


@pytest.mark.parametrize("bridge", BRIDGES)
def test_removed_links_are_not_current(make_fake, bridge):
    bridge_checks.check_removed_links_are_not_current(make_fake, bridge)


def test_all_bridges_at_once_cost_no_request(fake_intercom):
    parents = {bridge_checks.parent_of(bridge) for bridge in BRIDGES}
    alone = sync_in_process(fake_intercom, parents)
    bridged = sync_in_process(fake_intercom, parents | set(BRIDGES))
    assert bridge_checks.request_counts(bridged) == bridge_checks.request_counts(alone)
    assert {m["stream"] for m in bridged.messages if m["type"] == "RECORD"} == parents | set(
        BRIDGES
    )


def test_a_catalog_without_the_bridges_syncs_as_before(fake_intercom):
    """A catalog that does not name them (Stitch's): no bridge message, the same records."""
    parents = {bridge_checks.parent_of(bridge) for bridge in BRIDGES}
    catalog = bridge_checks.catalog_without_bridges(fake_intercom, parents)
    run = sync_in_process(fake_intercom, None, catalog=catalog)
    assert not {m.get("stream") for m in run.messages} & set(BRIDGES)
    for parent in parents:
        assert run.records(parent) == sync_in_process(fake_intercom, {parent}).records(parent)


def test_parallel_streams_write_the_same_bridge_rows(fake_intercom):
    """Bridges are written on their parent's thread, into its spool: the output of a parallel
    run is the sequential one's."""
    parents = {bridge_checks.parent_of(bridge) for bridge in BRIDGES}
    streams = parents | set(BRIDGES)
    sequential = sync_in_process(fake_intercom, streams, parallel_streams=1)
    parallel = sync_in_process(fake_intercom, streams, parallel_streams=4)
    for bridge in BRIDGES:
        assert parallel.records(bridge) == sequential.records(bridge), bridge
    assert parallel.final_state["bookmarks"] == sequential.final_state["bookmarks"]
