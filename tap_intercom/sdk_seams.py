"""Every use of singer-sdk (and requests) beyond their public API, in this one module.

Each member below is used for one reason, given beside it. `tests/unit/test_sdk_seams.py` is
the contract: it fails when an SDK upgrade removes or renames one of `SDK_MEMBERS`, or changes
the body of `Tap.sync_all`, which `TapSeams.sync_all` mirrors. Everything else in the tap uses
the SDK's public surface only.
"""

from __future__ import annotations

import typing as t
from functools import cached_property

import requests
from singer_sdk import RESTStream, Tap
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.helpers._state import StateWriter
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.mapper import SameRecordTransform
from singer_sdk.singerlib import StateMessage
from singer_sdk.singerlib.catalog import REPLICATION_INCREMENTAL
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError, SSLError

from tap_intercom.errors import ConfigError
from tap_intercom.links import endpoint_template

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType

    from singer_sdk.helpers.types import Context, Record
    from singer_sdk.pagination import BaseAPIPaginator
    from singer_sdk.singerlib import MetadataMapping

#: (owner, member) of every non-public (or `@final`) SDK method used here; the contract test
#: checks each exists and is callable.
SDK_METHODS: tuple[tuple[type, str], ...] = (
    (Tap, "sync_all"),
    (Tap, "_reset_state_progress_markers"),
    (Tap, "_set_compatible_replication_methods"),
    (Tap, "_handle_termination"),
    (Tap, "_validate_config"),
    (StateWriter, "write_state"),
    (RESTStream, "_request"),
    (RESTStream, "_prepare_request"),
    (RESTStream, "_write_schema_message"),
    (RESTStream, "_increment_stream_state"),
    (RESTStream, "_write_activate_version_message"),
    (RESTStream, "_generate_record_messages"),
    (RESTStream, "_write_record_message"),
    (RESTStream, "_write_request_duration_log"),
)
#: (owner, name) of non-public SDK class attributes read here.
SDK_CLASS_ATTRIBUTES: tuple[tuple[type, str], ...] = ((RESTStream, "_LOG_REQUEST_METRIC_URLS"),)
#: Non-public SDK instance attributes used here: on a tap, and on a stream.
SDK_TAP_ATTRIBUTES = ("_state_writer",)
SDK_STREAM_ATTRIBUTES = ("_stream_version", "_schema", "_metadata")
#: Non-public attributes of `requests.Response` used here.
REQUESTS_RESPONSE_ATTRIBUTES = ("_content", "_content_consumed")


class PassThroughStateWriter(StateWriter):
    """The SDK's state writer without its deep-copy dedupe, which is not safe while parallel
    streams change their bookmarks; `output.IntercomMessageWriter` dedupes on the main thread."""

    def __init__(self, message_writer: t.Any) -> None:
        super().__init__(message_writer)
        self.message_writer = message_writer

    def write_state(self, state: dict) -> None:
        self.message_writer.write_message(StateMessage(value=state))


class TapSeams(Tap):
    """The Tap-level overrides the SDK offers no public hook for."""

    def install_state_writer(self) -> None:
        """`Tap._state_writer` is where the SDK sends every STATE; see PassThroughStateWriter."""
        self._state_writer = PassThroughStateWriter(self.message_writer)

    def sync_top_level_in_parallel(self, streams: list[t.Any]) -> None:
        """Sync `streams` (top-level, selected). This default syncs them one after another, as
        the SDK's loop does; the tap overrides it with `parallel_streams.parallel_stream_sync`."""
        for stream in streams:
            stream.sync()
            stream.finalize_state_progress_markers()

    def parallel_streams_enabled(self) -> bool:
        """Whether `sync_all` takes the parallel path; off unless the tap says otherwise."""
        return False

    def sync_all(self) -> None:
        """`Tap.sync_all` is `@final`, and its loop syncs one stream after another: this mirrors
        its body (the contract test pins it) with the loop replaced by a parallel sync."""
        top_level = [
            stream
            for stream in self.streams.values()
            if (stream.selected or stream.has_selected_descendents)
            and not stream.parent_stream_type
        ]
        try:
            if not self.parallel_streams_enabled() or len(top_level) <= 1:
                super().sync_all()  # nothing to overlap: the SDK's own loop
            else:
                self._sync_all_in_parallel(top_level)
        finally:
            self.sync_finished()

    def sync_finished(self) -> None:
        """After every sync, successful or not: release the run's resources (the tap's)."""

    def _sync_all_in_parallel(self, top_level: list[t.Any]) -> None:
        self._reset_state_progress_markers()
        self._set_compatible_replication_methods()
        if self.state:
            self._state_writer.write_state(self.state)
        for stream in self.streams.values():
            if not stream.selected and not stream.has_selected_descendents:
                self.logger.info("Skipping deselected stream '%s'.", stream.name)
        self.sync_top_level_in_parallel(top_level)
        for stream in self.streams.values():
            stream.log_sync_costs()

    def stop_requested(self) -> bool:
        """Ask a parallel sync to stop between two writes; False if none is running."""
        return False

    def _handle_termination(self, signum: int, frame: FrameType | None) -> None:
        """The SDK writes STATE from the signal handler, which could cut into a line being
        written; while streams replay in parallel, only a stop is requested instead."""
        if self.stop_requested():
            return
        super()._handle_termination(signum, frame)

    def check_settings(self) -> None:
        """The tap's own config checks (their messages name the fix); implemented by the tap."""

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        """The SDK validates the config here during `__init__` and logs each error as an ERROR
        line; ours run first, and the SDK's errors become one ConfigValidationError line."""
        if raise_errors:
            self.check_settings()
        try:
            return super()._validate_config(raise_errors=raise_errors)
        except ConfigValidationError as exc:
            errors = "; ".join(str(e) for e in (exc.errors or [])) or str(exc)
            msg = f"invalid config: {errors}; see `tap-intercom --about` for the settings"
            raise ConfigError(msg) from None


