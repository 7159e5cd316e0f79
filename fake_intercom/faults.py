"""Fault injection: the fault kinds, the ``faults`` setting's parser, and the seeded choice of a
fault for each request."""

from __future__ import annotations

import threading
from collections import OrderedDict
from random import Random

FAULT_KINDS = ("429", "500", "502", "503", "504", "reset", "slow", "truncated")


def parse_faults(spec: str | dict[str, float] | None) -> tuple[dict[str, float], float]:
    """Parse ``"429:0.05,500:0.02,slow:0.01,slow_seconds:2"`` into (rates, slow_seconds)."""
    rates: dict[str, float] = {}
    slow_seconds = 3.0
    if not spec:
        return rates, slow_seconds
    items = (
        spec.items()
        if isinstance(spec, dict)
        else (part.split(":", 1) for part in str(spec).split(",") if part.strip())
    )
    for raw_k, v in items:
        k = str(raw_k).strip()
        if k == "slow_seconds":
            slow_seconds = float(v)
        elif k in FAULT_KINDS:
            rates[k] = float(v)
        else:
            msg = f"unknown fault kind {k!r}"
            raise ValueError(msg)
    if sum(rates.values()) > 1.0:
        msg = "fault rates add up to more than 1"
        raise ValueError(msg)
    return rates, slow_seconds


class FaultInjection:
    """``App`` mixin: picks the fault (or none) for one request from the seeded fault stream."""

    lock: threading.RLock
    fault_rates: dict[str, float]
    fault_rng: Random
    last_faulted: OrderedDict[str, bool]

    def _pick_fault(self, method: str, path: str, raw_path: str, raw_body: bytes) -> str | None:
        if not self.fault_rates:
            return None
        key = f"{method} {raw_path} {raw_body!r}"
        with self.lock:
            x = self.fault_rng.random()
            chosen = None
            acc = 0.0
            for kind in FAULT_KINDS:
                rate = self.fault_rates.get(kind, 0.0)
                acc += rate
                if rate and x < acc:
                    chosen = kind
                    break
            if chosen is not None and self.last_faulted.get(key):
                chosen = None  # never fault the same request twice in a row
            self.last_faulted[key] = chosen is not None
            self.last_faulted.move_to_end(key)
            while len(self.last_faulted) > 50_000:
                self.last_faulted.popitem(last=False)
        return chosen
