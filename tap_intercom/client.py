"""The base of every Intercom stream: requests, retries, schema, metadata and the record path.

A record's path: the SDK (or a stream) reads a page → `post_process`: the incremental bound
(`bounds`) drops what is older → the stream's `transform_record` (denesting, derived fields)
→ schema conformance (`conformer`: epoch → date-time, pruning, coercion) → the SDK writes it.
"""

from __future__ import annotations

import typing as t
from functools import cached_property

from singer_sdk.authenticators import BearerTokenAuthenticator
from singer_sdk.helpers.conform import TypeConformanceLevel

from tap_intercom import __version__, bounds
from tap_intercom.config_schema import DEFAULT_API_VERSION
from tap_intercom.conformer import compile_conformer
from tap_intercom.details import DetailPrefetcher
from tap_intercom.errors import IntercomForbiddenError
from tap_intercom.http_session import prepare_get
from tap_intercom.links import on_base
from tap_intercom.output import IntercomMessageWriter
from tap_intercom.pagination import PageLinkPaginator
from tap_intercom.responses import check_response, error_message, records_at, response_json
from tap_intercom.retry import wait_generator, without_dns_retries
from tap_intercom.schemas import discovered_schema
from tap_intercom.sdk_seams import StreamSeams
from tap_intercom.stitch import stitch_metadata

if t.TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable

    import requests
    from requests.structures import CaseInsensitiveDict
    from singer_sdk import Tap
    from singer_sdk.helpers.types import Context
    from singer_sdk.singerlib import MetadataMapping
    from singer_sdk.streams.rest import HTTPRequest, PageContext

    from tap_intercom.progress import StreamProgress
    from tap_intercom.run import IntercomRun

PAGE_SIZE = 150


