"""Real responses: every body of the real-response corpus, served to the tap at its API version.

For each version, one discovery and one full sync against a replay server holding every body of
that version (`tests/replay`). Every record must validate against its stream's schema, keep
every field of its body, keep every value's meaning, and carry each epoch date as the same
instant. `KNOWN_DIFFERENCES` lists the deliberate exceptions (also in the README).
"""

from __future__ import annotations

import re
from functools import cache

import jsonschema
import pytest

from tests.replay import corpus
from tests.replay.compare import differences, epoch_dates, expected_records
from tests.replay.corpus import NOT_RECORDS, Workspace, load_bodies, replay_versions, workspace
from tests.replay.server import ReplayServer
from tests.singer_run import TapRun, base_config, discover, run_tap, select_streams

START_DATE = "2020-01-01T00:00:00Z"
_PREVIEW_ONLY = (
    "only in Preview's examples (replayed at 2.17): no supported version documents it, "
    "and no real workspace sent it; dropped with a warning"
)
#: (version, stream, path) → why the tap does not keep that field at that version.
KNOWN_DIFFERENCES: dict[tuple[str, str, str], str] = {
    ("2.17", "contacts", "formatted_phone"): _PREVIEW_ONLY,
    ("2.17", "conversations", "ai_topics"): _PREVIEW_ONLY,
    ("2.17", "conversation_parts", "event_details.call_id"): _PREVIEW_ONLY,
}
DROPPED_RE = re.compile(r"\| (\w+): field '([^']+)' is not in the schema and was dropped")


@cache
def bodies():
    return load_bodies()


def versions() -> list[str]:
    found = {v for b in bodies() if b.object_type not in NOT_RECORDS for v in replay_versions(b)}
    return sorted(found, key=lambda v: int(v.split(".")[1]))


@cache
def replay(version: str) -> tuple[Workspace, TapRun, ReplayServer]:
    space = workspace(version, bodies())
    with ReplayServer(space) as server:
        # The corpus holds no deleted-conversations listing: deletion detection is tested
        # against the fake (tests/e2e/test_deletions.py).
        config = base_config(
            server.base_url,
            api_version=version,
            start_date=START_DATE,
            deleted_conversations=False,
        )
        run = run_tap(config, catalog=select_streams(discover(config)))
    assert run.returncode == 0, run.stderr[-4000:]
    return space, run, server


@pytest.fixture(params=versions())
def replayed(request) -> tuple[str, Workspace, TapRun, ReplayServer]:
    return (request.param, *replay(request.param))


def test_every_body_is_replayed_or_is_not_a_record():
    replayed_bodies = {name for v in versions() for name in workspace(v, bodies()).bodies}
    for body in bodies():
        assert (body.name in replayed_bodies) != (body.object_type in NOT_RECORDS), body.name
    assert len(bodies()) == 263


def test_the_replay_syncs_every_stream_and_asks_nothing_unknown(replayed):
    version, space, run, server = replayed
    expected = expected_records(space)
    assert not server.unexpected, server.unexpected
    assert {s: len(r) for s, r in expected.items()} == dict(run.counts()), version


def test_every_record_validates_against_its_streams_schema(replayed):
    _, _, run, _ = replayed
    schemas = {s: jsonschema.Draft4Validator(m["schema"]) for s, m in run.schemas().items()}
    for message in run.record_messages():
        error = next(schemas[message["stream"]].iter_errors(message["record"]), None)
        assert error is None, (message["stream"], error and error.message)


def test_no_field_is_dropped_and_no_value_changes_meaning(replayed):
    version, space, run, _ = replayed
    problems, dates = [], 0
    for stream, expected in expected_records(space).items():
        schema = run.schemas()[stream]["schema"]
        for (body, record), emitted in zip(expected, run.records(stream), strict=True):
            dates += epoch_dates(record, schema)
            for problem in differences(record, emitted, schema):
                path = problem.split(":", 1)[0]
                if (version, stream, path.replace("[]", "")) not in KNOWN_DIFFERENCES:
                    problems.append(f"{stream} ({body}): {problem}")
    assert not problems, "\n".join(problems[:40])
    assert dates > 0
    invalid = [line for line in run.stderr.splitlines() if "is not valid" in line]
    assert not invalid, invalid
    dropped = {(version, *m.groups()) for m in DROPPED_RE.finditer(run.stderr)}
    dropped = {(v, stream, path.replace("[]", "")) for v, stream, path in dropped}
    assert dropped == {k for k in KNOWN_DIFFERENCES if k[0] == version}
    assert len(DROPPED_RE.findall(run.stderr)) == run.stderr.count("was dropped")


def test_a_missing_corpus_fails_naming_its_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(corpus, "CORPUS", tmp_path / "real-responses")
    with pytest.raises(FileNotFoundError, match="real-response corpus is missing") as raised:
        corpus.load_bodies()
    assert str(tmp_path / "real-responses") in str(raised.value)
