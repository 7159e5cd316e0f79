"""`/data_attributes` requests are logged under the stream that makes them: `data_attributes`
at discovery, and each attribute stream for its own model in a sync (never all under
`contact_attributes`)."""

from __future__ import annotations

import json
from collections import Counter

from tests.singer_run import base_config, discover, run_tap, select_streams

METRIC = "METRIC: "


def data_attribute_requests_by_stream(stderr: str) -> Counter:
    """Stream tag of every `http_request_duration` metric for `/data_attributes`."""
    streams: Counter = Counter()
    for line in stderr.splitlines():
        if METRIC not in line:
            continue
        metric = json.loads(line.split(METRIC, 1)[1])
        tags = metric.get("tags", {})
        if metric.get("metric") == "http_request_duration" and tags.get("endpoint") == (
            "/data_attributes"
        ):
            streams[tags["stream"]] += 1
    return streams


def test_discovery_logs_its_data_attribute_requests_under_data_attributes(fake_intercom):
    run = run_tap(base_config(fake_intercom.base_url), args=("--discover",), parse=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert data_attribute_requests_by_stream(run.stderr) == {"data_attributes": 3}


def test_each_attribute_stream_logs_the_request_for_its_model(fake_intercom):
    config = base_config(fake_intercom.base_url, parallel_streams=1)
    catalog = discover(config)
    run = run_tap(
        config, catalog=select_streams(catalog, {"company_attributes", "contact_attributes"})
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert data_attribute_requests_by_stream(run.stderr) == {
        "company_attributes": 1,
        "contact_attributes": 1,
    }
    # With data_attributes too, each model is still read once, by the first stream to need it.
    both = select_streams(catalog, {"company_attributes", "data_attributes"})
    run = run_tap(config, catalog=both)
    assert run.returncode == 0, run.stderr[-2000:]
    assert data_attribute_requests_by_stream(run.stderr) == {
        "company_attributes": 1,
        "data_attributes": 2,
    }
