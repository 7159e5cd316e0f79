"""A fractional `max_requests_per_minute`, and numeric settings from the environment
(`--config ENV`), end to end: the sync runs, completes, and keeps to the cap."""

from __future__ import annotations

import time

from tests.singer_run import base_config, discover, run_tap, select_streams

STREAMS = {"tags", "teams", "segments"}  # one request each


def test_a_fractional_rate_in_a_config_file_syncs_completely(make_fake) -> None:
    fake = make_fake()
    config = base_config(fake.base_url, max_requests_per_minute=600.5, max_retry_wait=0.5)
    catalog = select_streams(discover(base_config(fake.base_url)), STREAMS)
    run = run_tap(config, catalog=catalog)
    assert run.returncode == 0, run.stderr[-2000:]
    for stream in STREAMS:
        assert len(run.records(stream)) == len(fake.ground_truth(stream)["records"]), stream


def test_fractional_numbers_from_the_environment_are_read_and_the_cap_holds(make_fake) -> None:
    fake = make_fake()
    catalog = select_streams(discover(base_config(fake.base_url)), STREAMS)
    env = {
        "TAP_INTERCOM_ACCESS_TOKEN": "test-token",
        "TAP_INTERCOM_API_URL": fake.base_url,
        "TAP_INTERCOM_START_DATE": "2000-01-01T00:00:00Z",
        "TAP_INTERCOM_MAX_RETRY_WAIT": "0.5",
        "TAP_INTERCOM_MAX_REQUESTS_PER_MINUTE": "6.5",  # one request per 10-second window
        "TAP_INTERCOM_PARALLEL_STREAMS": "1",
    }
    fake.reset_stats()
    started = time.monotonic()
    run = run_tap(None, catalog=catalog, args=("--config", "ENV"), env=env)
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run.stderr[-2000:]
    for stream in STREAMS:
        assert len(run.records(stream)) == len(fake.ground_truth(stream)["records"]), stream
    assert fake.stats()["requests_total"] == 3
    # Three requests in three 10-second windows: the third starts at least 10 s after the
    # first window ends.
    assert elapsed >= 10, elapsed
