"""Run `TapIntercom` in this process against a fake: the Singer messages, requests and log lines.

Faster than the CLI (`tests.singer_run`) and it gives access to the streams' objects; the
end-to-end guarantees of the real command line are in `tests/e2e/`.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

import requests

from fake_intercom import FakeIntercom
from tap_intercom.tap import TapIntercom
from tests.singer_run import base_config, select_streams

ResponseHook = Callable[[requests.Response], None]


class InProcessRun:
    """Singer messages of one in-process `sync_all`, every HTTP request it made, and what it
    logged (the tap's loggers, WARNING and above by default)."""

    def __init__(self, messages: list[dict], urls: list[str], logs: list[logging.LogRecord]):
        self.messages = messages
        self.urls = urls
        self.logs = logs

    def records(self, stream: str) -> list[dict]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    def schemas(self) -> dict[str, dict]:
        return {m["stream"]: m for m in self.messages if m["type"] == "SCHEMA"}

    def streams_emitted(self) -> set[str]:
        return {m["stream"] for m in self.messages if m["type"] == "RECORD"}

    @property
    def final_state(self) -> dict:
        states = [m["value"] for m in self.messages if m["type"] == "STATE"]
        assert states, "no STATE message"
        return states[-1]

    def requests_to(self, path: str) -> list[str]:
        return [u for u in self.urls if urlparse(u).path == path]

    def queries_to(self, path: str) -> list[dict[str, list[str]]]:
        """The query parameters of every request to `path`, in order."""
        return [parse_qs(urlparse(u).query) for u in self.requests_to(path)]

    def log_lines(self, level: int = logging.WARNING) -> list[str]:
        return [r.getMessage() for r in self.logs if r.levelno >= level]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def discovered_catalog(fake: FakeIntercom, **settings: object) -> dict:
    """The catalog `TapIntercom` discovers against `fake` (nothing selected yet)."""
    config = base_config(fake.base_url, **settings)
    return TapIntercom(config=config, parse_env_config=False).catalog_dict


def tap_for(
    fake: FakeIntercom,
    *,
    state: dict | None = None,
    catalog: dict | None = None,
    **settings: object,
) -> TapIntercom:
    """A tap configured against `fake` (`settings` override `base_config`'s)."""
    return TapIntercom(
        config=base_config(fake.base_url, **settings),
        catalog=catalog,
        state=state or {},
        parse_env_config=False,
    )


def sync_in_process(
    fake: FakeIntercom,
    streams: set[str] | None,
    *,
    state: dict | None = None,
    catalog: dict | None = None,
    hook: ResponseHook | None = None,
    **settings: object,
) -> InProcessRun:
    """Sync `streams` (None: all) with `TapIntercom.sync_all` under `redirect_stdout`.

    `catalog` replaces the discovered one (e.g. with a schema edited); `hook` may edit
    the body of each 200 response before the tap reads it (`rewrite_body`); `settings`
    override `base_config`'s (e.g. `start_date`, `concurrency`).
    """
    if catalog is None:
        catalog = discovered_catalog(fake, **settings)
    tap = tap_for(fake, state=state, catalog=select_streams(catalog, streams), **settings)
    urls: list[str] = []

    def on_response(response: requests.Response, *args: object, **kwargs: object) -> None:
        urls.append(response.url)
        if hook is not None and response.status_code == 200:
            hook(response)

    tap.run.session.hooks["response"].append(on_response)
    collect = _Collect()
    tap_logger = logging.getLogger(tap.name)
    tap_logger.addHandler(collect)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            tap.sync_all()
    finally:
        tap_logger.removeHandler(collect)
    messages = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return InProcessRun(messages, urls, collect.records)


def rewrite_body(response: requests.Response, edit: Callable[[dict], None]) -> None:
    """Edit a response's JSON body in place (from a `hook`), as if the API had sent it so."""
    body = response.json()
    edit(body)
    response._content = json.dumps(body).encode()