class StreamSeams(RESTStream[t.Any]):
    """Stream-level SDK internals, behind names that say what the tap uses them for."""

    def send_prepared(
        self, prepared: requests.PreparedRequest, context: Context | None
    ) -> requests.Response:
        """One request with the SDK's retries, metrics and `validate_response` (`_request` is
        the SDK's only sender; there is no public one)."""
        return self._request_with_retries(prepared, context)

    @cached_property
    def _request_with_retries(self) -> Callable[..., requests.Response]:
        """`_request` wrapped in the stream's retry decorator once, as the SDK wraps it once
        per partition (each call of the wrapper keeps its own tries and waits)."""
        return self.request_decorator(self._request)

    def _write_request_duration_log(
        self,
        endpoint: str,
        response: requests.Response,
        context: Context | None,
        extra_tags: dict | None,
    ) -> None:
        """The SDK names every request of a stream by the stream's `path` in its METRIC line,
        so a contact's company list was logged as `/contacts/search`; each request is named by
        its own path instead (`links.endpoint_template`)."""
        url = response.request.url if response.request is not None else None
        if url:
            endpoint = endpoint_template(url, self.url_base)
        super()._write_request_duration_log(
            endpoint=endpoint, response=response, context=context, extra_tags=extra_tags
        )

    def finish_sent(
        self, response: requests.Response, context: Context | None
    ) -> requests.Response:
        """What `_request` does once `Session.send` returns (its METRIC line, then
        `validate_response`), for a request the tap sent without the session (`direct_gets`);
        the contract test pins `_request`'s body."""
        request = response.request
        self._write_request_duration_log(
            endpoint=self.path,
            response=response,
            context=context,
            extra_tags={"url": request.path_url}
            if self._LOG_REQUEST_METRIC_URLS and request is not None
            else None,
        )
        self.validate_response(response)
        return response

    def send_once(
        self, prepared: requests.PreparedRequest, context: Context | None
    ) -> requests.Response:
        """One try of a request, without the SDK's retries (for a caller that retries itself)."""
        return self._request(prepared, context)

    def prepare_page_request(
        self, context: Context | None, paginator: BaseAPIPaginator[t.Any]
    ) -> requests.PreparedRequest:
        """The SDK's request for the paginator's current page (for the search lookahead)."""
        return self._prepare_request(context=context, page=paginator)

    def write_schema(self) -> None:
        """This stream's SCHEMA through its maps, for a stream written without a sync of its
        own (a bridge, `bridges`); the SDK writes it only at the start of `sync`."""
        self._write_schema_message()

    def write_activate_version(self, version: int) -> None:
        """An ACTIVATE_VERSION at the start and the end of a full-table replace (the SDK only
        writes one at the start, with its own version)."""
        self._stream_version = version
        self._write_activate_version_message(version)

    def _write_record_message(self, record: Record) -> None:
        """The SDK's RECORD of a record, without its per-record passes when they cannot change
        it (the contract test pins both SDK bodies): `_generate_record_messages` walks every
        property against the selection mask, conforms types and applies each stream map into
        a RecordMessage, which this hands to the tap's writer. When every property is
        selected, type conformance is off (the tap's conformer has run) and the only map is
        the SDK's identity, the record goes straight to `plain_record_writer`, which writes
        the line that RecordMessage would give."""
        write_record = self._plain_record_writer
        if write_record is None:
            super()._write_record_message(record)
            return
        write_record(self.name, record, self._stream_version)
        self.state_manager.is_flushed = False

    def plain_record_writer(self) -> Callable[[str, Record, int | None], None] | None:
        """`write(stream, record, version)` for a record the SDK's passes leave as it is
        (implemented by the tap's streams); None: the SDK's way."""
        return None

    @cached_property
    def _plain_record_writer(self) -> Callable[[str, Record, int | None], None] | None:
        return self.plain_record_writer() if self._plain_record_messages else None

    @cached_property
    def _plain_record_messages(self) -> bool:
        """Whether the SDK's record passes are all no-ops for this stream (decided once: the
        catalog's selection and the stream maps are fixed for the run)."""
        maps = self.stream_maps
        only_map = maps[0] if len(maps) == 1 else None
        return (
            all(self.mask.values())  # a breadcrumb the mask lacks inherits a parent's True
            and self.TYPE_CONFORMANCE_LEVEL == TypeConformanceLevel.NONE
            and type(only_map) is SameRecordTransform
            and only_map.stream_alias == self.name
            and not (only_map.flattening_options and only_map.flattening_enabled)
        )

    def _increment_stream_state(
        self, latest_record: Record, *, context: Context | None = None
    ) -> None:
        """The SDK moves the bookmark to each record's replication key; the tap then caps it
        (`cap_bookmark`: a search stream's bookmark stays behind the index lag).

        While the stream holds its bookmark (`bookmark_is_held`), `cap_bookmark` replaces
        the value the SDK's move sets at once, so of that move only what stays is made: the
        state names the replication key. That is the whole move for a sorted, unpartitioned
        incremental stream and a record with a replication value (the contract test pins
        the three SDK functions it goes through); any other case takes the SDK's move."""
        state = self.get_context_state(context)
        key = self.replication_key
        if (
            self.bookmark_is_held()
            and self._moves_one_sorted_bookmark
            and latest_record.get(key) is not None  # (the SDK warns of a null value)
        ):
            state["replication_key"] = key
        else:
            super()._increment_stream_state(latest_record, context=context)
        self.cap_bookmark(state)

    @cached_property
    def _moves_one_sorted_bookmark(self) -> bool:
        """Whether the SDK's move sets `replication_key` and its value in the stream's own
        state, never in progress markers (decided once: the catalog is fixed for the run)."""
        return (
            self.replication_method == REPLICATION_INCREMENTAL
            and bool(self.replication_key)
            and self.is_sorted
            and self.state_partitioning_keys is None
        )

    def bookmark_is_held(self) -> bool:
        """Whether `cap_bookmark` now sets the bookmark whatever the record (the stream's)."""
        return False

    def cap_bookmark(self, state: dict) -> None:
        """Hold back a bookmark the SDK has just advanced (implemented by the stream)."""

    def cached_schema(self, build: Callable[[], dict]) -> dict:
        """The SDK keeps the stream's schema in `_schema`; it is built on first use here."""
        if self._schema is None:
            self._schema = build()
        return self._schema

    def preset_metadata(self, build: Callable[[], MetadataMapping]) -> None:
        """Give the SDK Stitch-shaped metadata before it builds its own default in `_metadata`."""
        if self._metadata is None:
            self._metadata = build()


