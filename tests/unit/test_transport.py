"""The direct transport sends what `requests`' adapter sends and hands back what it hands back.

Each test runs a scripted loopback server that records the raw bytes of every request and
answers with raw bytes, then sends the same request once through a plain `requests.Session`
(urllib3 underneath: the reference) and once through the run's session, whose adapter uses
`tap_intercom.transport.DirectTransport` for it.
"""

from __future__ import annotations

import gzip
import json
import socket
import socketserver
import ssl
import threading
import time
import zlib

import pytest
import requests
import trustme

from tap_intercom.http_session import governed_session, prepare_get
from tap_intercom.rate_limit import RateLimitGovernor
from tap_intercom.retry import unresolved_host
from tap_intercom.run_stats import RunStats
from tap_intercom.transport import DirectTransport, decode_body

_BODY = json.dumps({"type": "list", "data": [{"id": str(n), "name": "é" * 3} for n in range(300)]})
_RAW = _BODY.encode()


def _response(
    body: bytes = _RAW, *, status: str = "200 OK", headers: tuple[str, ...] = (), close=False
) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Content-Type: application/json", *headers]
    if not any(h.lower().startswith("transfer-encoding") for h in headers):
        lines.append(f"Content-Length: {len(body)}")
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _chunked(body: bytes) -> bytes:
    half = len(body) // 2
    parts = [body[:half], body[half:]]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


#: path -> raw answer; `None`: close the connection without one; "hang": never answer.
ANSWERS: dict[str, bytes | str | None] = {
    "/plain": _response(),
    "/gzip": _response(gzip.compress(_RAW), headers=("Content-Encoding: gzip",)),
    "/deflate": _response(zlib.compress(_RAW), headers=("Content-Encoding: deflate",)),
    "/raw-deflate": _response(zlib.compress(_RAW)[2:-4], headers=("Content-Encoding: deflate",)),
    "/br": _response(b"not brotli", headers=("Content-Encoding: br",)),
    "/chunked": _response(_chunked(_RAW), headers=("Transfer-Encoding: chunked",)),
    "/repeated": _response(headers=("X-Thing: one", "X-Thing: two", "Set-Cookie: a=1")),
    "/latin1": _response(
        "café".encode("latin-1"), headers=("Content-Type: text/plain; charset=ISO-8859-1",)
    ),
    "/no-content": b"HTTP/1.1 204 No Content\r\n\r\n",
    "/not-found": _response(
        b'{"type":"error.list","errors":[{"code":"not_found"}]}', status="404 Not Found"
    ),
    "/rate-limited": _response(
        b"{}", status="429 Too Many Requests", headers=("X-RateLimit-Reset: 1700000000",)
    ),
    "/close": _response(close=True),
    "/truncated": _response(close=True)[:-100],
    "/bad-gzip": _response(b"\x1f\x8b garbage", headers=("Content-Encoding: gzip",)),
    "/drop": None,
    "/hang": "hang",
}