class IntercomTokenAuth(BearerTokenAuthenticator):
    """The SDK's bearer-token authenticator, without a rewrite of every request's URL: its
    `authenticate_request` also splits, parses and re-encodes the query to add `auth_params`
    (dropping blank parameters on the way), and a bearer token has none to add."""

    def authenticate_request(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.auth_params:
            return super().authenticate_request(request)
        request.headers.update(self.auth_headers)
        return request


class IntercomStream(StreamSeams):
    """Base class for every Intercom stream (see the module docstring for a record's path)."""

    records_jsonpath = "$.data[*]"
    #: Intercom objects are keyed by `id`; a stream keyed otherwise says so.
    primary_keys: t.ClassVar[list[str]] = ["id"]
    #: Full table unless a stream names its replication key (a plain class attribute, as
    #: `streams.REPLICATION_KEYS` reads it from the classes).
    replication_key: str | None = None
    #: Records are conformed by our compiled conformer in `post_process`; the SDK's second,
    #: generic pass would change nothing.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    #: Streams whose API cannot filter by date drop older records here (see `bounds`).
    client_side_filter: t.ClassVar[bool] = False

    def __init__(self, tap: Tap, *args: t.Any, **kwargs: t.Any) -> None:
        #: The run's shared resources, handed over by the tap (`tap_intercom.run`).
        self.run: IntercomRun = t.cast("IntercomRun", tap.run)
        self.intercom_tap = tap
        super().__init__(tap, *args, **kwargs)
        self._conformer: Callable[[dict], dict] | None = None
        self._reported_issues: set[tuple[str, str]] = set()

    # --- HTTP ---------------------------------------------------------------------------

    @property
    def url_base(self) -> str:
        return self.run.settings.base_url

    @cached_property
    def authenticator(self) -> IntercomTokenAuth:
        return IntercomTokenAuth(token=self.run.settings.access_token)

    @property
    def http_headers(self) -> dict[str, str]:
        return {"Accept": "application/json", "Intercom-Version": self.run.settings.api_version}

    @cached_property
    def user_agent(self) -> str:
        return self.run.settings.user_agent or f"tap-intercom/{__version__}"

    @property
    def timeout(self) -> float:  # the SDK declares an int; Intercom's can be fractional
        return self.run.settings.request_timeout

    @property
    def requests_session(self) -> requests.Session:
        """The run's session: connection reuse, and the rate governor on every request."""
        return self.run.session

    def validate_response(self, response: requests.Response) -> None:
        check_response(response, self.run.settings.api_version, DEFAULT_API_VERSION)

    def response_error_message(self, response: requests.Response) -> str:
        return error_message(response)

    def request_decorator(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """The SDK's retries, but a host name that does not resolve fails at once."""
        return super().request_decorator(without_dns_retries(func))

    def backoff_max_tries(self) -> int:
        return self.run.settings.max_retries + 1

    def backoff_wait_generator(self) -> Generator[float, t.Any, None]:
        return wait_generator(self.run.settings.max_retry_wait)

    def backoff_jitter(self, value: float) -> float:
        return value

    def backoff_handler(self, details: t.Any) -> None:
        exc = details.get("exception")
        self.logger.warning(
            "Retrying %s (attempt %d) in %.1f s: %s",
            self.name,
            details.get("tries", 0),
            details.get("wait", 0.0),
            exc if exc is not None else "retry",
        )
        self.run.stats.count_retry()

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        body = response_json(response)
        if isinstance(body, dict):
            self.progress.set_total(body.get("total_count"))
        yield from records_at(body, self.records_jsonpath)

    @cached_property
    def progress(self) -> StreamProgress:
        return self.run.progress.of(self.name)

    def log_sync_costs(self) -> None:
        """Called by the SDK for every stream once all have synced: the last one sums up."""
        super().log_sync_costs()
        self.run.progress.finished(self.name, self.intercom_tap.streams)

    def fetch(
        self,
        url: str,
        *,
        params: dict[str, t.Any] | None = None,
        context: Context | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        """One GET with this stream's auth, headers (`headers` override them), retries and error
        handling, for per-record detail requests. `url` is an API path (`/contacts/1/tags`) or a
        URL from a response; either is mapped onto the configured API base (`links.on_base`)."""
        if not url.startswith(("http://", "https://")):
            url = "/" + url.lstrip("/")  # a path, never a `//host/...` reference
        url = on_base(url, self.url_base)
        direct = headers is None and self._direct_headers is not None
        if direct and self.run.direct_gets.takes(url, params):
            return self._direct_get_with_retries(url, params, context)
        return self.send_prepared(self._prepared_get(url, params, headers), context)

    def _prepared_get(
        self, url: str, params: dict[str, t.Any] | None, headers: dict[str, str] | None
    ) -> requests.PreparedRequest:
        return prepare_get(
            self.requests_session,
            url,
            params=params,
            headers={"User-Agent": self.user_agent, **self.http_headers, **(headers or {})},
        )  # no `auth`: the SDK's `_request` applies the authenticator to every request it sends

    @cached_property
    def _direct_headers(self) -> CaseInsensitiveDict[str] | None:
        """The headers the session's way would send with every `fetch` (`direct_gets`), or
        None when this stream's GETs go that way (an authenticator that adds parameters)."""
        direct = self.run.direct_gets
        if not direct.enabled or self.authenticator.auth_params:
            return None
        return direct.headers_for(
            {"User-Agent": self.user_agent, **self.http_headers}, self.authenticator.auth_headers
        )

    @cached_property
    def _direct_get_with_retries(self) -> Callable[..., requests.Response]:
        return self.request_decorator(self._direct_get)

    def _direct_get(
        self, url: str, params: dict[str, t.Any] | None, context: Context | None
    ) -> requests.Response:
        """One try of a `fetch` on the direct way; a redirect is sent again the session's way,
        which follows it."""
        headers = t.cast("CaseInsensitiveDict[str]", self._direct_headers)
        response = self.run.direct_gets.get(url, params, headers, timeout=self.timeout)
        if response.is_redirect:
            return self.send_once(self._prepared_get(url, params, None), context)
        return self.finish_sent(response, context)

    def fetch_json(self, url: str, **kwargs: t.Any) -> t.Any:
        """`fetch`, returning the parsed JSON body."""
        return response_json(self.fetch(url, **kwargs))

    def new_detail_prefetcher(self) -> DetailPrefetcher[t.Any]:
        """Per-record requests of this stream, fetched ahead on the run's worker pool."""
        return DetailPrefetcher(self.run.settings.concurrency, self.name, executor=self.run.pool)

    def get_new_paginator(self) -> t.Any:
        """Follow `pages.next` whenever a response has one (harmless on unpaginated lists)."""
        return PageLinkPaginator(self.url_base)

    def get_http_request(self, *, page: PageContext) -> HTTPRequest:
        request = super().get_http_request(page=page)
        token = page.next_page_token
        if token is not None and hasattr(token, "geturl"):  # a next page's URL
            request.url = token.geturl()
            request.params = {}
        return request

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Records of this stream; a 403 skips the stream with a warning instead of failing."""
        try:
            yield from super().get_records(context)
        except IntercomForbiddenError as exc:
            self.skip_forbidden(exc)

    def skip_forbidden(self, exc: Exception) -> None:
        stats = self.run.stats
        if self.name not in stats.skipped_streams:
            self.logger.warning(
                "Skipping stream '%s': the access token is not allowed to read it (%s). "
                "Grant the scope in Intercom's Developer Hub to sync it.",
                self.name,
                exc,
            )
        stats.skip(self.name, "403 forbidden")

    # --- catalog --------------------------------------------------------------------------

    @property
    def schema(self) -> dict:
        """The input catalog's schema (no discovery requests then), else the discovered one."""
        return self.cached_schema(self._build_schema)

    def _build_schema(self) -> dict:
        catalog = self.intercom_tap.input_catalog
        entry = catalog.get_stream(self.tap_stream_id) if catalog is not None else None
        if entry is not None:
            return entry.schema.to_dict()
        return discovered_schema(self.name, self.intercom_tap.streams, self.run.settings.version)

    @property
    def metadata(self) -> MetadataMapping:
        """Stitch-shaped metadata, unless an input catalog supplies the stream's metadata."""
        catalog = self.intercom_tap.input_catalog
        if catalog is None or catalog.get_stream(self.tap_stream_id) is None:
            self.preset_metadata(lambda: self._stitch_metadata(deselect=catalog is not None))
        return super().metadata

    def _stitch_metadata(self, *, deselect: bool) -> MetadataMapping:
        mapping = stitch_metadata(
            schema=self.schema,
            key_properties=self.primary_keys or [],
            replication_key=self.replication_key,
            replication_method=self.replication_method,
        )
        if deselect:  # a stream the input catalog does not name is not synced
            mapping.root.selected = False
        return mapping

    # --- incremental bound ----------------------------------------------------------------

    def compare_start_date(self, value: str, start_date_value: str) -> str:
        """A bookmark always wins over `start_date` (Stitch's semantics)."""
        return value

    def reads_whole_table(self) -> bool:
        """True when this run writes every record since `start_date` whatever the bookmark
        (a table version, `full_table`): the bookmark is still saved, but does not filter."""
        return False

    @cached_property
    def lower_bound(self) -> bounds.Epoch:
        """This run's inclusive lower bound (epoch seconds), frozen at first use (`bounds`)."""
        if self.reads_whole_table():
            return bounds.lower_bound(None, self.run.settings.start_date)
        state = self.tap_state.get("bookmarks", {}).get(self.name) or {}
        return bounds.lower_bound(state.get("replication_key_value"), self.run.settings.start_date)

    @property
    def bookmark_ceiling(self) -> bounds.Epoch | None:
        """The latest bookmark this stream may save this run; None: no ceiling (`search`)."""
        return None

    def held_bookmark(self) -> str | None:
        """The bookmark this stream's children may save while it reads out of order, else
        None (`search`: slices)."""
        return None

    def parents_caught_up(self, bookmark: str) -> None:
        """An out-of-order read (`search`: slices) is complete: the children and bridges that
        took any parent may now save `bookmark`, as after a sequential read (`children`)."""

    def cap_bookmark(self, state: dict) -> None:
        value = state.get("replication_key_value")
        if isinstance(value, str):
            state["replication_key_value"] = bounds.capped(value, self.bookmark_ceiling)

    # --- record path ----------------------------------------------------------------------

    def transform_record(self, record: dict, context: Context | None) -> dict | None:
        """Stream-specific reshaping of a raw API record (before schema conformance)."""
        return record

    def keeps(self, raw: dict) -> bool:
        """Whether the client-side filter keeps a raw record (checked before any per-record
        work, such as follow-up requests, is spent on it)."""
        if not (self.client_side_filter and self.replication_key):
            return True
        return bounds.keeps(raw.get(self.replication_key), self.lower_bound)

    def plain_record_writer(self) -> Callable[[str, dict, int | None], None] | None:
        writer = self.intercom_tap.message_writer
        return writer.write_record if isinstance(writer, IntercomMessageWriter) else None

    @property
    def conformer(self) -> Callable[[dict], dict]:
        if self._conformer is None:
            self._conformer = compile_conformer(self.effective_schema, on_issue=self._on_issue)
        return self._conformer

    def _on_issue(self, kind: str, path: str) -> None:
        if (kind, path) in self._reported_issues:
            return
        self._reported_issues.add((kind, path))
        if kind == "dropped":
            self.logger.warning(
                "%s: field %r is not in the schema and was dropped (re-run discovery?)",
                self.name,
                path,
            )
        else:
            self.logger.warning(
                "%s: value at %r is not valid (%s); emitted as null", self.name, path, kind
            )

    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        if not self.keeps(row):
            return None
        record = self.transform_record(row, context)
        return None if record is None else self.conformer(record)
