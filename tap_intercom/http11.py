"""One HTTP/1.1 request and its response on an open socket, written and read as `http.client`
writes and reads them, for `transport.DirectTransport`.

A contacts-heavy sync sends one small GET for every contact with a long tag or company list.
For such a request `http.client` spends most of its CPU around the bytes rather than on them:
each header checked and encoded one call at a time, the `email` package parsing the response
headers into a message object, and the `HTTPResponse` state machine. This module does the
same work directly:

- `request_head`: the request line and headers `putrequest`/`putheader` would send (the same
  checks and errors, the same `Host` header); the encoded header block of a header set is kept,
  as a stream sends the same headers again and again.
- `read_head` and `read_body`: `HTTPResponse.begin` and `read` by the same rules. A 100
  Continue is skipped; the status line is checked as `http.client` checks it; at most 100
  header lines of at most 65,536 bytes; the body is chunked only when Transfer-Encoding is
  exactly "chunked", else Content-Length bounds it (ignored when invalid or negative), and a
  response without either is read to the end of the connection; 1xx, 204, 304 and HEAD have
  no body; the connection stays open unless HTTP/1.1 says `close`, or HTTP/1.0 does not say
  `keep-alive`. Header lines that are plain `Name: value` are split here; a block with any
  other line (folded, without a colon, a bare LF) is parsed by `http.client.parse_headers`
  itself, so the odd cases keep its exact answer.

Failures raise `http.client`'s own exceptions (`RemoteDisconnected`, `BadStatusLine`,
`LineTooLong`, `IncompleteRead`, `UnknownProtocol`), so the transport maps them to `requests`'
as before. `tests/unit/test_http11.py` holds both to the same results.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import re
import typing as t
from dataclasses import dataclass

if t.TYPE_CHECKING:
    from collections.abc import Iterable

#: `http.client`'s limits on a response's lines and header count.
MAX_LINE = 65536
MAX_HEADERS = 100

# The checks `http.client` makes on what it sends (the same expressions).
_legal_header_name = re.compile(rb"[^:\s][^:\r\n]*").fullmatch
_illegal_header_value = re.compile(rb"\n(?![ \t])|\r(?![ \t\n])").search
_disallowed_target_char = re.compile("[\x00-\x20\x7f]").search
_disallowed_method_char = re.compile("[\x00-\x1f]").search
#: A response header line `email`'s parser reads as just name and value (a name of its header
#: name characters, then the value after leading blanks), ending in CRLF.
_plain_header_line = re.compile(rb"([\x21-\x39\x3b-\x7e]+):[ \t]*([^\r\n]*)\r\n").fullmatch

#: Encoded header blocks by (Host header, header items); cleared when it grows past this.
_BLOCK_CACHE_SIZE = 256
_blocks: dict[tuple[bytes, tuple[tuple[str, t.Any], ...]], bytes] = {}


def host_header(host: str, port: int, default_port: int) -> bytes:
    """The `Host` header value `putrequest` sends for a connection to `host` and `port`."""
    try:
        encoded = host.encode("ascii")
    except UnicodeEncodeError:
        encoded = host.encode("idna")
    if ":" in host:
        encoded = b"[" + encoded + b"]"
        encoded = encoded.split(b"%", 1)[0] + b"]" if b"%" in encoded else encoded
    if port == default_port:
        return encoded
    return encoded + b":" + str(port).encode("ascii")


def request_head(method: str, target: str, headers: t.Mapping[str, t.Any], host: bytes) -> bytes:
    """The request line and header block `http.client` sends: its `Host` (`host`, from
    `host_header`) unless `headers` has one, `Accept-Encoding: identity` unless they name
    one, then `headers` in order. Raises ValueError or `InvalidURL` where it does."""
    if found := _disallowed_method_char(method):
        msg = f"method can't contain control characters. {method!r} (found at least {found[0]!r})"
        raise ValueError(msg)
    target = target or "/"
    if found := _disallowed_target_char(target):
        msg = f"URL can't contain control characters. {target!r} (found at least {found[0]!r})"
        raise http.client.InvalidURL(msg)
    line = f"{method} {target} HTTP/1.1\r\n".encode("ascii")
    key = (host, tuple(headers.items()))
    block = _blocks.get(key)
    if block is None:
        added = [] if "Host" in headers else [b"Host: " + host]
        if "Accept-Encoding" not in headers:
            added.append(b"Accept-Encoding: identity")
        block = _header_block(added, key[1])
        if len(_blocks) >= _BLOCK_CACHE_SIZE:
            _blocks.clear()
        _blocks[key] = block
    return line + block


def _header_block(lines: list[bytes], items: Iterable[tuple[str, t.Any]]) -> bytes:
    """`lines`, then each of `items` as `putheader` checks and encodes it, then the blank line."""
    for name, value in items:
        raw_name = name.encode("ascii") if hasattr(name, "encode") else name
        if not _legal_header_name(raw_name):
            msg = f"Invalid header name {raw_name!r}"
            raise ValueError(msg)
        if hasattr(value, "encode"):
            raw_value = value.encode("latin-1")
        elif isinstance(value, int):
            raw_value = str(value).encode("ascii")
        else:
            raw_value = value
        if _illegal_header_value(raw_value):
            msg = f"Invalid header value {raw_value!r}"
            raise ValueError(msg)
        lines.append(raw_name + b": " + raw_value)
    lines.extend((b"", b""))
    return b"\r\n".join(lines)


@dataclass(frozen=True)
class ResponseHead:
    """What `HTTPResponse.begin` decides: status, reason, headers in order, and how the body
    is framed (`length` None and not `chunked`: to the end of the connection)."""

    status: int
    reason: str
    headers: list[tuple[str, str]]
    chunked: bool
    length: int | None
    will_close: bool
    method: str


def read_head(fp: t.BinaryIO, method: str) -> ResponseHead:
    """The status line and headers of the response to a `method` request, from `fp`."""
    while True:
        version, status, reason = _read_status(fp)
        if status != http.client.CONTINUE:
            break
        _read_header_lines(fp)
    if version in ("HTTP/1.0", "HTTP/0.9"):
        http_version = 10
    elif version.startswith("HTTP/1."):
        http_version = 11
    else:
        raise http.client.UnknownProtocol(version)
    headers = _parse_header_lines(_read_header_lines(fp))
    transfer_encoding = _first(headers, "transfer-encoding")
    chunked = bool(transfer_encoding) and transfer_encoding.lower() == "chunked"
    will_close = _will_close(headers, http_version)
    length: int | None = None
    content_length = _first(headers, "content-length")
    if content_length and not chunked:
        with contextlib.suppress(ValueError):
            length = int(content_length)
        if length is not None and length < 0:
            length = None  # a negative length is ignored
    if status in (204, 304) or 100 <= status < 200 or method == "HEAD":
        length = 0
    if not will_close and not chunked and length is None:
        will_close = True
    return ResponseHead(status, reason.strip(), headers, chunked, length, will_close, method)


def read_body(fp: t.BinaryIO, head: ResponseHead) -> bytes:
    """The whole body `HTTPResponse.read()` returns for `head`, read from `fp`."""
    if head.method == "HEAD":
        return b""
    if head.chunked:
        return _read_chunked(fp)
    if head.length is None:
        return fp.read()
    return _read_exactly(fp, head.length)


def _read_status(fp: t.BinaryIO) -> tuple[str, int, str]:
    line = str(fp.readline(MAX_LINE + 1), "iso-8859-1")
    if len(line) > MAX_LINE:
        raise http.client.LineTooLong("status line")
    if not line:
        msg = "Remote end closed connection without response"
        raise http.client.RemoteDisconnected(msg)
    parts = line.split(None, 2)
    version = parts[0] if len(parts) >= 2 else ""
    if not version.startswith("HTTP/"):
        raise http.client.BadStatusLine(line)
    reason = parts[2] if len(parts) > 2 else ""
    try:
        status = int(parts[1])
    except ValueError:
        raise http.client.BadStatusLine(line) from None
    if status < 100 or status > 999:
        raise http.client.BadStatusLine(line)
    return version, status, reason


def _read_header_lines(fp: t.BinaryIO) -> list[bytes]:
    """The header lines up to and including the blank line (or the end of the data)."""
    lines = []
    while True:
        line = fp.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise http.client.LineTooLong("header line")
        lines.append(line)
        if len(lines) > MAX_HEADERS:
            msg = f"got more than {MAX_HEADERS} headers"
            raise http.client.HTTPException(msg)
        if line in (b"\r\n", b"\n", b""):
            return lines


def _parse_header_lines(lines: list[bytes]) -> list[tuple[str, str]]:
    """The (name, value) pairs `http.client.parse_headers` gives for `lines`."""
    pairs = []
    if lines[-1] == b"\r\n":
        for line in lines[:-1]:
            match = _plain_header_line(line)
            if match is None:
                break
            pairs.append((match[1].decode("ascii"), match[2].decode("iso-8859-1")))
        else:
            return pairs
    message = http.client.parse_headers(io.BytesIO(b"".join(lines)))
    return list(message.items())


def _first(headers: list[tuple[str, str]], lower_name: str) -> str | None:
    """The first value of a header, as `HTTPMessage.get` gives it."""
    for name, value in headers:
        if name.lower() == lower_name:
            return value
    return None


def _will_close(headers: list[tuple[str, str]], http_version: int) -> bool:
    connection = _first(headers, "connection")
    if http_version == 11:
        return bool(connection) and "close" in connection.lower()
    if _first(headers, "keep-alive"):
        return False
    if connection and "keep-alive" in connection.lower():
        return False
    proxy_connection = _first(headers, "proxy-connection")
    return not (proxy_connection and "keep-alive" in proxy_connection.lower())


def _read_exactly(fp: t.BinaryIO, amount: int) -> bytes:
    data = fp.read(amount)
    if len(data) < amount:
        raise http.client.IncompleteRead(data, amount - len(data))
    return data


def _read_chunked(fp: t.BinaryIO) -> bytes:
    parts: list[bytes] = []
    try:
        while True:
            line = fp.readline(MAX_LINE + 1)
            if len(line) > MAX_LINE:
                raise http.client.LineTooLong("chunk size")
            size_text = line.split(b";", 1)[0]
            try:
                size = int(size_text, 16)
            except ValueError:
                raise http.client.IncompleteRead(b"") from None
            if size == 0:
                _discard_trailer(fp)
                return b"".join(parts)
            parts.append(_read_exactly(fp, size))
            _read_exactly(fp, 2)  # the CRLF after the chunk
    except http.client.IncompleteRead as exc:
        raise http.client.IncompleteRead(b"".join(parts)) from exc


def _discard_trailer(fp: t.BinaryIO) -> None:
    while True:
        line = fp.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise http.client.LineTooLong("trailer line")
        if line in (b"\r\n", b"\n", b""):
            return
