"""The command line: SDK flags, `--properties`, `--config ENV`, and a Stitch catalog unchanged."""

from __future__ import annotations

import json
import os
import subprocess

from tap_intercom.streams import STITCH_STREAM_NAMES
from tests import aux_venvs, oracle
from tests.singer_run import TAP_EXECUTABLE, base_config, discover, run_tap, select_streams


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [TAP_EXECUTABLE, *args], capture_output=True, text=True, timeout=120, check=False, **kwargs
    )


def test_about_and_help_need_no_config_and_no_network():
    for args in (["--about"], ["--about", "--format", "json"], ["--help"]):
        proc = _run(args)
        assert proc.returncode == 0, (args, proc.stderr)
        assert "access_token" in proc.stdout or "--catalog" in proc.stdout, args
    about = json.loads(_run(["--about", "--format", "json"]).stdout)
    settings = about["settings"]["properties"]
    for name in (
        "access_token",
        "start_date",
        "region",
        "api_url",
        "api_version",
        "request_timeout",
        "user_agent",
    ):
        assert name in settings, name
    assert settings["access_token"].get("writeOnly") is True
    assert about["settings"]["required"] == ["access_token"]
    assert "--properties" in _run(["--help"]).stdout


def test_properties_is_an_alias_of_catalog(fake_intercom, tmp_path):
    config = base_config(fake_intercom.base_url)
    path = tmp_path / "properties.json"
    path.write_text(json.dumps(select_streams(discover(config), {"tags"})))
    run = run_tap(config, args=("--properties", str(path)))
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.streams_emitted() == {"tags"}


def test_config_from_environment(fake_intercom):
    env = {
        "TAP_INTERCOM_ACCESS_TOKEN": "test-token",
        "TAP_INTERCOM_API_URL": fake_intercom.base_url,
        "TAP_INTERCOM_START_DATE": "2000-01-01T00:00:00Z",
        "TAP_INTERCOM_REQUEST_TIMEOUT": "30",
    }
    catalog = select_streams(discover(base_config(fake_intercom.base_url)), {"teams"})
    run = run_tap(None, catalog=catalog, args=("--config", "ENV"), env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    oracle.assert_ground_truth(fake_intercom, "teams", run.records("teams"), None)


def test_config_from_a_dotenv_file_in_the_working_directory(fake_intercom, tmp_path):
    (tmp_path / ".env").write_text(
        "TAP_INTERCOM_ACCESS_TOKEN=test-token\n"
        f"TAP_INTERCOM_API_URL={fake_intercom.base_url}\n"
        "TAP_INTERCOM_REGION=eu\n"
    )
    proc = _run(["--config", "ENV", "--discover"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(json.loads(proc.stdout)["streams"]) >= 11
    # A variable set in the environment wins over .env.
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAP_INTERCOM_")}
    proc = _run(
        ["--config", "ENV", "--discover"],
        cwd=tmp_path,
        env={**env, "TAP_INTERCOM_REGION": "mars"},
    )
    assert proc.returncode != 0
    assert "'mars'" in proc.stderr and "region" in proc.stderr


def test_numeric_string_request_timeout_and_test_flag(fake_intercom):
    config = base_config(fake_intercom.base_url, request_timeout="45")
    run = run_tap(config, args=("--test",))
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.counts()["admins"] == 1  # --test: one record per stream


def test_discovery_with_a_rejected_token_fails_in_one_line(fake_intercom):
    run = run_tap(base_config(fake_intercom.base_url, access_token="wrong"), args=("--discover",))
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("tap-intercom: error: Intercom rejected the access token (401")
    assert "access_token" in last and "region" in last


def test_a_catalog_from_stitchs_tap_runs_unchanged(fake_intercom, tmp_path):
    """Stitch's tap 2.2.5 `--discover` output, with streams selected, is accepted as is."""
    stitch_catalog = aux_venvs.stitch_discovered_catalog(tmp_path)
    for entry in stitch_catalog["streams"]:
        entry["metadata"][0]["metadata"]["selected"] = True
    run = run_tap(base_config(fake_intercom.base_url), catalog=stitch_catalog)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.streams_emitted() == set(STITCH_STREAM_NAMES)
    for stream in ("contacts", "conversations", "companies"):
        records = run.records(stream)
        oracle.assert_ground_truth(fake_intercom, stream, records, "2000-01-01T00:00:00Z")
    # Stitch's schema has no company_id on company_segments: the tap keeps its membership key.
    segments_schema = run.schemas()["company_segments"]
    assert segments_schema["key_properties"] == ["company_id", "id"]
    assert all(r.get("company_id") for r in run.records("company_segments"))


def test_discovery_network_failure_fails_in_one_line():
    import socket

    with socket.socket() as sock:  # a loopback port with nothing listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = base_config(f"http://127.0.0.1:{port}", max_retries=1, max_retry_wait=1)
    run = run_tap(config, args=("--discover",), parse=False, timeout=120)
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("tap-intercom: error: could not")
    assert "api_url" in last


def test_a_run_with_a_catalog_makes_no_discovery_requests(make_fake):
    fake = make_fake(scale="small", seed=2)
    config = base_config(fake.base_url)
    catalog = select_streams(discover(config), {"tags", "contacts"})
    fake.control(reset_stats=True)
    run = run_tap(config, catalog=catalog)
    assert run.returncode == 0, run.stderr[-2000:]
    endpoints = fake.stats()["requests_by_endpoint"]
    assert not any("data_attributes" in endpoint for endpoint in endpoints), endpoints
    assert run.records("contacts") and run.records("tags")
