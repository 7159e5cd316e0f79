"""The Tap: its streams, its settings and the shared resources of a run."""

from __future__ import annotations

import copy
import logging
import sys
import typing as t
from functools import cached_property

from tap_intercom.config_schema import CONFIG_SCHEMA
from tap_intercom.errors import ConfigError
from tap_intercom.input_files import check_catalog_streams, check_config_path, with_stitch_flags
from tap_intercom.output import IntercomMessageWriter
from tap_intercom.parallel_streams import parallel_stream_sync
from tap_intercom.progress import ProgressBoard, QuietRepeatedSdkLines
from tap_intercom.run import IntercomRun
from tap_intercom.run_stats import RunStats
from tap_intercom.sdk_seams import TapSeams
from tap_intercom.settings import Settings
from tap_intercom.spool import StopRequestedError
from tap_intercom.stitch import (
    drop_stitch_company_segments_bookmark,
    load_external_state,
    upgrade_input_catalog,
)
from tap_intercom.streams import REPLICATION_KEYS, STREAM_TYPES

if t.TYPE_CHECKING:
    import click
    from singer_sdk import Stream

    from tap_intercom.parallel_sync import ParallelStreamSync


class TapIntercom(TapSeams):
    """Singer tap for Intercom: contacts, companies, conversations and their parts, admins,
    teams, tags, segments, data attributes, articles, help center, tickets and activity logs.
    Stitch-compatible catalog, state and records."""

    name = "tap-intercom"
    dynamic_catalog = True
    #: A copy: the SDK adds its built-in settings to this dict in place.
    config_jsonschema = copy.deepcopy(CONFIG_SCHEMA)

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        if isinstance(kwargs.get("catalog"), dict):
            kwargs["catalog"] = upgrade_input_catalog(kwargs["catalog"])
        self._stats = RunStats()
        self._progress = ProgressBoard(self._stats)
        kwargs.setdefault(
            "message_writer",
            IntercomMessageWriter(REPLICATION_KEYS, self._progress.tick),
        )
        self._parallel: ParallelStreamSync | None = None
        super().__init__(*args, **kwargs)  # checks the settings (`check_settings`)
        if kwargs.get("validate_config", True) and self.input_catalog is not None:
            check_catalog_streams(self.input_catalog, REPLICATION_KEYS)
        self.install_state_writer()
        quiet = QuietRepeatedSdkLines()
        for stream_type in STREAM_TYPES:
            logging.getLogger(f"{self.name}.{stream_type.name}").addFilter(quiet)

    @cached_property
    def settings(self) -> Settings:
        """The config, parsed once (on the first use, or when the SDK validates it)."""
        return Settings.from_config(self.config)

    def check_settings(self) -> None:
        _ = self.settings

    @cached_property
    def run(self) -> IntercomRun:
        """What every stream of this run shares (settings, HTTP, workers, counters)."""
        return IntercomRun(self.settings, self._stats, self._progress)

    # --- streams --------------------------------------------------------------------------

    def discover_streams(self) -> list[Stream]:
        return [stream_type(tap=self) for stream_type in STREAM_TYPES]

    def load_streams(self) -> list[Stream]:
        """Keep the declaration order (Stitch's catalog order), not the SDK's alphabetical one."""
        order = {stream_type.name: index for index, stream_type in enumerate(STREAM_TYPES)}
        return sorted(super().load_streams(), key=lambda stream: order.get(stream.name, 999))

    # --- parallel streams -------------------------------------------------------------------

    def parallel_streams_enabled(self) -> bool:
        return self.settings.parallel_streams > 1

    def sync_top_level_in_parallel(self, streams: list[t.Any]) -> None:
        self._parallel = parallel_stream_sync(
            streams,
            state=self.state,
            write_state=self.state_writer.write_state,
            max_parallel=self.settings.parallel_streams,
            on_abort=self.run.governor.close,
        )
        try:
            self._parallel.run()
        except StopRequestedError:
            # SIGINT/SIGTERM: the state of what is on stdout (not of what is spooled).
            self.state_writer.write_state(self._parallel.emitted_state)
            self.logger.info("Gracefully shutting down...")
            sys.exit(0)
        except BaseException:
            failed = self._parallel.failed_stream
            if failed is not None:
                # The SDK's line, logged here: on the sync threads it is muted (`progress`).
                self.streams[failed].logger.error(
                    "An unhandled error occurred while syncing '%s'", failed
                )
            raise

    def sync_finished(self) -> None:
        if "run" in self.__dict__:
            self.run.close()

    def stop_requested(self) -> bool:
        return self._parallel is not None and self._parallel.request_stop()

    # --- state ----------------------------------------------------------------------------

    def load_state(self, state: dict[str, t.Any]) -> None:
        """Accept Stitch's state shapes (incl. legacy flat and bare-string forms) and the SDK's."""
        warnings: list[str] = []
        state = dict(drop_stitch_company_segments_bookmark(state or {}, warnings))
        for warning in warnings:
            self.logger.warning("%s", warning)
        try:
            translated, warnings = load_external_state(state, REPLICATION_KEYS)
        except ValueError as exc:
            msg = f"{exc}; fix or remove the state file"
            raise ConfigError(msg) from None
        for warning in warnings:
            self.logger.warning("state: %s", warning)
        super().load_state(translated)

    # --- command line ---------------------------------------------------------------------

    @classmethod
    def get_singer_command(cls) -> click.Command:
        """The SDK's command, plus Stitch's flags (`--properties`, `-c`, `-s`, `-p`, `-d`)."""
        command = super().get_singer_command()
        with_stitch_flags(command)
        return command

    @classmethod
    def cb_config(cls, ctx: click.Context, param: click.Option, value: tuple[str, ...]) -> t.Any:
        """Check each config file (readable, a JSON object) before the SDK reads it."""
        for path in value:
            if path != "ENV":
                check_config_path(path)
        return super().cb_config(ctx, param, value)
