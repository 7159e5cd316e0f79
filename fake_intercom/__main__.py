"""``python -m fake_intercom``: serve the fake Intercom API until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from .data import SCALES
from .server import FakeIntercom


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m fake_intercom", description=__doc__)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--scale", default="small", choices=sorted(SCALES))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--latency-ms", type=float, default=0)
    p.add_argument("--rate-limit-per-10s", type=int, default=None)
    p.add_argument("--faults", default=None, help="e.g. 429:0.05,500:0.02,reset:0.01")
    p.add_argument("--mutate-every", type=int, default=None)
    p.add_argument("--token", default="test-token")
    for name in ("contacts", "companies", "conversations", "tickets", "activity_logs"):
        p.add_argument(f"--{name.replace('_', '-')}", type=int, default=None)
    a = p.parse_args(argv)
    counts = {
        k: getattr(a, k)
        for k in ("contacts", "companies", "conversations", "tickets", "activity_logs")
        if getattr(a, k) is not None
    }
    fake = FakeIntercom(
        scale=a.scale,
        seed=a.seed,
        latency_ms=a.latency_ms,
        rate_limit_per_10s=a.rate_limit_per_10s,
        faults=a.faults,
        mutate_every=a.mutate_every,
        token=a.token,
        host=a.host,
        port=a.port,
        **counts,
    )
    done = threading.Event()

    def _stop(*_: Any) -> None:
        done.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    fake.start()
    sys.stdout.write(f"LISTENING {fake.base_url}\n")
    sys.stdout.flush()
    try:
        while not done.wait(0.5):
            pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
