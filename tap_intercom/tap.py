"""tap-intercom: the Tap class, its settings and its command line."""

from __future__ import annotations

import json
import logging
import sys
import typing as t
from functools import cached_property
from pathlib import Path

import click
import dotenv
import requests
from singer_sdk import Tap
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError, FatalAPIError, RetriableAPIError
from singer_sdk.helpers._state import StateWriter
from singer_sdk.singerlib import StateMessage

from tap_intercom.catalog import upgrade_input_catalog
from tap_intercom.custom_attributes import custom_attributes_schema
from tap_intercom.errors import ConfigError, IntercomForbiddenError, UserFacingError
from tap_intercom.input_files import check_config_path, checked_json_file
from tap_intercom.memory import configure_malloc
from tap_intercom.parallel_sync import ParallelStreamSync, StopRequestedError, current_spool
from tap_intercom.progress import QuietRepeatedSdkLines, StreamProgress, summary_lines
from tap_intercom.rate_limit import RateLimitGovernor
from tap_intercom.run_stats import RunStats
from tap_intercom.schemas import stream_schema
from tap_intercom.settings import DEFAULT_API_VERSION, validate_config
from tap_intercom.state import load_external_state, to_external_state
from tap_intercom.streams import STREAM_TYPES

if t.TYPE_CHECKING:
    from types import FrameType

    from singer_sdk import Stream
    from singer_sdk.singerlib import Message

#: Parallel conversation-detail fetches (see the README's benchmark for how it was chosen).
DEFAULT_CONCURRENCY = 32
#: Top-level streams (each with its children) syncing at once when `concurrency` > 1.
PARALLEL_STREAMS = 8

#: Streams whose records carry typed `custom_attributes`, and the data-attribute model of each.
CUSTOM_ATTRIBUTE_MODELS: dict[str, str] = {
    "contacts": "contact",
    "companies": "company",
    "conversations": "conversation",
}


class StitchCompatibleStateWriter(StateWriter):
    """Writes STATE in a shape both this tap and Stitch's tap resume from.

    The SDK's own keys stay (`replication_key`, `replication_key_value`); each incremental
    bookmark also carries Stitch's `updated_at`; full-table streams get no `{}` bookmark;
    transient SDK keys are dropped; `currently_syncing` is kept at the top level.
    """

    def __init__(self, tap: TapIntercom) -> None:
        super().__init__(tap.message_writer)
        self._tap = tap

    def write_state(self, state: dict) -> None:
        spool = current_spool()
        if spool is not None:
            # On a stream's sync thread: the main thread writes it, in order (parallel_sync).
            spool.add_state(state, emit=True)
            return
        external = to_external_state(
            state,
            self._tap.replication_keys,
            currently_syncing=self._tap.currently_syncing,
        )
        if self._last_emitted_state is None or external != self._last_emitted_state:
            self._message_writer.write_message(StateMessage(value=external))
            self._last_emitted_state = json.loads(json.dumps(external))


