"""A host name that does not resolve fails at once with one line; a refused or reset
connection is still retried.

The CLI runs with a `sitecustomize` that makes every name but the loopback ones fail to
resolve (as `.invalid` names do), so no DNS query leaves the machine.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
import requests

from tap_intercom.errors import UnresolvedHostError
from tap_intercom.retry import unresolved_host, without_dns_retries
from tests.singer_run import base_config, discover, run_tap, select_streams

NO_DNS = """
import socket

_real_getaddrinfo = socket.getaddrinfo


def _loopback_only(host, *args, **kwargs):
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_only
"""
UNRESOLVABLE = "https://nonexistent.invalid"


@pytest.fixture
def no_dns_env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "sitecustomize.py").write_text(NO_DNS)
    return {"PYTHONPATH": str(tmp_path)}


@pytest.mark.parametrize("args", [("--discover",), ()])
def test_an_unresolvable_host_fails_at_once_in_one_line(
    fake_intercom, no_dns_env: dict[str, str], args: tuple[str, ...]
) -> None:
    catalog = None
    if not args:
        catalog = select_streams(discover(base_config(fake_intercom.base_url)), {"tags"})
    config = base_config(UNRESOLVABLE)  # default retries: 7 tries over about two minutes
    started = time.monotonic()
    run = run_tap(config, catalog=catalog, args=args, env=no_dns_env, parse=False, timeout=120)
    elapsed = time.monotonic() - started
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "Retrying" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last == (
        "tap-intercom: error: cannot resolve the API host 'nonexistent.invalid' (DNS lookup "
        "failed); check `api_url` or `region`, and the network"
    )
    assert elapsed < 20, elapsed


def test_a_refused_connection_is_still_retried(no_dns_env: dict[str, str]) -> None:
    with socket.socket() as sock:  # a loopback port with nothing listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = base_config(f"http://127.0.0.1:{port}", max_retries=2, max_retry_wait=0.1)
    run = run_tap(config, args=("--discover",), env=no_dns_env, parse=False, timeout=120)
    assert run.returncode == 1
    assert run.stderr.count("Retrying") == 2
    assert "cannot resolve" not in run.stderr


def _connection_error(cause: BaseException) -> requests.exceptions.ConnectionError:
    try:
        try:
            raise cause
        except OSError as inner:
            raise requests.exceptions.ConnectionError(
                inner, request=requests.Request("GET", "https://api.example/x").prepare()
            ) from inner
    except requests.exceptions.ConnectionError as exc:
        return exc


def test_only_a_dns_failure_skips_the_retries() -> None:
    dns = _connection_error(socket.gaierror(socket.EAI_NONAME, "Name or service not known"))
    refused = _connection_error(ConnectionRefusedError(111, "Connection refused"))
    reset = _connection_error(ConnectionResetError(104, "Connection reset by peer"))
    assert unresolved_host(dns) == "api.example"
    assert unresolved_host(refused) is None
    assert unresolved_host(reset) is None

    def failing(exc: BaseException):
        def send() -> None:
            raise exc

        return without_dns_retries(send)

    with pytest.raises(UnresolvedHostError, match=r"cannot resolve the API host 'api\.example'"):
        failing(dns)()
    for exc in (refused, reset):
        with pytest.raises(requests.exceptions.ConnectionError) as raised:
            failing(exc)()
        assert raised.value is exc
