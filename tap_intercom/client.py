"""Base stream for the Intercom REST API: auth, headers, retries, errors, record pipeline."""

from __future__ import annotations

import time
import typing as t
from functools import cached_property
from http import HTTPStatus

import requests
from singer_sdk import RESTStream
from singer_sdk.authenticators import BearerTokenAuthenticator
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.helpers.jsonpath import extract_jsonpath

from tap_intercom import __version__
from tap_intercom.catalog import stitch_metadata
from tap_intercom.conformer import compile_conformer
from tap_intercom.dates import epoch_to_datetime, format_datetime, parse_datetime
from tap_intercom.errors import (
    IntercomAuthError,
    IntercomForbiddenError,
    IntercomNotFoundError,
    IntercomVersionError,
)
from tap_intercom.http import parse_json_body, response_json
from tap_intercom.pagination import PageLinkPaginator
from tap_intercom.progress import StreamProgress
from tap_intercom.settings import (
    DEFAULT_API_VERSION,
    resolve_base_url,
    resolve_max_retries,
    resolve_max_retry_wait,
    resolve_request_timeout,
    resolve_start_date,
)

if t.TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable

    from singer_sdk.helpers.types import Context
    from singer_sdk.singerlib import MetadataMapping
    from singer_sdk.streams.rest import HTTPRequest, PageContext

PAGE_SIZE = 150
#: A scroll lock held by another client is released at most 60 s after its last use.
SCROLL_EXISTS_WAIT_SECONDS = 15.0


class ScrollExistsError(RetriableAPIError):
    """Another scroll is open for this workspace (400 scroll_exists); wait and retry."""


def intercom_error(response: requests.Response) -> tuple[str, str, str | None]:
    """(code, message, request_id) from an Intercom error.list body, best effort."""
    body = response_json(response)
    code, message, request_id = "", "", None
    if isinstance(body, dict):
        request_id = body.get("request_id")
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            code = str(errors[0].get("code") or "")
            message = str(errors[0].get("message") or "")
        elif body.get("message"):
            message = str(body["message"])
    return code, message, request_id


