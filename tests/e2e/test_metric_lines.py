"""The SDK's METRIC line for each request names the request's own endpoint.

The SDK names every request of a stream by the stream's `path`: a contact's company list was
logged as `/contacts/search`, a conversation's detail as `/conversations/search`. Each line
now names the path requested, ids as `{id}` (`links.endpoint_template`), so the lines of a
run add up to the requests the API received, endpoint by endpoint.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from tests.singer_run import base_config, discover, run_tap, select_streams

METRIC_RE = re.compile(r"METRIC: (\{.*\})$")


def _request_metrics(stderr: str) -> list[dict]:
    points = [json.loads(m.group(1)) for m in map(METRIC_RE.search, stderr.splitlines()) if m]
    return [p for p in points if p["metric"] == "http_request_duration"]


def test_every_request_is_logged_under_its_own_endpoint(make_fake):
    fake = make_fake(scale="small", seed=21)
    config = base_config(fake.base_url)
    catalog = select_streams(discover(config), {"contacts", "conversations", "conversation_parts"})
    fake.reset_stats()

    run = run_tap(config, catalog=catalog)

    assert run.returncode == 0, run.stderr[-3000:]
    logged = Counter(point["tags"]["endpoint"] for point in _request_metrics(run.stderr))
    received = Counter()
    for endpoint, count in fake.stats()["requests_by_endpoint"].items():
        received[endpoint.split(" ", 1)[1]] += count
    assert logged == received
    assert logged["/contacts/{id}/companies"] > 0  # long lists were fetched and named so
    assert logged["/conversations/{id}"] > 0
