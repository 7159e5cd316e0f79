"""The standard-library floor of a Python tap, for the benchmark's CPU-per-record figure.

The floor is what reading a search stream costs with nothing but the standard library: each
page's body parsed with `json.loads` and each record written as a Singer RECORD line with
`json.dumps`. The pages are the ones the tap reads (the same search, same page size, from the
same fake), fetched once after the taps' runs; only the parse-and-write is timed, in CPU time
of this process, so the HTTP requests and the fake's latency are not part of it. Each page is
processed `rounds` times as it arrives (no page is kept: 200,000 contacts are ~460 MB of JSON),
and the floor is the median over rounds.
"""

from __future__ import annotations

import datetime
import json
import os
import statistics
import time
import urllib.error
import urllib.request
from http import HTTPStatus
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

#: The search endpoint and replication field of each stream whose floor can be measured.
SEARCH_STREAMS = {
    "contacts": "/contacts/search",
    "conversations": "/conversations/search",
    "tickets": "/tickets/search",
}
PAGE_SIZE = 150  # the tap's (tap_intercom.client.PAGE_SIZE)
API_VERSION = "2.14"  # the tap's default; the fake's records are the same in every version
#: The longest wait for a rate-limit window (Intercom's and the fake's are 10 s long).
MAX_RATE_LIMIT_WAIT = 10.5


def search_pages(base_url: str, token: str, stream: str, max_pages: int | None = None):
    """Yield the raw bodies of `stream`'s search pages, in order: every record updated since
    the epoch, sorted ascending by `updated_at`, as the tap asks on a first sync."""
    cursor: str | None = None
    pages = 0
    while max_pages is None or pages < max_pages:
        pagination: dict = {"per_page": PAGE_SIZE}
        if cursor:
            pagination["starting_after"] = cursor
        body = {
            "query": {"field": "updated_at", "operator": ">", "value": 0},
            "sort": {"field": "updated_at", "order": "ascending"},
            "pagination": pagination,
        }
        request = urllib.request.Request(
            base_url + SEARCH_STREAMS[stream],
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {token}",
                "Intercom-Version": API_VERSION,
            },
        )
        raw = fetch(request)
        pages += 1
        yield raw
        page = json.loads(raw)
        following = (page.get("pages") or {}).get("next") or {}
        cursor = following.get("starting_after") if isinstance(following, dict) else None
        if not page.get("data") or not cursor:
            return


def fetch(
    request: urllib.request.Request,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> bytes:
    """The body of `request`; a 429 (the fake's rate limit, which the taps' runs may just
    have spent) waits until `X-RateLimit-Reset` and asks again, as a tap would."""
    while True:
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            if exc.code != HTTPStatus.TOO_MANY_REQUESTS:
                raise
            reset = exc.headers.get("X-RateLimit-Reset")
            exc.close()
            wait = float(reset) - clock() if reset else 1.0
            sleep(min(max(wait, 0.25), MAX_RATE_LIMIT_WAIT))


def parse_and_write(raw: bytes, stream: str, sink) -> int:
    """The floor's work on one page: parse it, write each record as a RECORD line."""
    written = 0
    for record in json.loads(raw)["data"]:
        message = {
            "type": "RECORD",
            "stream": stream,
            "record": record,
            "time_extracted": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        }
        sink.write(json.dumps(message) + "\n")
        written += 1
    return written


def measure_floor(
    base_url: str, token: str, stream: str, rounds: int = 3, max_pages: int | None = None
) -> dict:
    """CPU seconds (median over `rounds`) and µs per record of the floor on `stream`."""
    cpu = [0.0] * rounds
    records = pages = 0
    with open(os.devnull, "w", encoding="utf-8") as sink:  # noqa: PTH123
        for raw in search_pages(base_url, token, stream, max_pages):
            pages += 1
            for index in range(rounds):
                started = time.process_time()
                written = parse_and_write(raw, stream, sink)
                cpu[index] += time.process_time() - started
            records += written
    median = statistics.median(cpu)
    return {
        "stream": stream,
        "pages": pages,
        "records": records,
        "rounds": rounds,
        "cpu_s": round(median, 3),
        "cpu_s_rounds": [round(c, 3) for c in cpu],
        "us_per_record": round(1e6 * median / records, 1) if records else None,
    }