class ScriptedServer(socketserver.ThreadingTCPServer):
    """Answers each request with `ANSWERS[path]`, recording the raw request bytes."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[bytes] = []
        self.connections = 0
        self.closed = 0
        self.tls = tls
        self.close_after_answer = False
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def url(self, host: str = "127.0.0.1") -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{host}:{self.server_address[1]}"

    def get_request(self):
        sock, address = super().get_request()
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def shutdown_request(self, request) -> None:
        super().shutdown_request(request)
        with self.lock:
            self.closed += 1

    def wait_closed(self, count: int, timeout: float = 5.0) -> None:
        """Wait until the server has closed `count` connections (a loaded machine may take
        longer than a fixed sleep)."""
        deadline = time.monotonic() + timeout
        while self.closed < count and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.closed >= count, f"the server closed {self.closed} of {count} connections"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class _Handler(socketserver.StreamRequestHandler):
    server: ScriptedServer

    def handle(self) -> None:
        try:
            if self.server.tls is not None:
                self.connection.do_handshake()
        except (ssl.SSLError, OSError):
            return  # the client refused our certificate
        with self.server.lock:
            self.server.connections += 1
        while True:
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                line = self.rfile.readline()
                if not line:
                    return
                head += line
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            raw = head + self.rfile.read(length)
            # Decided as the request arrives: a test that sets the flag after an answer
            # must not race the handler still finishing that answer.
            close_after = self.server.close_after_answer
            with self.server.lock:
                self.server.requests.append(raw)
            path = raw.split(b" ", 2)[1].decode().split("?")[0]
            answer = ANSWERS[path]
            if answer is None:
                return
            if answer == "hang":
                time.sleep(2)
                return
            self.wfile.write(answer)
            self.wfile.flush()
            if b"Connection: close" in answer or close_after:
                return


def reference_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


def run_session(base_url: str) -> requests.Session:
    return governed_session(RateLimitGovernor(None), RunStats(), 4, base_url)


def _prepared(session: requests.Session, url: str, method: str = "GET") -> requests.Request:
    if method == "POST":
        request = requests.Request(
            "POST",
            url,
            json={"query": {"field": "updated_at", "operator": ">", "value": 1}},
            headers={"Intercom-Version": "2.14", "User-Agent": "tap-intercom/test"},
        )
    else:
        request = requests.Request(
            "GET",
            url,
            params={"per_page": 150, "starting_after": "WzE3MDAwMDAwMDAsIjEiXQ=="},
            headers={"Intercom-Version": "2.14", "User-Agent": "tap-intercom/test"},
        )
    prepared = session.prepare_request(request)
    prepared.headers["Authorization"] = "Bearer secret-token"
    return prepared


def _send_both(server: ScriptedServer, path: str, method: str = "GET", **kwargs):
    """(reference response, direct response, the two raw requests) for one request."""
    results = []
    for session in (reference_session(), run_session(server.url())):
        with session:
            results.append(session.send(_prepared(session, server.url() + path, method), **kwargs))
    return results[0], results[1], server.requests[-2:]


def _shape(response: requests.Response) -> tuple:
    return (
        response.status_code,
        response.reason,
        list(response.headers.items()),
        response.encoding,
        response.url,
        response.content,
        response.text,
    )


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_same_bytes_go_on_the_wire(method):
    with ScriptedServer() as server:
        reference, direct, (sent_by_requests, sent_directly) = _send_both(
            server, "/plain", method, timeout=10
        )
    assert direct.raw is None  # it did take the direct transport
    assert sent_directly == sent_by_requests
    assert _shape(direct) == _shape(reference)


@pytest.mark.parametrize(
    "path",
    [
        "/plain",
        "/gzip",
        "/deflate",
        "/raw-deflate",
        "/br",
        "/chunked",
        "/repeated",
        "/latin1",
        "/no-content",
        "/not-found",
        "/rate-limited",
        "/close",
    ],
)
def test_the_same_response_comes_back(path):
    with ScriptedServer() as server:
        reference, direct, _ = _send_both(server, path, timeout=10)
    assert direct.raw is None
    assert _shape(direct) == _shape(reference)
    if path in ("/plain", "/gzip", "/deflate", "/raw-deflate", "/chunked"):
        assert direct.json() == json.loads(_BODY)


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/truncated", requests.exceptions.ChunkedEncodingError),
        ("/bad-gzip", requests.exceptions.ContentDecodingError),
        ("/drop", requests.exceptions.ConnectionError),
        ("/hang", requests.exceptions.ReadTimeout),
    ],
)
def test_a_failure_raises_what_requests_raises(path, error):
    with ScriptedServer() as server:
        raised = []
        for session in (reference_session(), run_session(server.url())):
            with session, pytest.raises(requests.exceptions.RequestException) as caught:
                session.send(_prepared(session, server.url() + path), timeout=0.5)
            raised.append(caught.value)
    reference, direct = raised
    assert isinstance(reference, error)
    assert type(direct) is type(reference)
    assert direct.request is not None


def test_a_refused_connection_raises_connection_error():
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/plain"
    raised = []
    for session in (reference_session(), run_session(url)):
        with session, pytest.raises(requests.exceptions.RequestException) as caught:
            session.send(_prepared(session, url), timeout=2)
        raised.append(caught.value)
    assert [type(exc) for exc in raised] == [requests.exceptions.ConnectionError] * 2


def test_a_connect_timeout_raises_connect_timeout(monkeypatch):
    def timed_out(self, address):
        raise TimeoutError("timed out")

    monkeypatch.setattr(socket.socket, "connect", timed_out)
    raised = []
    for session in (reference_session(), run_session("http://127.0.0.1:9")):
        with session, pytest.raises(requests.exceptions.RequestException) as caught:
            session.send(_prepared(session, "http://127.0.0.1:9/plain"), timeout=(0.5, 5))
        raised.append(caught.value)
    assert [type(exc) for exc in raised] == [requests.exceptions.ConnectTimeout] * 2


def test_an_unresolved_host_is_recognised_as_such(monkeypatch):
    """The retry rules fail at once on a DNS failure (`unresolved_host`); the direct transport's
    error carries the `socket.gaierror` as urllib3's does."""

    def unresolved(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unresolved)
    url = "http://intercom.test/plain"
    for session in (reference_session(), run_session("http://intercom.test")):
        with session, pytest.raises(requests.exceptions.ConnectionError) as caught:
            session.send(_prepared(session, url), timeout=2)
        assert unresolved_host(caught.value) == "intercom.test"