class IntercomStream(RESTStream[t.Any]):
    """Base class for every Intercom stream.

    Records go through one pipeline in `post_process`: a stream-specific `transform_record`
    (denesting, derived fields) → schema conformance (epoch → date-time, pruning, type
    coercion) → the client-side incremental filter.
    """

    records_jsonpath = "$.data[*]"
    #: Records are already conformed (pruned, coerced, dates formatted) by our compiled
    #: conformer in `post_process`; the SDK's second, generic pass cost about a third of the
    #: CPU of a contacts sync (py-spy) and changes nothing.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    #: Streams whose API cannot filter by date drop older records here (inclusive bound).
    client_side_filter: t.ClassVar[bool] = False

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._conformer: Callable[[dict], dict] | None = None
        self._start_bound: str | None = None
        self._reported_issues: set[tuple[str, str]] = set()

    # --- HTTP ---------------------------------------------------------------------------

    @property
    def url_base(self) -> str:
        return resolve_base_url(self.config)

    @cached_property
    def authenticator(self) -> BearerTokenAuthenticator:
        return BearerTokenAuthenticator(token=self.config["access_token"])

    @property
    def http_headers(self) -> dict[str, str]:
        return {
            "Accept": "application/json",
            "Intercom-Version": str(self.config.get("api_version") or DEFAULT_API_VERSION),
        }

    @cached_property
    def user_agent(self) -> str:
        return str(self.config.get("user_agent") or f"tap-intercom/{__version__}")

    @property
    def timeout(self) -> float:  # type: ignore[override]
        return resolve_request_timeout(self.config)

    @property
    def requests_session(self) -> requests.Session:
        """The tap-wide session (connection reuse across streams and pages)."""
        return self._tap.http_session  # type: ignore[attr-defined,no-any-return]

    def validate_response(self, response: requests.Response) -> None:
        """Classify a response: retry 429/5xx/scroll_exists/non-JSON 200; fail fast on 401/403."""
        status = response.status_code
        if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise RetriableAPIError(self.response_error_message(response), response)
        if status == HTTPStatus.UNAUTHORIZED:
            msg = (
                "Intercom rejected the access token (401"
                f"{self._error_suffix(response)}); check `access_token` and that `region` "
                "(or `api_url`) matches your workspace's region (us, eu or au)"
            )
            raise IntercomAuthError(msg)
        if status == HTTPStatus.FORBIDDEN:
            raise IntercomForbiddenError(self.response_error_message(response))
        if status == HTTPStatus.NOT_FOUND:
            raise IntercomNotFoundError(self.response_error_message(response))
        if status == HTTPStatus.BAD_REQUEST:
            code, _, _ = intercom_error(response)
            if code == "scroll_exists":
                raise ScrollExistsError(self.response_error_message(response), response)
            if code == "intercom_version_invalid":
                msg = (
                    f"Intercom does not know api_version {self.http_headers['Intercom-Version']!r}"
                    f" ({self.response_error_message(response)}); set `api_version` to a "
                    f"version such as {DEFAULT_API_VERSION} (the default), or remove it"
                )
                raise IntercomVersionError(msg)
        if status >= HTTPStatus.BAD_REQUEST:
            raise FatalAPIError(self.response_error_message(response))
        try:
            parse_json_body(response)
        except ValueError:
            msg = (
                f"HTTP {status} with a body that is not JSON for "
                f"{self._request_label(response)} (truncated, or a proxy's page: check `api_url`)"
            )
            raise RetriableAPIError(msg, response) from None

    @staticmethod
    def _error_suffix(response: requests.Response) -> str:
        code, message, request_id = intercom_error(response)
        parts = [p for p in (code, message) if p]
        suffix = ": " + " - ".join(parts) if parts else ""
        if request_id:
            suffix += f", request_id {request_id}"
        return suffix

    @staticmethod
    def _request_label(response: requests.Response) -> str:
        request = response.request
        path = requests.utils.urlparse(response.url or "").path or "?"
        method = request.method if request is not None else "GET"
        return f"{method} {path}"

    def response_error_message(self, response: requests.Response) -> str:
        """`<status> [code - message, request_id] for METHOD /path` — no body, no headers.

        Bodies can carry contact PII and the SDK's default message also lists headers; the
        Authorization header is never part of any message.
        """
        return (
            f"HTTP {response.status_code}{self._error_suffix(response)} "
            f"for {self._request_label(response)}"
        )

    def backoff_max_tries(self) -> int:
        return resolve_max_retries(self.config) + 1

    def backoff_wait_generator(self) -> Generator[float, t.Any, None]:
        """Wait for the rate-limit window to reset on 429; exponential (1 s … 60 s) otherwise."""
        attempt = 0
        exc = yield 0.0  # primed by backoff; the first real value follows the first failure
        while True:
            attempt += 1
            exc = yield self._retry_wait(exc, attempt)

    def _retry_wait(self, exc: BaseException | None, attempt: int) -> float:
        max_wait = resolve_max_retry_wait(self.config)
        exponential = min(max_wait, float(2 ** (attempt - 1)))
        if isinstance(exc, ScrollExistsError):
            return min(max_wait, SCROLL_EXISTS_WAIT_SECONDS)
        response = getattr(exc, "response", None)
        if response is not None and response.status_code == HTTPStatus.TOO_MANY_REQUESTS:
            reset = response.headers.get("X-RateLimit-Reset")
            try:
                wait = float(reset) - time.time() + 0.25 if reset else exponential
            except ValueError:
                wait = exponential
            return min(max_wait, max(0.25, wait))
        return exponential

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
        self._tap.run_stats.count_retry()  # type: ignore[attr-defined]

    def _request(
        self, prepared_request: requests.PreparedRequest, context: Context | None
    ) -> requests.Response:
        """Send one request under the run's rate governor, then classify the response.

        (The SDK's version, plus the governor: it must see every response's headers, also
        those of responses that `validate_response` turns into errors.)
        """
        governor = self._tap.rate_governor  # type: ignore[attr-defined]
        governor.acquire()
        headers = None
        try:
            response = self.requests_session.send(
                self.authenticator(prepared_request),
                timeout=self.timeout,
                allow_redirects=self.allow_redirects,
            )
            headers = response.headers
        finally:
            governor.release(headers)
        self._tap.run_stats.count_request()  # type: ignore[attr-defined]
        self._write_request_duration_log(
            endpoint=self.path, response=response, context=context, extra_tags=None
        )
        self.validate_response(response)
        return response

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        body = response_json(response)
        if isinstance(body, dict):
            self.progress.set_total(body.get("total_count"))
        yield from extract_jsonpath(self.records_jsonpath, input=body)

    @cached_property
    def progress(self) -> StreamProgress:
        return self._tap.progress_for(self.name)  # type: ignore[attr-defined,no-any-return]

    def _write_record_message(self, record: dict) -> None:
        """Write the RECORD (SDK), then count it for the progress lines."""
        super()._write_record_message(record)
        self.progress.tick()

    def log_sync_costs(self) -> None:
        """Called by the SDK for every stream once all have synced: the last one sums up."""
        super().log_sync_costs()
        self._tap.stream_finished(self.name)  # type: ignore[attr-defined]

    def fetch(
        self,
        url: str,
        *,
        params: dict[str, t.Any] | None = None,
        method: str = "GET",
        json_body: t.Any = None,
        context: Context | None = None,
    ) -> requests.Response:
        """One request with this stream's auth, headers, retries and error handling.

        `url` may be absolute or a path relative to the API base.
        """
        if not url.startswith(("http://", "https://")):
            url = self.url_base + "/" + url.lstrip("/")
        kwargs: dict[str, t.Any] = {
            "method": method,
            "url": url,
            "params": params or {},
            "headers": self.http_headers,
        }
        if json_body is not None:
            kwargs["json"] = json_body
        prepared = self.build_prepared_request(**kwargs)
        return self.request_decorator(self._request)(prepared, context)

    def fetch_json(self, url: str, **kwargs: t.Any) -> t.Any:
        """`fetch`, returning the parsed JSON body."""
        return response_json(self.fetch(url, **kwargs))

    #: True when the paginator's token is the full URL of the next page (`pages.next`).
    token_is_url: t.ClassVar[bool] = True

    def get_new_paginator(self) -> t.Any:
        """Follow `pages.next` whenever a response has one (harmless on unpaginated lists)."""
        return PageLinkPaginator()

    def get_http_request(self, *, page: PageContext) -> HTTPRequest:
        request = super().get_http_request(page=page)
        if self.token_is_url and page.next_page_token:
            request.url = page.next_page_token
            request.params = {}
        return request

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Records of this stream; a 403 skips the stream with a warning instead of failing."""
        try:
            yield from super().get_records(context)
        except IntercomForbiddenError as exc:
            self.skip_forbidden(exc)

    def skip_forbidden(self, exc: Exception) -> None:
        stats = self._tap.run_stats  # type: ignore[attr-defined]
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
        """The input catalog's schema, else the discovered one (shipped file + typed custom
        attributes), built on first use."""
        if self._schema is None:
            catalog = self._tap.input_catalog
            entry = catalog.get_stream(self.tap_stream_id) if catalog is not None else None
            # With an input catalog its schema is the contract: no discovery requests.
            self._schema = (
                entry.schema.to_dict() if entry is not None else self._tap.schema_for(self.name)  # type: ignore[attr-defined]
            )
        return self._schema

    @property
    def metadata(self) -> MetadataMapping:
        """Stitch-shaped metadata, unless an input catalog supplies the stream's metadata."""
        if self._metadata is None:
            catalog = self._tap_input_catalog
            if catalog is None or catalog.get_stream(self.tap_stream_id) is None:
                self._metadata = stitch_metadata(
                    schema=self.schema,
                    key_properties=self.primary_keys or [],
                    replication_key=self.replication_key,
                    replication_method=self.replication_method,
                )
                if catalog is not None:
                    # A stream the input catalog does not name is not synced.
                    self._metadata.root.selected = False
        return super().metadata

    # --- incremental bounds ---------------------------------------------------------------

    def compare_start_date(self, value: str, start_date_value: str) -> str:
        """A bookmark always wins over `start_date` (Stitch's semantics)."""
        return value

    def bookmark_value(self, stream_name: str | None = None) -> str | None:
        """The stored bookmark (normalised date-time string) of this or another stream."""
        state = self.tap_state.get("bookmarks", {}).get(stream_name or self.name) or {}
        value = state.get("replication_key_value")
        return format_datetime(parse_datetime(value)) if value else None

    def start_bound(self, context: Context | None = None) -> str:
        """Inclusive lower bound of this run, floored to the second (Intercom's resolution).

        A Stitch bookmark may carry microseconds (its sync-start time); Intercom timestamps
        are whole seconds, so a record in that same second may be newer than the bookmark.

        Frozen at first use: the bookmark advances record by record during the run, but every
        page of one query must carry the same filter (a cursor belongs to its query), and the
        client-side filter must not drop a late, out-of-order record the bookmark has passed.
        """
        if self._start_bound is None:
            value = self.bookmark_value() or resolve_start_date(self.config)
            self._start_bound = floor_to_second(value)
        return self._start_bound

    # --- record pipeline -------------------------------------------------------------------

    def transform_record(self, record: dict, context: Context | None) -> dict | None:
        """Stream-specific reshaping of a raw API record (before schema conformance)."""
        return record

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

    def before_bound(self, row: dict, context: Context | None) -> bool:
        """True when a raw API record is older than this run's lower bound (cheap pre-check,
        so no per-record work, such as follow-up requests, is spent on records dropped anyway)."""
        if not (self.client_side_filter and self.replication_key):
            return False
        value = epoch_or_none(row.get(self.replication_key))
        return value is not None and value < self.start_bound(context)

    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        if self.before_bound(row, context):
            return None
        record = self.transform_record(row, context)
        if record is None:
            return None
        record = self.conformer(record)
        if self.client_side_filter and self.replication_key:
            value = record.get(self.replication_key)
            if value is not None and value < self.start_bound(context):
                return None
        return record


def floor_to_second(value: str) -> str:
    """Drop sub-second precision from a normalised date-time string."""
    dt = parse_datetime(value)
    return format_datetime(dt.set(microsecond=0))


def epoch_or_none(value: t.Any) -> str | None:
    """Epoch seconds → date-time string; anything unparseable becomes None."""
    try:
        return epoch_to_datetime(value)
    except ValueError:
        return None
