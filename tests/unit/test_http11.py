"""`http11` against `http.client` itself: the same request bytes, and for any response bytes
the same status, reason, headers, framing, body, end of the read and errors."""

from __future__ import annotations

import http.client
import io

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from tap_intercom import http11

# --------------------------------------------------------------------------- requests


class _CapturingConnection(http.client.HTTPConnection):
    """An `HTTPConnection` that keeps what it would send instead of sending it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sent = b""

    def send(self, data) -> None:
        self.sent += bytes(data)


def _stdlib_head(method, target, headers, host, port) -> bytes:
    conn = _CapturingConnection(host, port)
    conn.putrequest(
        method,
        target,
        skip_host="Host" in headers,
        skip_accept_encoding="Accept-Encoding" in headers,
    )
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders()
    return conn.sent


def _our_head(method, target, headers, host, port) -> bytes:
    conn = http.client.HTTPConnection(host, port)
    value = http11.host_header(conn.host, conn.port, conn.default_port)
    return http11.request_head(method, target, headers, value)


BASE_HEADERS = {
    "User-Agent": "tap-intercom/1.0",
    "Accept-Encoding": "gzip, deflate",
    "Accept": "*/*",
    "Connection": "keep-alive",
    "Intercom-Version": "2.14",
    "Authorization": "Bearer secret-token",
}


@pytest.mark.parametrize(
    ("host", "port"),
    [
        ("127.0.0.1", 8765),
        ("api.intercom.io", None),
        ("api.intercom.io", 80),
        ("::1", 8080),
        ("fe80::1%eth0", 8080),
        ("bücher.example", None),
    ],
)
@pytest.mark.parametrize(
    "headers",
    [
        BASE_HEADERS,
        {k: v for k, v in BASE_HEADERS.items() if k != "Accept-Encoding"},
        {**BASE_HEADERS, "host": "other.example", "Content-Length": "17"},
        {**BASE_HEADERS, "X-Bytes": b"raw\xffvalue", "X-Number": 42, "X-Folded": "a\r\n b"},
    ],
)
def test_the_request_head_is_the_one_http_client_sends(host, port, headers):
    for target in ("/contacts/1/tags", "/contacts?per_page=150&starting_after=WzE%3D", ""):
        for method in ("GET", "POST"):
            given_headers = CaseInsensitiveDict(headers)
            expected = _stdlib_head(method, target, given_headers, host, port)
            assert _our_head(method, target, given_headers, host, port) == expected
            # The second time the header block comes from the cache: still the same.
            assert _our_head(method, target, given_headers, host, port) == expected


@pytest.mark.parametrize(
    ("method", "target", "headers"),
    [
        ("GET", "/a b", BASE_HEADERS),
        ("GET", "/a\x7f", BASE_HEADERS),
        ("G\x01T", "/", BASE_HEADERS),
        ("GET", "/", {**BASE_HEADERS, "Bad Name:": "x"}),
        ("GET", "/", {**BASE_HEADERS, "": "x"}),
        ("GET", "/", {**BASE_HEADERS, "X-Split": "a\r\nInjected: 1"}),
        ("GET", "/", {**BASE_HEADERS, "X-Split": "a\nb"}),
    ],
)
def test_what_http_client_refuses_to_send_is_refused_the_same_way(method, target, headers):
    given_headers = CaseInsensitiveDict(headers)
    with pytest.raises((ValueError, http.client.InvalidURL)) as stdlib:
        _stdlib_head(method, target, given_headers, "127.0.0.1", 8765)
    with pytest.raises((ValueError, http.client.InvalidURL)) as ours:
        _our_head(method, target, given_headers, "127.0.0.1", 8765)
    assert type(ours.value) is type(stdlib.value)
    assert str(ours.value) == str(stdlib.value)


# --------------------------------------------------------------------------- responses


class _Buffer(io.BytesIO):
    """The response bytes; remembers where reading had got to when `http.client` closed it."""

    closed_at: int | None = None

    def close(self) -> None:
        if not self.closed:
            self.closed_at = self.tell()
        super().close()


class _Socket:
    def __init__(self, data: bytes) -> None:
        self.buffer = _Buffer(data)

    def makefile(self, mode: str) -> _Buffer:
        assert mode == "rb"
        return self.buffer


def _error(exc: BaseException) -> tuple:
    return (type(exc).__name__, str(exc))


def _stdlib_reading(data: bytes, method: str) -> tuple:
    sock = _Socket(data)
    response = http.client.HTTPResponse(sock, method=method)  # type: ignore[arg-type]
    try:
        response.begin()
    except Exception as exc:
        return ("head", _error(exc))
    head = (
        response.status,
        response.reason,
        response.getheaders(),
        response.will_close,
    )
    try:
        body = response.read()
    except Exception as exc:
        return (head, "body", _error(exc))
    end = sock.buffer.closed_at if sock.buffer.closed_at is not None else sock.buffer.tell()
    return (head, body, end)


def _our_reading(data: bytes, method: str) -> tuple:
    fp = io.BytesIO(data)
    try:
        reply = http11.read_head(fp, method)
    except Exception as exc:
        return ("head", _error(exc))
    head = (reply.status, reply.reason, reply.headers, reply.will_close)
    try:
        body = http11.read_body(fp, reply)
    except Exception as exc:
        return (head, "body", _error(exc))
    return (head, body, fp.tell())


def _chunked(body: bytes, *, extension: bytes = b"", trailer: bytes = b"") -> bytes:
    out = b""
    for start in range(0, len(body), 7):
        piece = body[start : start + 7]
        out += f"{len(piece):x}".encode() + extension + b"\r\n" + piece + b"\r\n"
    return out + b"0" + extension + b"\r\n" + trailer + b"\r\n"


BODY = b'{"type":"list","data":[{"type":"tag","id":"1","name":"VIP"}]}'
LENGTH = f"Content-Length: {len(BODY)}\r\n".encode()


def _framed(head: bytes) -> bytes:
    """`head` (status line and headers), then BODY with its Content-Length."""
    return head + LENGTH + b"\r\n" + BODY


CASES = {
    "plain": _framed(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"),
    "kept alive, more bytes follow": _framed(b"HTTP/1.1 200 OK\r\n") + b"HTTP/1",
    "close": _framed(b"HTTP/1.1 200 OK\r\nConnection: close\r\n"),
    "no length": b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + BODY,
    "HTTP/1.0": _framed(b"HTTP/1.0 200 OK\r\n"),
    "HTTP/1.0 keep-alive": _framed(b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n"),
    "HTTP/1.0 Keep-Alive header": _framed(b"HTTP/1.0 200 OK\r\nKeep-Alive: timeout=5\r\n"),
    "HTTP/1.0 proxy": _framed(b"HTTP/1.0 200 OK\r\nProxy-Connection: keep-alive\r\n"),
    "HTTP/2 version": _framed(b"HTTP/2 200 OK\r\n"),
    "HTTP/1.2": _framed(b"HTTP/1.2 200 OK\r\n"),
    "continue first": _framed(b"HTTP/1.1 100 Continue\r\nX-A: 1\r\n\r\nHTTP/1.1 201 Created\r\n"),
    "early hints": b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n",
    "no content": b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nextra",
    "not modified": b"HTTP/1.1 304 Not Modified\r\n\r\n",
    "chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + _chunked(BODY),
    "chunked, and a length": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
    + LENGTH
    + b"\r\n"
    + _chunked(BODY),
    "Chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n" + _chunked(BODY),
    "gzip, chunked": _framed(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n"),
    "chunk extensions and trailer": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    + _chunked(BODY, extension=b";name=value", trailer=b"X-Checksum: 1\r\nX-More: 2\r\n"),
    "chunked, broken off": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    + _chunked(BODY)[:30],
    "chunk size not hex": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    "chunk size too long": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    + b"1" * 70000
    + b"\r\n",
    "truncated body": b"HTTP/1.1 200 OK\r\n" + LENGTH + b"\r\n" + BODY[:20],
    "negative length": b"HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n" + BODY,
    "length not a number": b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n" + BODY,
    "two lengths": _framed(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n"),
    "repeated header": _framed(b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n"),
    "no space, trailing spaces": _framed(
        b"HTTP/1.1 200 OK\r\nX-A:value  \r\nX-B:\t\tv\r\nX-C:\r\n"
    ),
    "latin-1 value": _framed(b"HTTP/1.1 200 OK\r\nX-Name: caf\xe9\r\n"),
    "folded header": _framed(b"HTTP/1.1 200 OK\r\nX-Long: first\r\n second\r\n"),
    "line without colon": _framed(b"HTTP/1.1 200 OK\r\nX-A: 1\r\nnot a header\r\n"),
    "empty header name": _framed(b"HTTP/1.1 200 OK\r\n: nameless\r\n"),
    "space before colon": _framed(b"HTTP/1.1 200 OK\r\nX-A : 1\r\n"),
    "bare LF": b"HTTP/1.1 200 OK\nX-A: 1\n" + LENGTH.replace(b"\r", b"") + b"\n" + BODY,
    "bare CR inside a value": _framed(b"HTTP/1.1 200 OK\r\nX-A: 1\r2\r\n"),
    "headers end at the end": b"HTTP/1.1 200 OK\r\nX-A: 1\r\n",
    "status only": b"HTTP/1.1 200\r\n\r\n",
    "status without reason or CRLF": b"HTTP/1.1 404",
    "long reason": b"HTTP/1.1 429 Too Many Requests  \r\nContent-Length: 0\r\n\r\n",
    "nothing": b"",
    "not HTTP": b"ICY 200 OK\r\n\r\n",
    "status not a number": b"HTTP/1.1 abc OK\r\n\r\n",
    "status too small": b"HTTP/1.1 99 Low\r\n\r\n",
    "status too large": b"HTTP/1.1 1000 High\r\n\r\n",
    "status line too long": b"HTTP/1.1 200 " + b"O" * 70000 + b"\r\n\r\n",
    "header line too long": b"HTTP/1.1 200 OK\r\nX-A: " + b"a" * 70000 + b"\r\n\r\n",
    "too many headers": b"HTTP/1.1 200 OK\r\n" + b"X-A: 1\r\n" * 101 + b"\r\n",
    "a hundred headers": b"HTTP/1.1 200 OK\r\n" + b"X-A: 1\r\n" * 99 + LENGTH + b"\r\n" + BODY,
}


@pytest.mark.parametrize("method", ["GET", "POST", "HEAD"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_response_reads_as_http_client_reads_it(case, method):
    data = CASES[case]
    assert _our_reading(data, method) == _stdlib_reading(data, method)


_header_lines = st.lists(
    st.one_of(
        st.sampled_from(
            [
                b"Content-Type: application/json\r\n",
                b"Connection: close\r\n",
                b"Connection: keep-alive\r\n",
                b"Keep-Alive: timeout=5\r\n",
                b"Transfer-Encoding: chunked\r\n",
                b"Content-Length: 0\r\n",
                b" folded\r\n",
                b"no colon\r\n",
                b"X-A:\r\n",
                b"X-Lf: 1\n",
            ]
        ),
        st.builds(
            lambda name, value: name + b": " + value + b"\r\n",
            st.sampled_from([b"Content-Length", b"X-RateLimit-Remaining", b"x-a", b"Set-Cookie"]),
            st.binary(max_size=12).filter(lambda v: b"\n" not in v),
        ),
    ),
    max_size=8,
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    version=st.sampled_from([b"HTTP/1.1", b"HTTP/1.0", b"HTTP/1.1", b"HTTP/2", b"HTP"]),
    status=st.sampled_from([b"200", b"100", b"204", b"304", b"404", b"1a", b"99", b"101"]),
    reason=st.sampled_from([b" OK", b"", b" Not Found ", b" "]),
    lines=_header_lines,
    end=st.sampled_from([b"\r\n", b"\n", b""]),
    body=st.binary(max_size=40),
    chunk=st.booleans(),
    cut=st.integers(min_value=0, max_value=200),
    method=st.sampled_from(["GET", "HEAD"]),
)
@example(
    version=b"HTTP/1.1",
    status=b"200",
    reason=b" OK",
    lines=[b"Transfer-Encoding: chunked\r\n"],
    end=b"\r\n",
    body=BODY,
    chunk=True,
    cut=200,
    method="GET",
)
def test_any_response_reads_as_http_client_reads_it(
    *, version, status, reason, lines, end, body, chunk, cut, method
):
    payload = _chunked(body) if chunk else body
    data = version + b" " + status + reason + b"\r\n" + b"".join(lines) + end + payload
    data = data[: len(data) - min(cut, len(data))] if cut < 100 else data
    assert _our_reading(data, method) == _stdlib_reading(data, method)