def test_connections_are_kept_alive_and_a_dropped_one_is_replaced():
    with ScriptedServer() as server, run_session(server.url()) as session:
        for _ in range(3):
            assert session.send(_prepared(session, server.url() + "/plain"), timeout=5).ok
        assert server.connections == 1
        server.close_after_answer = True  # the server closes each idle connection from now on
        for closed in range(1, 4):
            assert session.send(_prepared(session, server.url() + "/plain"), timeout=5).ok
            server.wait_closed(closed)
        # The first goes on the open connection; each later one finds the previous closed
        # (noticed before reuse, no error) and opens a new one.
        assert server.connections == 3


def test_each_thread_has_its_own_connection_and_close_ends_them_all():
    with ScriptedServer() as server:
        session = run_session(server.url())

        def fetch() -> None:
            for _ in range(3):
                assert session.send(_prepared(session, server.url() + "/plain"), timeout=5).ok

        threads = [threading.Thread(target=fetch) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert server.connections == 3
        session.close()
        assert session.send(_prepared(session, server.url() + "/plain"), timeout=5).ok
        assert server.connections == 4  # closed ones are not reused


def test_prepare_get_requests_take_the_direct_transport_and_are_counted():
    with ScriptedServer() as server:
        stats = RunStats()
        with governed_session(RateLimitGovernor(None), stats, 4, server.url()) as session:
            prepared = prepare_get(
                session,
                server.url() + "/plain",
                params={"per_page": 60},
                headers={"User-Agent": "tap-intercom/test", "Accept": "application/json"},
                auth=lambda p: p,
            )
            response = session.send(prepared, timeout=5)
    assert response.raw is None
    assert response.json() == json.loads(_BODY)
    assert stats.requests == 1
    assert server.requests[0].startswith(b"GET /plain?per_page=60 HTTP/1.1\r\n")


# --- TLS --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def authority():
    return trustme.CA()


@pytest.fixture
def tls_server(authority):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    with ScriptedServer(tls=context) as server:
        yield server


def test_tls_with_a_given_ca_bundle_gives_the_same_response(authority, tls_server, tmp_path):
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    reference, direct, (sent_by_requests, sent_directly) = _send_both(
        tls_server, "/gzip", timeout=10, verify=str(bundle)
    )
    assert direct.raw is None
    assert sent_directly == sent_by_requests
    assert _shape(direct) == _shape(reference)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_tls_refuses_a_certificate_it_cannot_verify(authority, tls_server, tmp_path, host):
    """127.0.0.1: not signed by requests' default CA bundle; localhost: with the right CA, the
    certificate names another host. Both transports raise `SSLError`."""
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    verify = True if host == "127.0.0.1" else str(bundle)
    url = tls_server.url(host)
    raised = []
    for session in (reference_session(), run_session(url)):
        with session, pytest.raises(requests.exceptions.RequestException) as caught:
            session.send(_prepared(session, url + "/plain"), timeout=5, verify=verify)
        raised.append(caught.value)
    assert [type(exc) for exc in raised] == [requests.exceptions.SSLError] * 2


# --- what the direct transport takes -----------------------------------------------------------


def _accepts(**overrides) -> bool:
    session = reference_session()
    prepared = _prepared(session, "https://api.intercom.io/contacts/1/tags")
    if "headers" in overrides:
        prepared.headers.update(overrides.pop("headers"))
    if "body" in overrides:
        prepared.body = overrides.pop("body")
    arguments = {"stream": False, "verify": True, "cert": None, "proxies": {}}
    arguments.update(overrides)
    return DirectTransport().accepts(prepared, **arguments)


def test_what_the_direct_transport_takes_and_leaves_to_requests():
    assert _accepts()
    assert _accepts(verify="/etc/ssl/certs/ca-certificates.crt")
    assert _accepts(proxies={"http": "http://proxy.test:3128"})  # not for https
    assert not _accepts(proxies={"https": "http://proxy.test:3128"})
    assert not _accepts(proxies={"all": "http://proxy.test:3128"})
    assert not _accepts(stream=True)
    assert not _accepts(verify=False)
    assert not _accepts(cert="/client.pem")
    assert not _accepts(headers={"Accept-Encoding": "gzip, deflate, br"})
    assert not _accepts(body=iter([b"streamed"]))
    assert not _accepts(body=b"{}")  # bytes without a Content-Length


def test_decode_body_undoes_codings_in_reverse_order():
    twice = gzip.compress(zlib.compress(_RAW))
    assert decode_body(twice, "deflate, gzip") == _RAW
    assert decode_body(_RAW, "identity") == _RAW
    assert decode_body(b"", "gzip") == b""
    assert decode_body(b"opaque", "zstd") == b"opaque"