class TapIntercom(Tap):
    """Singer tap for Intercom: contacts, companies, conversations and their parts, admins,
    teams, tags, segments, data attributes, articles, help center, tickets and activity logs.
    Stitch-compatible catalog, state and records."""

    name = "tap-intercom"
    dynamic_catalog = True

    config_jsonschema = th.PropertiesList(
        th.Property(
            "access_token",
            th.StringType,
            required=True,
            secret=True,
            title="Access token",
            description="Intercom access token (Developer Hub → your app → Authentication).",
        ),
        th.Property(
            "start_date",
            th.DateTimeType,
            title="Start date",
            description=(
                "Earliest `updated_at` to extract on the first sync (ISO 8601). "
                "Default: one year before now. A saved bookmark always wins."
            ),
        ),
        th.Property(
            "region",
            th.StringType,
            default="us",
            allowed_values=["us", "eu", "au"],
            title="Region",
            description=(
                "Region of the Intercom workspace: us (api.intercom.io), "
                "eu (api.eu.intercom.io) or au (api.au.intercom.io)."
            ),
        ),
        th.Property(
            "api_url",
            th.StringType,
            title="API base URL",
            description=(
                "Override the API base URL (proxies, tests). Wins over `region`. "
                "Must be https unless the host is loopback."
            ),
        ),
        th.Property(
            "api_version",
            th.StringType,
            default=DEFAULT_API_VERSION,
            title="API version",
            description="Sent as the `Intercom-Version` header.",
        ),
        th.Property(
            "request_timeout",
            th.CustomType({"type": ["number", "string", "null"]}),
            default=300,
            title="Request timeout",
            description="Seconds before an HTTP request times out (number or numeric string).",
        ),
        th.Property(
            "max_retries",
            th.IntegerType,
            default=7,
            title="Max retries",
            description=(
                "Retries of one failed request (429, 5xx, timeout, connection reset, truncated "
                "body) before the run stops with an error."
            ),
        ),
        th.Property(
            "max_retry_wait",
            th.NumberType,
            default=60,
            title="Max retry wait",
            description=(
                "Longest wait in seconds before one retry: backoff doubles from 1 s up to this; "
                "a 429 waits for Intercom's X-RateLimit-Reset and `scroll_exists` for 15 s, "
                "both at most this. Lower it (with `max_retries`) to fail sooner in an outage."
            ),
        ),
        th.Property(
            "concurrency",
            th.IntegerType,
            default=DEFAULT_CONCURRENCY,
            title="Concurrency",
            description=(
                "Per-record detail requests in flight at once per stream (conversation "
                "details for conversation_parts, admin details, contacts' tags and companies "
                "past 10). Above "
                "1, up to 8 streams also sync at the same time; their output is buffered in "
                "temporary files (TMPDIR) and written in catalog order. 1 = all sequential. "
                "Output is identical for any value."
            ),
        ),
        th.Property(
            "max_requests_per_minute",
            th.NumberType,
            title="Max requests per minute",
            description=(
                "Cap this tap's request rate below the app's quota (10,000/min by default), "
                "leaving the rest to the workspace's other integrations. Default: no own cap; "
                "the tap still paces itself by Intercom's rate-limit headers."
            ),
        ),
        th.Property(
            "user_agent",
            th.StringType,
            title="User agent",
            description="User-Agent header to send (default: tap-intercom/<version>).",
        ),
    ).to_dict()

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        self.currently_syncing: str | None = None
        self.run_stats = RunStats()
        self._data_attribute_cache: dict[str, list[dict]] = {}
        validate = kwargs.get("validate_config", True)
        if isinstance(kwargs.get("catalog"), dict):
            kwargs["catalog"] = upgrade_input_catalog(kwargs["catalog"])
        super().__init__(*args, **kwargs)
        if validate:
            validate_config(self.config)
            self._check_catalog_streams()
        self._state_writer = StitchCompatibleStateWriter(self)
        self._progress: dict[str, StreamProgress] = {}
        self._finished: set[str] = set()
        self._parallel_sync: ParallelStreamSync | None = None
        quiet = QuietRepeatedSdkLines()
        for stream_type in STREAM_TYPES:
            logging.getLogger(f"{self.name}.{stream_type.name}").addFilter(quiet)

    # --- progress -------------------------------------------------------------------------

    def progress_for(self, stream_name: str) -> StreamProgress:
        if stream_name not in self._progress:
            self._progress[stream_name] = StreamProgress(stream_name)
        return self._progress[stream_name]

    def stream_finished(self, stream_name: str) -> None:
        """After the SDK's last per-stream call of the run, log the summary once."""
        self._finished.add(stream_name)
        if self._finished >= set(self.streams):
            for line in summary_lines(self._progress, self.run_stats):
                self.logger.info("%s", line)

    # --- sync -----------------------------------------------------------------------------

    def write_message(self, message: Message) -> None:
        """Write a Singer message; on a stream's sync thread, into that stream's spool."""
        spool = current_spool()
        if spool is None:
            super().write_message(message)
        else:
            spool.add_line(self.message_writer.format_message(message))

    def sync_all(self) -> None:
        """With `concurrency` > 1, sync the selected top-level streams in parallel (see
        `parallel_sync`: stdout is identical to the sequential run, written by this thread)."""
        top_level = [
            stream
            for stream in self.streams.values()
            if (stream.selected or stream.has_selected_descendents)
            and not stream.parent_stream_type
        ]
        if self.concurrency <= 1 or len(top_level) <= 1:
            super().sync_all()  # nothing to overlap: no spooling
            return
        self._reset_state_progress_markers()
        self._set_compatible_replication_methods()
        if self.state:
            self._state_writer.write_state(self.state)
        for stream in self.streams.values():
            if not stream.selected and not stream.has_selected_descendents:
                self.logger.info("Skipping deselected stream '%s'.", stream.name)
        # Streams add their own bookmarks; the container must exist before they run.
        self.state.setdefault("bookmarks", {})
        self._parallel_sync = ParallelStreamSync(
            top_level,
            owned_names=stream_family,
            sync_one=sync_stream,
            final_state=lambda: self.state,
            write_text=write_stdout,
            write_state=self._state_writer.write_state,
            emitted_state=json.loads(json.dumps(self.state)),
            max_parallel=PARALLEL_STREAMS,
            on_abort=self.rate_governor.close,
        )
        try:
            self._parallel_sync.run()
        except StopRequestedError:
            # SIGINT/SIGTERM: the state of what is on stdout (not of what is spooled).
            self._state_writer.write_state(self._parallel_sync.emitted_state)
            self.logger.info("Gracefully shutting down...")
            sys.exit(0)
        except BaseException:
            failed = self._parallel_sync.failed_stream
            if failed is not None:
                # The SDK's line, logged here: on the sync threads it is muted (see progress).
                self.streams[failed].logger.error(
                    "An unhandled error occurred while syncing '%s'", failed
                )
            raise
        for stream in self.streams.values():
            stream.log_sync_costs()

    def _handle_termination(self, signum: int, frame: FrameType | None) -> None:
        """On SIGINT/SIGTERM while streams replay in parallel, only ask the replay to stop: it
        writes the state of what is on stdout between two writes and exits (`sync_all`).
        Writing from the handler could cut into a line being written."""
        parallel = self._parallel_sync
        if parallel is not None and parallel.request_stop():
            return
        super()._handle_termination(signum, frame)

    # --- streams --------------------------------------------------------------------------

    def discover_streams(self) -> list[Stream]:
        return [stream_type(tap=self) for stream_type in STREAM_TYPES]

    def load_streams(self) -> list[Stream]:
        """Keep the declaration order (Stitch's catalog order), not the SDK's alphabetical one."""
        order = {stream_type.name: index for index, stream_type in enumerate(STREAM_TYPES)}
        return sorted(super().load_streams(), key=lambda stream: order.get(stream.name, 999))

    @cached_property
    def replication_keys(self) -> dict[str, str | None]:
        """Stream name → replication key (None for full-table streams), from the classes."""
        return {stream_type.name: stream_type.replication_key for stream_type in STREAM_TYPES}

    def _check_catalog_streams(self) -> None:
        catalog = self.input_catalog
        if catalog is None:
            return
        known = set(self.replication_keys)
        for entry in catalog.values():
            root = entry.metadata.get(()) if entry.metadata else None
            selected = bool(root is not None and root.selected)
            if entry.tap_stream_id not in known and selected:
                msg = (
                    f"the catalog selects stream {entry.tap_stream_id!r}, which this tap does "
                    f"not have (known: {', '.join(sorted(known))}); re-run --discover"
                )
                raise ConfigError(msg)

    @cached_property
    def rate_governor(self) -> RateLimitGovernor:
        """Admission control shared by every request of the run (all streams, all threads)."""
        return RateLimitGovernor(self.config.get("max_requests_per_minute"))

    @property
    def concurrency(self) -> int:
        return int(self.config.get("concurrency") or DEFAULT_CONCURRENCY)

    @cached_property
    def http_session(self) -> requests.Session:
        """One HTTP session for the run: connection reuse across streams and pages."""
        session = requests.Session()
        # Enough kept-alive connections for every worker of the streams syncing at once.
        adapter = requests.adapters.HTTPAdapter(
            pool_connections=4, pool_maxsize=self.concurrency * 2 + PARALLEL_STREAMS
        )
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    # --- dynamic schemas --------------------------------------------------------------------

    def data_attributes(self, model: str) -> list[dict]:
        """All data attributes of `model` (archived included), fetched once per run."""
        if model not in self._data_attribute_cache:
            fetcher = self.streams["contact_attributes"]
            body = fetcher.fetch_json(  # type: ignore[attr-defined]
                "/data_attributes", params={"model": model, "include_archived": "true"}
            )
            items = body.get("data") if isinstance(body, dict) else None
            self._data_attribute_cache[model] = [i for i in items or [] if isinstance(i, dict)]
        return self._data_attribute_cache[model]

    def schema_for(self, stream_name: str) -> dict:
        """The discovered schema: the shipped file plus typed custom attributes where they apply."""
        schema = stream_schema(stream_name)
        model = CUSTOM_ATTRIBUTE_MODELS.get(stream_name)
        if model is not None:
            try:
                attributes = self.data_attributes(model)
            except IntercomForbiddenError:
                self.logger.warning(
                    "The access token may not read data attributes; %s.custom_attributes "
                    "is left untyped (values still pass through)",
                    stream_name,
                )
                attributes = []
            except requests.exceptions.RequestException as exc:
                msg = (
                    "could not reach Intercom to discover custom attributes "
                    f"({type(exc).__name__}); check the network, `region` and `api_url`"
                )
                raise UserFacingError(msg) from None
            schema["properties"]["custom_attributes"] = custom_attributes_schema(attributes, model)
        return schema

    # --- state ----------------------------------------------------------------------------

    def load_state(self, state: dict[str, t.Any]) -> None:
        """Accept Stitch's state shapes (incl. legacy flat and bare-string forms) and the SDK's."""
        state = drop_stitch_company_segments_bookmark(state or {}, self.logger)
        try:
            translated, warnings = load_external_state(state, self.replication_keys)
        except ValueError as exc:
            msg = f"{exc}; fix or remove the state file"
            raise ConfigError(msg) from None
        for warning in warnings:
            self.logger.warning("state: %s", warning)
        self.currently_syncing = None
        super().load_state(translated)

    # --- command line ---------------------------------------------------------------------

    @classmethod
    def get_singer_command(cls) -> click.Command:
        """The SDK's command, plus `--properties` as an alias of `--catalog` (old runners)."""
        command = super().get_singer_command()
        for index, param in enumerate(command.params):
            if param.name == "catalog":
                command.params[index] = click.Option(
                    ["--catalog", "--properties", "catalog"],
                    help="Use a Singer catalog file with the tap (`--properties` is an alias).",
                    type=click.File(),
                    callback=checked_json_file("catalog"),
                )
            elif param.name == "state":
                param.callback = checked_json_file("state")
        return command

    @classmethod
    def cb_config(cls, ctx: click.Context, param: click.Option, value: tuple[str, ...]) -> t.Any:
        """Check each config file (readable, a JSON object) before the SDK reads it."""
        for path in value:
            if path != "ENV":
                check_config_path(path)
        return super().cb_config(ctx, param, value)

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        """Our checks first (their messages name the fix), then the SDK's JSON-schema check,
        whose errors also become one line (the SDK would log them as several ERROR lines)."""
        if raise_errors:
            validate_config(self._config)
        try:
            return super()._validate_config(raise_errors=raise_errors)
        except ConfigValidationError as exc:
            errors = "; ".join(str(e) for e in (exc.errors or [])) or str(exc)
            msg = f"invalid config: {errors}; see `tap-intercom --about` for the settings"
            raise ConfigError(msg) from None


