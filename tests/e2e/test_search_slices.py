"""Search slices through the real CLI: contacts, conversations (with their parts) and tickets
read as parallel `updated_at` slices (forced on small data by `search_slice_min_records`).

- the records are the ground truth, each once, and the same records as a sequential run's;
  every part comes before its conversation, and the final state is the sequential run's;
- every STATE during a sliced run only names a bookmark below which everything is written;
- a kill inside the slices, then a resume from the last STATE, loses nothing;
- under search-index lag with live edits, two runs lose no version and no part.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from fake_intercom import FakeIntercom
from tap_intercom.dates import epoch_to_datetime
from tests import aux_venvs, oracle
from tests.e2e.test_interrupted import run_until_killed
from tests.e2e.test_search_lag import _epoch, _lost_versions
from tests.singer_run import TapRun, base_config, discover, run_tap, select_streams

START = "2023-01-01T00:00:00Z"
SEARCHED = ["contacts", "conversations", "tickets"]
#: The children and incremental bridges of the searches, by the parent version they carry.
PARENT_VERSION = {
    "conversation_parts": "conversation_updated_at",
    "contact_tags": "contact_updated_at",
    "conversation_tags": "conversation_updated_at",
    "ticket_contacts": "ticket_updated_at",
}
STREAMS = [*SEARCHED, *PARENT_VERSION]
COUNTS = {"contacts": 700, "companies": 10, "conversations": 150, "tickets": 200}
#: Slicing on for a few hundred records: at least 40 records to a slice.
SLICED = {"search_slices": 6, "search_slice_min_records": 20}
SEQUENTIAL = {"search_slices": 1}


@pytest.fixture(scope="module")
def fake():
    # A little latency, so the slices' pages arrive interleaved.
    with FakeIntercom(scale="small", seed=23, **COUNTS) as server:
        server.control(latency_ms=4)
        yield server


def _config(fake: FakeIntercom, **settings: object) -> dict:
    return base_config(fake.base_url, start_date=START, parallel_streams=1, **settings)


def _sorted_records(records: list[dict]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True) for r in records)


@pytest.fixture(scope="module", params=["2.14", "2.17"])
def api_version(request) -> str:
    """Contact search compares days before 2.17, seconds from 2.17 on."""
    return request.param


@pytest.fixture(scope="module")
def runs(api_version, fake):
    version = api_version
    catalog = select_streams(discover(_config(fake, api_version=version)), set(STREAMS))
    sequential = run_tap(_config(fake, api_version=version, **SEQUENTIAL), catalog=catalog)
    sliced = run_tap(_config(fake, api_version=version, **SLICED), catalog=catalog)
    assert sequential.returncode == 0, sequential.stderr[-3000:]
    assert sliced.returncode == 0, sliced.stderr[-3000:]
    return sequential, sliced


def test_each_search_was_read_in_slices(runs):
    _, sliced = runs
    for stream in SEARCHED:
        assert f"{stream}: reading " in sliced.stderr, stream
    assert "updated_at slices" not in runs[0].stderr


def test_sliced_records_are_the_ground_truth_and_a_sequential_runs(fake, runs):
    sequential, sliced = runs
    for stream in STREAMS:
        oracle.assert_ground_truth(fake, stream, sliced.records(stream), START)
        assert _sorted_records(sliced.records(stream)) == _sorted_records(
            sequential.records(stream)
        ), stream
    # Out of updated_at order (slices interleave), or this test proves nothing.
    contacts = [_epoch(r["updated_at"]) for r in sliced.records("contacts")]
    assert contacts != sorted(contacts)


def test_sliced_searches_in_parallel_streams_write_the_same(fake, api_version, runs):
    """Each searched stream on its own thread, its slices on the shared pool: the same
    records and final state (the spools are replayed by the main thread)."""
    sequential, _ = runs
    config = _config(fake, api_version=api_version, **SLICED)
    config["parallel_streams"] = 4
    catalog = select_streams(discover(config), set(STREAMS))
    parallel = run_tap(config, catalog=catalog)
    assert parallel.returncode == 0, parallel.stderr[-3000:]
    assert "contacts: reading " in parallel.stderr
    for stream in STREAMS:
        assert _sorted_records(parallel.records(stream)) == _sorted_records(
            sequential.records(stream)
        ), stream
    assert parallel.final_state == sequential.final_state


@pytest.mark.parametrize("timezone", ["America/Los_Angeles", "Asia/Kolkata"])
def test_day_slices_meet_at_the_workspaces_own_day_boundary(make_fake, timezone):
    """Contact search on 2.14 compares days in the workspace's timezone, which the tap does
    not know: slices cut at UTC midnights still emit every contact exactly once."""
    fake = make_fake(scale="small", seed=29, contacts=900, companies=5, conversations=5)
    fake.control(workspace_timezone=timezone)
    config = _config(fake, api_version="2.14", **SLICED)
    catalog = select_streams(discover(config), {"contacts"})
    run = run_tap(config, catalog=catalog)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "contacts: reading " in run.stderr
    oracle.assert_ground_truth(fake, "contacts", run.records("contacts"), START)


def test_one_worker_reads_one_chain(fake):
    """Slice pages run on the worker pool: with `concurrency` 1 there is nothing to overlap."""
    config = _config(fake, **SLICED, concurrency=1)
    run = run_tap(config, catalog=select_streams(discover(config), {"contacts"}))
    assert run.returncode == 0, run.stderr[-3000:]
    assert "updated_at slices" not in run.stderr
    oracle.assert_ground_truth(fake, "contacts", run.records("contacts"), START)


def test_the_final_state_is_a_sequential_runs(runs):
    sequential, sliced = runs
    assert sliced.final_state == sequential.final_state


def test_every_part_comes_before_its_conversation(runs):
    _, sliced = runs
    written: set[str] = set()
    parts_of: Counter = Counter()
    for message in sliced.record_messages():
        record = message["record"]
        if message["stream"] == "conversation_parts":
            assert record["conversation_id"] not in written, record["conversation_id"]
            parts_of[record["conversation_id"]] += 1
        elif message["stream"] == "conversations":
            written.add(str(record["id"]))
    assert set(parts_of) <= written
    assert sum(parts_of.values()) == len(sliced.records("conversation_parts"))


def _bookmark(state: dict, stream: str) -> int | None:
    value = (state.get("bookmarks", {}).get(stream) or {}).get("replication_key_value")
    return _epoch(value)


def _states_held_back(run: TapRun) -> int:
    """Assert that at each STATE, every record of the run whose `updated_at` (a part: its
    conversation's) is below the STATE's bookmark was written before it; return how many
    bookmarks were held below a record already written (0: the check proved nothing)."""
    field = PARENT_VERSION
    everything = {
        stream: Counter(_epoch(r[field.get(stream, "updated_at")]) for r in run.records(stream))
        for stream in STREAMS
    }
    seen: dict[str, Counter] = {stream: Counter() for stream in STREAMS}
    held_back = 0
    for message in run.messages:
        if message["type"] == "RECORD" and message["stream"] in seen:
            record = message["record"]
            seen[message["stream"]][_epoch(record[field.get(message["stream"], "updated_at")])] += 1
        elif message["type"] == "STATE":
            for stream in STREAMS:
                mark = _bookmark(message["value"], stream)
                if mark is None:
                    continue
                below = {e: n for e, n in everything[stream].items() if e < mark}
                missing = {e: n - seen[stream][e] for e, n in below.items() if seen[stream][e] < n}
                assert not missing, (stream, mark, sorted(missing)[:3])
                if seen[stream] and mark < max(seen[stream]):
                    held_back += 1
    return held_back


def test_every_state_only_names_what_is_written_below_it(runs):
    _, sliced = runs
    assert _states_held_back(sliced), "no STATE was held back: nothing was tested"


def test_a_child_behind_its_parent_is_held_at_the_query_bound(fake):
    """conversation_parts newly selected (no bookmark) beside a conversations bookmark: the
    search reads from the parts' bound, and the parts' bookmark follows the slices from
    there, not from the conversations' own bound."""
    config = _config(fake)
    catalog = select_streams(discover(config), {"conversations", "conversation_parts"})
    middle = sorted(_epoch(r["updated_at"]) for r in oracle.truth(fake, "conversations", START)[1])
    state = {
        "bookmarks": {
            "conversations": {
                "replication_key": "updated_at",
                "replication_key_value": epoch_to_datetime(middle[len(middle) // 2]),
            }
        }
    }
    sequential = run_tap(_config(fake, **SEQUENTIAL), catalog=catalog, state=state)
    sliced = run_tap(_config(fake, **SLICED), catalog=catalog, state=state)
    assert sliced.returncode == 0, sliced.stderr[-3000:]
    assert "conversations: reading " in sliced.stderr
    for stream in ("conversations", "conversation_parts"):
        assert _sorted_records(sliced.records(stream)) == _sorted_records(
            sequential.records(stream)
        ), stream
    assert len(sliced.records("conversations")) < len(middle)  # the parent kept its own bound
    assert sliced.final_state == sequential.final_state
    assert _states_held_back(sliced)


def test_a_stitch_state_and_catalog_are_read_as_by_a_sequential_run(fake, tmp_path):
    """A hand-written Stitch state (its `updated_at` key, a bare-string legacy bookmark) and
    the catalog Stitch's tap discovered: the sliced run reads from the same bounds."""
    bookmark = "2024-01-01T00:00:00.000000Z"
    state = {
        "currently_syncing": "contacts",
        "bookmarks": {
            "contacts": {"updated_at": bookmark},
            "conversations": "2024-01-01T00:00:00-00:00",
        },
    }
    catalog = aux_venvs.stitch_discovered_catalog(tmp_path)
    for entry in catalog["streams"]:
        wanted = entry["tap_stream_id"] in {"contacts", "conversations", "conversation_parts"}
        entry["metadata"][0]["metadata"]["selected"] = wanted
    sequential = run_tap(_config(fake, **SEQUENTIAL), catalog=catalog, state=state)
    sliced = run_tap(_config(fake, **SLICED), catalog=catalog, state=state)
    assert sliced.returncode == 0, sliced.stderr[-3000:]
    assert "contacts: reading " in sliced.stderr
    for stream in ("contacts", "conversations", "conversation_parts"):
        assert sliced.records(stream), stream
        assert _sorted_records(sliced.records(stream)) == _sorted_records(
            sequential.records(stream)
        ), stream
    assert all(r["updated_at"] >= bookmark for r in sliced.records("contacts"))
    assert sliced.final_state == sequential.final_state


@pytest.mark.slow
def test_a_kill_inside_the_slices_resumes_without_loss(fake, tmp_path):
    config = _config(fake, **SLICED, max_retry_wait=0.5)
    catalog = select_streams(discover(config), set(STREAMS))
    reference = run_tap(_config(fake, **SEQUENTIAL), catalog=catalog)
    assert reference.returncode == 0, reference.stderr[-3000:]
    order = [m["stream"] for m in run_tap(config, catalog=catalog).record_messages()]
    # Points inside each sliced stream's output (the first, a few within, the last but one).
    points = set()
    for stream in ("contacts", "conversations", "conversation_parts", "tickets"):
        positions = [i + 1 for i, s in enumerate(order) if s == stream]
        points |= {positions[int(len(positions) * k / 4)] for k in range(4)}
    lost: Counter = Counter()
    for n in sorted(points):
        tmp = tmp_path / f"kill_{n}"
        tmp.mkdir()
        killed = run_until_killed(config, catalog, n, tmp)
        resumed = run_tap(config, catalog=catalog, state=killed.last_state)
        assert resumed.returncode == 0, (n, resumed.stderr[-3000:])
        for stream in STREAMS:
            union = killed.records.get(stream, []) + resumed.records(stream)
            result = oracle.compare(fake, stream, union, START)
            lost[stream] += len(result.missing)
            assert not result.missing, (n, stream, sorted(result.missing)[:3])
            assert not result.unexpected, (n, stream, sorted(result.unexpected)[:3])
        assert resumed.final_state == reference.final_state, n
    assert len(points) >= 12
    assert sum(lost.values()) == 0


def test_slices_survive_faults_on_their_pages(make_fake):
    """500s and connection resets on slice pages are retried on the workers; nothing lost."""
    fake = make_fake(scale="small", seed=5, **COUNTS)
    config = _config(fake, **SLICED, max_retry_wait=0.2, max_retries=10)
    catalog = select_streams(discover(config), set(STREAMS))
    fake.control(faults={"500": 0.05, "reset": 0.03})
    run = run_tap(config, catalog=catalog)
    assert run.returncode == 0, run.stderr[-3000:]
    retried = [line for line in run.stderr.splitlines() if "Retrying" in line]
    assert any("/search" in line for line in retried), retried[:3]
    for stream in STREAMS:
        oracle.assert_ground_truth(fake, stream, run.records(stream), START)


def test_no_version_or_part_is_lost_under_index_lag_with_live_edits(make_fake):
    lost = _lost_versions(make_fake, None, **SLICED)
    assert not any(lost.values()), {stream: sorted(keys)[:3] for stream, keys in lost.items()}
