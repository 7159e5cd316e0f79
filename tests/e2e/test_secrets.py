"""Secrets: the access token never leaves the process except in the Authorization header. It
is not in stdout, stderr, state, catalog or `--about` output, at DEBUG level, in a clean sync,
under faults, or in any failure case of test_bad_input. TLS verification stays on.
"""

from __future__ import annotations

import http.server
import json
import re
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_intercom import FakeIntercom
from tap_intercom.tap import TapIntercom
from tests.e2e.test_bad_input import CASES, SECRET, Ctx
from tests.singer_run import (
    TAP_EXECUTABLE,
    TapRun,
    base_config,
    discover,
    run_tap,
    select_streams,
)

PACKAGE = Path(__file__).resolve().parents[2] / "tap_intercom"
#: SDK 0.54 reads `<PLUGIN>_LOGLEVEL` (TAP_INTERCOM_LOGLEVEL), then `LOGLEVEL`.
DEBUG_ENV = {"TAP_INTERCOM_LOGLEVEL": "DEBUG", "LOGLEVEL": "DEBUG"}


def assert_no_secret(run: TapRun, what: str) -> None:
    for name, text in (("stdout", run.stdout), ("stderr", run.stderr)):
        assert SECRET not in text, f"{what}: the token is in {name}"
        assert "Bearer " not in text, f"{what}: an Authorization header value is in {name}"
        assert not re.search(r"['\"]?Authorization['\"]?\s*[:=]", text), (what, name)


@pytest.fixture(scope="module")
def secret_fake() -> Iterator[FakeIntercom]:
    with FakeIntercom(scale="small", seed=2, token=SECRET, contacts=120, conversations=40) as fake:
        yield fake


@pytest.fixture(scope="module")
def config(secret_fake) -> dict:
    return base_config(
        secret_fake.base_url,
        access_token=SECRET,
        start_date="2024-01-01T00:00:00Z",
        request_timeout=1,
        max_retries=4,
        max_retry_wait=0.2,
    )


@pytest.fixture(scope="module")
def catalog(config) -> dict:
    return select_streams(discover(config))


def _debug_run(config: dict, catalog: dict, **kwargs: object) -> TapRun:
    return run_tap(config, catalog=catalog, env=DEBUG_ENV, timeout=180, **kwargs)  # type: ignore[arg-type]


def test_debug_level_really_is_debug(config, catalog):
    run = _debug_run(config, select_streams(catalog, {"tags"}))
    assert run.returncode == 0, run.stderr[-2000:]
    assert " | DEBUG    | " in run.stderr  # the environment variable took effect
    assert_no_secret(run, "tags at DEBUG")


def test_no_token_in_a_full_sync_its_state_or_a_resumed_run_at_debug(config, catalog):
    run = _debug_run(config, catalog)
    assert run.returncode == 0, run.stderr[-2000:]
    assert len(run.records("contacts")) > 0
    assert_no_secret(run, "full sync")
    assert SECRET not in json.dumps(run.final_state)
    resumed = _debug_run(config, catalog, state=run.final_state)
    assert resumed.returncode == 0
    assert_no_secret(resumed, "resumed sync")


def test_no_token_under_faults_at_debug(secret_fake, config, catalog):
    secret_fake.control(
        faults="429:0.03,500:0.05,502:0.03,503:0.03,504:0.03,reset:0.05,truncated:0.05,"
        "slow:0.03,slow_seconds:2"
    )
    try:
        run = _debug_run(config, select_streams(catalog, {"conversations", "conversation_parts"}))
    finally:
        secret_fake.control(faults="")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Retrying" in run.stderr  # error messages were logged
    assert_no_secret(run, "faults")


def test_no_token_in_discovery_or_about(config, tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    env = {"PATH": "/usr/bin:/bin", **DEBUG_ENV}
    for args in (
        ["--config", str(path), "--discover"],
        ["--config", str(path), "--about"],
        ["--config", str(path), "--about", "--format", "json"],
        ["--config", str(path), "--about", "--format", "markdown"],
    ):
        proc = subprocess.run(
            [TAP_EXECUTABLE, *args],
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert proc.returncode == 0, (args, proc.stderr[-2000:])
        run = TapRun(proc.returncode, proc.stdout, proc.stderr)
        assert_no_secret(run, " ".join(args[2:]))
    catalog = json.loads(
        subprocess.run(
            [TAP_EXECUTABLE, "--config", str(path), "--discover"],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
    )
    assert catalog["streams"]


@pytest.mark.parametrize("name", list(CASES))
def test_no_token_in_any_failure_case_at_debug(secret_fake, tmp_path, make_fake, name):
    tags = select_streams(
        discover(base_config(secret_fake.base_url, access_token=SECRET)), {"tags"}
    )
    ctx = Ctx(secret_fake, tags, tmp_path, dict(DEBUG_ENV), make_fake)
    run = CASES[name].run(ctx)
    assert run.returncode == CASES[name].returncode, run.stderr[-2000:]
    assert_no_secret(run, name)


# --- TLS ---------------------------------------------------------------------------------


def test_no_code_turns_tls_verification_off():
    pattern = re.compile(
        r"verify\s*=\s*False|CERT_NONE|check_hostname\s*=\s*False|disable_warnings|"
        r"PYTHONHTTPSVERIFY|\.verify\s*="
    )
    sources = sorted(PACKAGE.rglob("*.py"))
    assert len(sources) > 10, PACKAGE  # the package really was searched
    offenders = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in sources
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders, offenders


def test_the_session_verifies_certificates(config):
    tap = TapIntercom(config=config)
    session = tap.run.session
    assert session.verify is True
    stream = tap.streams["tags"]
    assert stream.requests_session is session


@pytest.fixture
def self_signed_https(tmp_path) -> Iterator[str]:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"type":"list","data":[]}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_self_signed_certificate_is_refused(self_signed_https, catalog):
    config = base_config(self_signed_https, access_token=SECRET, max_retries=1, max_retry_wait=0.1)
    run = _debug_run(config, select_streams(catalog, {"tags"}))
    assert run.returncode == 1
    assert run.stderr.rstrip("\n").splitlines()[-1] == (
        "tap-intercom: error: could not connect to Intercom (SSLError) after retries; "
        "check the network, `region` and `api_url`"
    )
    assert "CERTIFICATE_VERIFY_FAILED" in run.stderr
    assert not run.record_messages()
    assert_no_secret(run, "self-signed")
