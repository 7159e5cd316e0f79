"""`--test` (the SDK's connection test) opens no companies scroll, so the next sync does not
wait for an abandoned one to expire (`scroll_exists`, about 60 s)."""

from __future__ import annotations

import time

from tap_intercom.tap import TapIntercom
from tests.singer_run import base_config, discover, run_tap, select_streams


def test_the_test_flag_opens_no_scroll_and_the_next_sync_does_not_wait(make_fake) -> None:
    fake = make_fake(companies=120)
    config = base_config(fake.base_url)
    run = run_tap(config, args=("--test",))
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.counts()["companies"] == 1
    stats = fake.stats()
    assert stats["scrolls_opened"] == 0
    assert stats["requests_by_endpoint"]["POST /companies/list"] == 1
    assert "GET /companies/scroll" not in stats["requests_by_endpoint"]

    fake.reset_stats()
    catalog = select_streams(discover(config), {"companies"})
    started = time.monotonic()
    sync = run_tap(config, catalog=catalog)
    elapsed = time.monotonic() - started
    assert sync.returncode == 0, sync.stderr[-2000:]
    assert len(sync.records("companies")) == len(fake.ground_truth("companies")["records"])
    stats = fake.stats()
    assert stats["scrolls_opened"] == 1
    assert "400" not in stats["responses_by_status"]  # no scroll_exists
    assert "scroll_exists" not in sync.stderr
    assert elapsed < 30, elapsed


def test_the_sdk_connection_test_leaves_no_scroll_open(make_fake) -> None:
    fake = make_fake(companies=120)
    tap = TapIntercom(config=base_config(fake.base_url), parse_env_config=False)
    assert tap.run_connection_test() is True
    assert fake.stats()["scrolls_opened"] == 0
    fake.reset_stats()
    response = tap.run.session.get(
        fake.base_url + "/companies/scroll", headers={"Authorization": "Bearer test-token"}
    )
    assert response.status_code == 200  # the workspace's one scroll is free
