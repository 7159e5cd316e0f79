"""A direct HTTP/1.1 transport for the run's requests, under `requests`' adapter interface.

A contacts-heavy sync sends one small request per contact with a long tag or company list,
and `requests`' own adapter spends more CPU on each than parsing its body: the urllib3 pool,
its response and header classes, and the adapter's per-request connection lookup, TLS setup
check and cookie extraction. `DirectTransport` sends the same `PreparedRequest` on a
kept-alive connection of the sending thread (opened by `http.client`, TLS included; the
request and response bytes themselves by `http11`, as `http.client` writes and reads them)
and builds the `requests.Response` itself, with the status, headers (repeated ones joined
with ", ", as urllib3 does), decoded body, encoding and URL the adapter would give.

It takes only what it reproduces exactly (`accepts`): no proxy, no client certificate, TLS
verified (against `requests`' default CA bundle, certifi's, or a given one), a body of
bytes with its Content-Length, and gzip/deflate at most as accepted encodings. Anything else
goes through `requests`' adapter. Failures are raised as the exceptions the adapter raises,
so the SDK's retries and the tap's error messages see the same: `ConnectionError` (its cause
a `socket.gaierror` when a host does not resolve), `ConnectTimeout`, `ReadTimeout`, `SSLError`,
`ChunkedEncodingError` for a body that breaks off, `ContentDecodingError`.

Cookies are neither stored nor sent: the API is authenticated by the bearer token alone.
`tests/unit/test_transport.py` holds both transports to the same bytes on the wire and the
same responses and errors.
"""

from __future__ import annotations

import gzip
import http.client
import select
import socket
import ssl
import threading
import typing as t
import weakref
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict
from requests.utils import DEFAULT_CA_BUNDLE_PATH, get_encoding_from_headers, select_proxy

from tap_intercom import http11
from tap_intercom.sdk_seams import set_body

#: Content codings `decode_body` undoes (urllib3's without its optional packages), and none.
_ACCEPTED = frozenset({"gzip", "x-gzip", "deflate", "identity"})


def accepted_codings(headers: t.Mapping[str, str]) -> bool:
    """Whether every coding `headers` accept is one `decode_body` undoes."""
    value = headers.get("Accept-Encoding")
    if value is None:
        return True
    return all(part.split(";")[0].strip().lower() in _ACCEPTED for part in value.split(","))


def verifies_tls(verify: t.Any) -> bool:
    """Whether `verify` (as `requests` takes it) asks for verified TLS the transport can give:
    `True`, or a CA bundle file or directory."""
    return verify is True or (isinstance(verify, str) and bool(verify))


def decode_body(data: bytes, content_encoding: str | None) -> bytes:
    """`data` with its content codings undone, the last applied first; a coding urllib3 would
    not decode either (br, zstd without their packages) is left as is."""
    if not content_encoding or not data:
        return data
    for coding in reversed([part.strip().lower() for part in content_encoding.split(",")]):
        if coding in ("gzip", "x-gzip"):
            data = gzip.decompress(data)
        elif coding == "deflate":
            try:
                data = zlib.decompress(data)
            except zlib.error:
                data = zlib.decompress(data, -zlib.MAX_WBITS)  # raw deflate, as servers send it
        elif coding not in ("identity", ""):
            return data
    return data


def _split_timeout(timeout: t.Any) -> tuple[float | None, float | None]:
    if isinstance(timeout, tuple):
        connect, read = timeout
        return connect, read
    return timeout, timeout


