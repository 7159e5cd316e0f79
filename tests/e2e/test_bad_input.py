"""Bad input: every mistake a user can make (and a few server surprises) ends in one line that
names the problem and the fix, a non-zero exit where the run cannot succeed, and never a
Python traceback. The cases are shared with test_secrets, which replays them at DEBUG level.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fake_intercom import FakeIntercom
from tap_intercom.streams import STREAM_TYPES
from tests.breaking_proxy import breaking_proxy
from tests.singer_run import TapRun, base_config, discover, run_tap, select_streams

#: A distinctive token: test_secrets greps every output for it.
SECRET = "tok_SECRET_9f3k"
REQUEST_ID_RE = re.compile(r"request_id [0-9a-f-]{36}")
KNOWN_STREAMS = ", ".join(sorted(stream_type.name for stream_type in STREAM_TYPES))


@dataclass
class Ctx:
    """What a case needs: a fake that accepts SECRET, a catalog, a scratch dir, extra env."""

    fake: FakeIntercom
    catalog: dict
    tmp: Path
    env: dict[str, str]
    make_fake: Callable[..., FakeIntercom]

    def config(self, **overrides: object) -> dict:
        config = base_config(
            self.fake.base_url,
            access_token=SECRET,
            request_timeout=5,
            max_retries=2,
            max_retry_wait=0.2,
        )
        config.update(overrides)
        return {k: v for k, v in config.items() if v is not None}

    def run(self, config: dict | None = None, **kwargs: object) -> TapRun:
        kwargs.setdefault("catalog", self.catalog)
        return run_tap(
            self.config() if config is None else config,
            env=self.env,
            timeout=120,
            **kwargs,  # type: ignore[arg-type]
        )

    def file(self, name: str, text: str) -> str:
        path = self.tmp / name
        path.write_text(text)
        return str(path)

    def run_files(self, **files: str | None) -> TapRun:
        """Run with explicit --config/--catalog/--state paths (None: leave the option out)."""
        args: list[str] = []
        for option in ("config", "catalog", "state"):
            path = files.get(option)
            if path is not None:
                args += [f"--{option}", path]
        return run_tap(None, args=tuple(args), env=self.env, timeout=120)


@dataclass
class Case:
    run: Callable[[Ctx], TapRun]
    #: The last line of stderr (request ids normalised to `request_id <id>`), or for a run that
    #: succeeds, a line that must be in stderr.
    expected: Callable[[Ctx], str] | str
    returncode: int = 1


def _rejected_token(ctx: Ctx) -> TapRun:
    other = ctx.make_fake(scale="small", seed=1, token="tok_the_right_one")
    return ctx.run(ctx.config(api_url=other.base_url))


def _forbidden_stream(ctx: Ctx) -> TapRun:
    fake = ctx.make_fake(scale="small", seed=1, token=SECRET)
    fake.control(forbidden=["/tags"])
    return ctx.run(ctx.config(api_url=fake.base_url))


def _deleted_conversation(ctx: Ctx) -> TapRun:
    fake = ctx.make_fake(scale="small", seed=1, token=SECRET)
    fake.control(deleted_conversations=["1000000005"])
    catalog = select_streams(ctx.catalog, {"conversations", "conversation_parts"})
    return ctx.run(ctx.config(api_url=fake.base_url), catalog=catalog)


def _non_json_200(ctx: Ctx) -> TapRun:
    with breaking_proxy(ctx.fake.base_url, "/tags", "html200") as proxy:
        return ctx.run(ctx.config(api_url=proxy.base_url))


def _unknown_stream(ctx: Ctx) -> TapRun:
    catalog = json.loads(json.dumps(ctx.catalog))
    entry = next(e for e in catalog["streams"] if e["tap_stream_id"] == "tags")  # selected
    entry["tap_stream_id"] = entry["stream"] = "contacts_v2"
    return ctx.run(catalog=catalog)


CASES: dict[str, Case] = {
    "missing access_token": Case(
        lambda ctx: ctx.run(ctx.config(access_token=None)),
        "tap-intercom: error: access_token is missing or empty; set it in the config file or "
        "as TAP_INTERCOM_ACCESS_TOKEN (an Intercom access token from Developer Hub)",
    ),
    "empty access_token": Case(
        lambda ctx: ctx.run(ctx.config(access_token="")),
        "tap-intercom: error: access_token is missing or empty; set it in the config file or "
        "as TAP_INTERCOM_ACCESS_TOKEN (an Intercom access token from Developer Hub)",
    ),
    "rejected token (401)": Case(
        _rejected_token,
        "tap-intercom: error: Intercom rejected the access token (401: unauthorized - Access "
        "Token Invalid, request_id <id>); check `access_token` and that `region` (or "
        "`api_url`) matches your workspace's region (us, eu or au)",
    ),
    "token lacks a scope (403)": Case(
        _forbidden_stream,
        "Skipping stream 'tags': the access token is not allowed to read it (HTTP 403: "
        "forbidden - You are not allowed to do that., request_id <id> for GET /tags). Grant "
        "the scope in Intercom's Developer Hub to sync it.",
        returncode=0,
    ),
    "unknown region": Case(
        lambda ctx: ctx.run(ctx.config(api_url=None, region="mars")),
        "tap-intercom: error: region 'mars' is not one of us, eu, au; set `region` to the "
        "region of your Intercom workspace",
    ),
    "api_url over plain http": Case(
        lambda ctx: ctx.run(ctx.config(api_url="http://intercom.example.com")),
        "tap-intercom: error: api_url 'http://intercom.example.com' uses plain http to a "
        "non-loopback host; use https:// (plain http is only allowed for 127.0.0.1/localhost)",
    ),
    "malformed start_date": Case(
        lambda ctx: ctx.run(ctx.config(start_date="last tuesday")),
        "tap-intercom: error: start_date 'last tuesday' is not an ISO 8601 date-time; use e.g. "
        "2024-01-01T00:00:00Z",
    ),
    "unreadable config": Case(
        lambda ctx: ctx.run_files(config=str(ctx.tmp / "nope.json")),
        lambda ctx: (
            f"tap-intercom: error: cannot read the config file '{ctx.tmp}/nope.json' (No such "
            "file or directory); check the --config path"
        ),
    ),
    "malformed config": Case(
        lambda ctx: ctx.run_files(config=ctx.file("c.json", '{"access_token": "' + SECRET)),
        lambda ctx: (
            f"tap-intercom: error: the config file '{ctx.tmp}/c.json' is not valid JSON "
            "(Unterminated string starting at at line 1 column 18); fix the file (a JSON "
            "object of settings, see --about)"
        ),
    ),
    "config not an object": Case(
        lambda ctx: ctx.run_files(config=ctx.file("c.json", json.dumps([ctx.config()]))),
        lambda ctx: (
            f"tap-intercom: error: the config file '{ctx.tmp}/c.json' holds a JSON list, not "
            "an object; fix the file (a JSON object of settings, see --about)"
        ),
    ),
    "unreadable catalog": Case(
        lambda ctx: ctx.run_files(
            config=ctx.file("c.json", json.dumps(ctx.config())),
            catalog=str(ctx.tmp / "nope.json"),
        ),
        lambda ctx: (
            "Error: Invalid value for '--catalog' / '--properties' / '-p': "
            f"'{ctx.tmp}/nope.json': No such file or directory"
        ),
        returncode=2,
    ),
    "malformed catalog": Case(
        lambda ctx: ctx.run_files(
            config=ctx.file("c.json", json.dumps(ctx.config())),
            catalog=ctx.file("catalog.json", '{"streams": [}'),
        ),
        lambda ctx: (
            f"tap-intercom: error: the catalog file '{ctx.tmp}/catalog.json' is not valid JSON "
            "(Expecting value at line 1 column 14); re-run --discover to write a new catalog"
        ),
    ),
    "unreadable state": Case(
        lambda ctx: ctx.run_files(
            config=ctx.file("c.json", json.dumps(ctx.config())),
            catalog=ctx.file("catalog.json", json.dumps(ctx.catalog)),
            state=str(ctx.tmp / "nope.json"),
        ),
        lambda ctx: (
            f"Error: Invalid value for '--state' / '-s': '{ctx.tmp}/nope.json': "
            "No such file or directory"
        ),
        returncode=2,
    ),
    "malformed state": Case(
        lambda ctx: ctx.run_files(
            config=ctx.file("c.json", json.dumps(ctx.config())),
            catalog=ctx.file("catalog.json", json.dumps(ctx.catalog)),
            state=ctx.file("state.json", '{"bookmarks": {"contacts": '),
        ),
        lambda ctx: (
            f"tap-intercom: error: the state file '{ctx.tmp}/state.json' is not valid JSON "
            "(Expecting value at line 1 column 28); fix the file or remove --state to start "
            "from start_date"
        ),
    ),
    "state not an object": Case(
        lambda ctx: ctx.run_files(
            config=ctx.file("c.json", json.dumps(ctx.config())),
            catalog=ctx.file("catalog.json", json.dumps(ctx.catalog)),
            state=ctx.file("state.json", '"2024-01-01"'),
        ),
        lambda ctx: (
            f"tap-intercom: error: the state file '{ctx.tmp}/state.json' holds a JSON str, not "
            "an object; fix the file or remove --state to start from start_date"
        ),
    ),
    "catalog selects an unknown stream": Case(
        _unknown_stream,
        "tap-intercom: error: the catalog selects stream 'contacts_v2', which this tap does "
        f"not have (known: {KNOWN_STREAMS}); re-run --discover",
    ),
    "conversation deleted between search and detail (404)": Case(
        _deleted_conversation,
        "conversation_parts: conversation 1000000005 was deleted after it was found; skipped",
        returncode=0,
    ),
    "unknown Intercom-Version": Case(
        lambda ctx: ctx.run(ctx.config(api_version="9.99")),
        "tap-intercom: error: api_version '9.99' is not an Intercom API version the tap "
        "supports; set `api_version` to a version from 2.11 to 2.17 (default 2.14), or "
        "remove it",
    ),
    "non-JSON 200 body": Case(
        _non_json_200,
        "tap-intercom: error: HTTP 200 with a body that is not JSON for GET /tags (truncated, "
        "or a proxy's page: check `api_url`) (still failing after retries; try again later)",
    ),
}


def expected_line(case: Case, ctx: Ctx) -> str:
    return case.expected(ctx) if callable(case.expected) else case.expected


def normalised(text: str) -> str:
    return REQUEST_ID_RE.sub("request_id <id>", text)


@pytest.fixture(scope="module")
def secret_fake() -> Iterator[FakeIntercom]:
    with FakeIntercom(scale="small", seed=1, token=SECRET) as fake:
        yield fake


@pytest.fixture(scope="module")
def tags_catalog(secret_fake) -> dict:
    config = base_config(secret_fake.base_url, access_token=SECRET)
    return select_streams(discover(config), {"tags", "teams"})


@pytest.fixture
def ctx(secret_fake, tags_catalog, tmp_path, make_fake) -> Ctx:
    return Ctx(secret_fake, tags_catalog, tmp_path, {}, make_fake)


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_ends_in_one_clear_line(ctx, name):
    case = CASES[name]
    run = case.run(ctx)
    expected = expected_line(case, ctx)
    assert run.returncode == case.returncode, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    lines = normalised(run.stderr).rstrip("\n").splitlines()
    if case.returncode == 0:
        # The run succeeds: the problem is a warning naming what was skipped.
        assert any(line.endswith(expected) for line in lines), run.stderr[-3000:]
        assert " | WARNING  | " in next(line for line in lines if line.endswith(expected))
    else:
        assert lines[-1] == expected
        errors = [line for line in lines if line.startswith(("tap-intercom: error:", "Error:"))]
        assert errors == [expected]  # exactly one error line
        assert not run.record_messages()


def test_a_forbidden_stream_is_skipped_the_others_sync_and_the_summary_says_so(ctx):
    run = _forbidden_stream(ctx)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.streams_emitted() == {"teams"}
    assert re.search(r"\|\s+tags\s+SKIPPED \(403 forbidden\)$", run.stderr, re.M), run.stderr


def test_a_deleted_conversation_skips_only_its_parts(ctx):
    run = _deleted_conversation(ctx)
    assert run.returncode == 0, run.stderr[-3000:]
    parents = {r["conversation_id"] for r in run.records("conversation_parts")}
    assert "1000000005" not in parents
    assert len(parents) > 100
    assert "1000000005" in {r["id"] for r in run.records("conversations")}