def stream_family(stream: Stream) -> list[str]:
    """The stream and all its descendants: the bookmarks its sync writes."""
    names = [stream.name]
    for child in stream.child_streams:
        names += stream_family(child)
    return names


def sync_stream(stream: Stream) -> None:
    """What the SDK's `sync_all` does for one top-level stream."""
    stream.sync()
    stream.finalize_state_progress_markers()


def write_stdout(text: str) -> None:
    """Write all of `text` to stdout. Unbuffered (PYTHONUNBUFFERED) text writes to a pipe can
    end early when a signal arrives mid-write; the binary layer's count is checked here."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # e.g. a StringIO in tests
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    sys.stdout.flush()
    view = memoryview(text.encode(sys.stdout.encoding or "utf-8", sys.stdout.errors or "strict"))
    while view:
        written = buffer.write(view)
        view = view[written or 0 :]
    buffer.flush()


def drop_stitch_company_segments_bookmark(state: dict, logger: logging.Logger) -> dict:
    """Ignore a `company_segments` bookmark written by Stitch's tap.

    Stitch's company_segments was the list of company segments, bookmarked on the segments'
    `updated_at`; ours is company-segment membership, bookmarked on the companies'. Reusing the
    old value would skip memberships of companies not changed since then. Our own bookmarks
    carry `replication_key_value`, Stitch's do not.
    """
    if not isinstance(state, dict):
        return state
    nested = isinstance(state.get("bookmarks"), dict)
    container = state["bookmarks"] if nested else state
    entry = container.get("company_segments")
    if entry is None or (isinstance(entry, dict) and "replication_key_value" in entry):
        return state
    logger.warning(
        "state: ignoring Stitch's company_segments bookmark (that table now holds "
        "company-segment memberships); memberships are read from start_date once"
    )
    container = {k: v for k, v in container.items() if k != "company_segments"}
    return {**state, "bookmarks": container} if nested else container


USER_ERRORS: tuple[type[BaseException], ...] = (
    UserFacingError,
    ConfigValidationError,
    json.JSONDecodeError,
    FileNotFoundError,
    IsADirectoryError,
    PermissionError,
)


#: Failures that are not the user's mistake but still end the run with one clear line.
RUN_ERRORS: tuple[type[BaseException], ...] = (
    FatalAPIError,
    RetriableAPIError,
    requests.exceptions.RequestException,
)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, requests.exceptions.ConnectionError):
        return (
            f"could not connect to Intercom ({type(exc).__name__}) after retries; "
            "check the network, `region` and `api_url`"
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return (
            "Intercom did not answer within `request_timeout` after retries; "
            "raise `request_timeout` or try again later"
        )
    if isinstance(exc, RetriableAPIError):
        return f"{exc} (still failing after retries; try again later)"
    if isinstance(exc, ConfigValidationError):
        errors = "; ".join(str(e) for e in (exc.errors or [])) or str(exc)
        return f"invalid config: {errors}"
    if isinstance(exc, json.JSONDecodeError):
        return f"a config, catalog or state file is not valid JSON ({exc}); fix the file"
    if isinstance(exc, OSError) and not isinstance(exc, UserFacingError):
        return f"cannot read {exc.filename!r}: {exc.strerror}; check the path"
    return str(exc)


def load_dotenv_for_env_config(argv: list[str]) -> None:
    """With `--config ENV`, read `./.env` too (variables already set win).

    The SDK looks for `.env` relative to its own installed files, not the directory the tap
    runs in, so a project's `.env` would be silently ignored.
    """
    if "ENV" in argv or "--config=ENV" in argv:
        dotenv.load_dotenv(Path.cwd() / ".env", override=False)


def cli() -> None:
    """Console entry point: the SDK command, with user mistakes reported in one line."""
    configure_malloc()  # before any thread exists (see tap_intercom.memory)
    try:
        load_dotenv_for_env_config(sys.argv[1:])
        TapIntercom.cli()
    except (*USER_ERRORS, *RUN_ERRORS) as exc:
        sys.stderr.write(f"tap-intercom: error: {_describe(exc)}\n")
        sys.exit(1)


if __name__ == "__main__":
    cli()