def _dropped(sock: socket.socket) -> bool:
    """Whether an idle kept-alive connection was closed by the server (it is readable: EOF,
    or bytes nobody asked for), as urllib3 checks before it reuses one."""
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class DirectTransport:
    """Sends `PreparedRequest`s on one kept-alive connection per thread and origin."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[http.client.HTTPConnection] = []
        self._contexts: dict[str, ssl.SSLContext] = {}
        # As urllib3 closes a pool's connections when the pool is collected.
        weakref.finalize(self, _close_all, self._opened, self._lock)

    def accepts(
        self,
        request: requests.PreparedRequest,
        *,
        stream: bool,
        verify: t.Any,
        cert: t.Any,
        proxies: t.Mapping[str, str] | None,
    ) -> bool:
        """Whether this transport sends `request` as `requests`' adapter would (module doc)."""
        url = request.url or ""
        body = request.body
        headers = request.headers
        return (
            not stream
            and cert is None
            and verifies_tls(verify)
            and url.startswith(("http://", "https://"))
            and not select_proxy(url, dict(proxies or {}))
            and (body is None or (isinstance(body, bytes) and "Content-Length" in headers))
            and "User-Agent" in headers
            and accepted_codings(headers)
        )

    def send(
        self, request: requests.PreparedRequest, *, timeout: t.Any, verify: t.Any
    ) -> requests.Response:
        """Send `request` (one `accepts`) and return its response with the body read."""
        parts = urlsplit(request.url or "")
        try:
            port = parts.port
        except ValueError as exc:
            raise requests.exceptions.InvalidURL(exc, request=request) from exc
        return self.exchange(
            (parts.scheme, parts.hostname or "", port),
            request,
            target=request.path_url,
            timeout=timeout,
            verify=verify,
        )

    def exchange(
        self,
        origin: tuple[str, str, int | None],
        request: requests.PreparedRequest,
        *,
        target: str,
        timeout: t.Any,
        verify: t.Any,
    ) -> requests.Response:
        """Send `request` to `origin` (scheme, host, port) for `target` (its path and query),
        for a caller that knows both already (`send`, and `direct_gets.DirectGets`)."""
        connect_timeout, read_timeout = _split_timeout(timeout)
        conn = self._connection(*origin, verify)
        conn.timeout = connect_timeout
        if conn.sock is not None and _dropped(conn.sock):
            conn.close()
        stage = "connect"
        try:
            if conn.sock is None:
                conn.connect()
            stage = "send"
            sock = t.cast("socket.socket", conn.sock)
            method = request.method or "GET"
            head = http11.request_head(
                method,
                target,
                request.headers,
                http11.host_header(conn.host, conn.port, conn.default_port),
            )
            body = t.cast("bytes | None", request.body)
            sock.sendall(head + body if body else head)
            stage = "response"
            sock.settimeout(read_timeout)
            with sock.makefile("rb") as fp:
                reply = http11.read_head(fp, method)
                stage = "body"
                data = http11.read_body(fp, reply)
            if reply.will_close:
                conn.close()
        except BaseException as exc:
            conn.close()
            error = _as_requests_error(exc, stage, request)
            if error is exc:
                raise
            raise error from exc
        response = requests.Response()
        response.status_code = reply.status
        response.headers = _joined_headers(reply.headers)
        response.encoding = get_encoding_from_headers(response.headers)
        response.reason = reply.reason
        response.url = request.url or ""
        response.request = request
        try:
            body = decode_body(data, response.headers.get("Content-Encoding"))
        except (OSError, EOFError, zlib.error) as exc:
            raise requests.exceptions.ContentDecodingError(exc, request=request) from exc
        set_body(response, body)
        return response

    def close(self) -> None:
        """Close every connection this transport opened, in any thread."""
        _close_all(self._opened, self._lock)

    def _connection(
        self, scheme: str, host: str, port: int | None, verify: t.Any
    ) -> http.client.HTTPConnection:
        connections: dict[tuple, http.client.HTTPConnection] | None = getattr(
            self._local, "connections", None
        )
        if connections is None:
            connections = self._local.connections = {}
        key = (scheme, host, port, verify)
        conn = connections.get(key)
        if conn is None:
            if scheme == "https":
                conn = http.client.HTTPSConnection(host, port, context=self._context(verify))
            else:
                conn = http.client.HTTPConnection(host, port)
            connections[key] = conn
            with self._lock:
                self._opened.append(conn)
        return conn

    def _context(self, verify: t.Any) -> ssl.SSLContext:
        """A verifying TLS context: `requests`' default CA bundle for `verify=True`, else the
        CA bundle file or directory `verify` names (as `HTTPAdapter.cert_verify` reads it)."""
        with self._lock:
            key = DEFAULT_CA_BUNDLE_PATH if verify is True else str(verify)
            context = self._contexts.get(key)
            if context is None:
                if Path(key).is_dir():
                    context = ssl.create_default_context(capath=key)
                else:
                    context = ssl.create_default_context(cafile=key)
                context.minimum_version = ssl.TLSVersion.TLSv1_2
                self._contexts[key] = context
            return context


def _close_all(opened: list[http.client.HTTPConnection], lock: threading.Lock) -> None:
    with lock:
        connections = list(opened)
        opened.clear()
    for conn in connections:
        conn.close()


def _joined_headers(pairs: list[tuple[str, str]]) -> CaseInsensitiveDict[str]:
    """Response headers, a repeated name's values joined with ", " (urllib3's HTTPHeaderDict)."""
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()
    for name, value in pairs:
        previous = headers.get(name)
        headers[name] = value if previous is None else f"{previous}, {value}"
    return headers


def _as_requests_error(
    exc: BaseException, stage: str, request: requests.PreparedRequest
) -> BaseException:
    """The exception `requests`' adapter raises for `exc`, at `stage` of a request."""
    if not isinstance(exc, Exception):
        return exc  # KeyboardInterrupt and the like pass as they are
    if isinstance(exc, ssl.SSLError):
        return requests.exceptions.SSLError(exc, request=request)
    if isinstance(exc, TimeoutError | socket.timeout):
        if stage == "connect":
            return requests.exceptions.ConnectTimeout(exc, request=request)
        if stage == "response":
            return requests.exceptions.ReadTimeout(exc, request=request)
        return requests.exceptions.ConnectionError(exc, request=request)
    if stage == "body" and isinstance(exc, http.client.IncompleteRead | ConnectionError):
        return requests.exceptions.ChunkedEncodingError(exc, request=request)
    if isinstance(exc, http.client.HTTPException | OSError):
        return requests.exceptions.ConnectionError(exc, request=request)
    return exc