class ParentBookmarkedSeams(StreamSeams):
    """A child whose records never move its own bookmark: the parent sets it (`children`)."""

    def _increment_stream_state(
        self, latest_record: Record, *, context: Context | None = None
    ) -> None:
        """No-op: the SDK would advance the bookmark to each record's replication key."""


def forget_raw_body(response: requests.Response) -> None:
    """Drop a parsed response's raw bytes (`requests.Response._content`): only the parsed body
    is read afterwards, and a page waiting in the search lookahead would hold both."""
    response._content = b""


def read_whole_body(response: requests.Response) -> None:
    """Read the body of a response sent with `stream=False` in one call, as `Response.content`
    would read it in 10 KB chunks (each chunk a trip through urllib3's and requests' layers),
    with the errors it would raise for a body that breaks off, cannot be decoded or times out."""
    try:
        data = response.raw.read(decode_content=True)
    except ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from exc
    except DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc) from exc
    except ReadTimeoutError as exc:
        raise requests.exceptions.ConnectionError(exc) from exc
    except SSLError as exc:
        raise requests.exceptions.SSLError(exc) from exc
    set_body(response, data or b"")


def set_body(response: requests.Response, data: bytes) -> None:
    """Give a response its whole body, read: what `Response.content` leaves behind
    (`_content`, and `_content_consumed` so that nothing reads `raw` again)."""
    response._content = data
    response._content_consumed = True
