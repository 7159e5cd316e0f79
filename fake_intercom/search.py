"""The Intercom search query language: validation, evaluation and index bounds."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

OPERATORS = {"=", "!=", "IN", "NIN", "<", "<=", ">", ">=", "~", "!~", "^", "$"}
MAX_DEPTH = 2
MAX_FILTERS = 15
INF = 1 << 62
NEG_INF = -(1 << 62)
DAY_FORBIDDEN = {">=", "<=", "!=", "IN", "NIN"}
MISSING = object()


class QueryError(Exception):
    def __init__(self, message: str, code: str = "parameter_invalid") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def validate(query: Any, date_fields: set[str], day_mode: bool) -> None:
    """Raise QueryError for malformed queries, too deep nesting, too many filters, or operators
    that contact search rejects on date fields."""

    def walk(node: Any, depth: int) -> None:
        if not isinstance(node, dict):
            raise QueryError("query must be an object")
        if "field" in node:
            op = node.get("operator")
            if op not in OPERATORS:
                raise QueryError(f"Operator {op!r} is not supported")
            if "value" not in node:
                raise QueryError(f"No value provided for field {node['field']}")
            if not isinstance(node["field"], str) or not node["field"]:
                raise QueryError("field must be a non-empty string")
            if op in ("IN", "NIN") and not isinstance(node["value"], list):
                raise QueryError(f"Operator {op} requires an array value")
            if is_date_field(node["field"], date_fields):
                if day_mode and op in DAY_FORBIDDEN:
                    raise QueryError(
                        f"Operator {op} is not supported for date field {node['field']}"
                    )
                vals = node["value"] if isinstance(node["value"], list) else [node["value"]]
                for v in vals:
                    if v is not None and to_epoch(v) is None:
                        raise QueryError(f"Invalid date value for {node['field']}")
            return
        op = node.get("operator")
        if op not in ("AND", "OR"):
            raise QueryError(f"Operator {op!r} is not a valid group operator")
        value = node.get("value")
        if not isinstance(value, list) or not value:
            raise QueryError("A group needs a non-empty array of filters")
        if depth + 1 > MAX_DEPTH:
            raise QueryError("Nesting of more than 2 levels is not allowed")
        if len(value) > MAX_FILTERS:
            raise QueryError("Too many filters in a group: the maximum is 15")
        for child in value:
            walk(child, depth + 1)

    if query is None:
        raise QueryError("query is required", "parameter_not_found")
    walk(query, 0)


def is_date_field(f: str, date_fields: set[str]) -> bool:
    return f in date_fields


def to_epoch(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


class DayCalc:
    """Whole-day arithmetic in the workspace timezone."""

    def __init__(self, tz: str) -> None:
        self.utc = tz in ("UTC", "Etc/UTC", "GMT")
        self.tz = ZoneInfo(tz)

    def bounds(self, ts: float) -> tuple[int, int]:
        t = math.floor(ts)
        if self.utc:
            start_utc = t - t % 86400
            return start_utc, start_utc + 86399
        d = datetime.fromtimestamp(t, self.tz)
        start = d.replace(hour=0, minute=0, second=0, microsecond=0)
        nxt = start + timedelta(days=1)
        return int(start.timestamp()), int(nxt.timestamp()) - 1


def fields_of(node: dict[str, Any]) -> set[str]:
    if "field" in node:
        return {node["field"]}
    out: set[str] = set()
    for c in node["value"]:
        out |= fields_of(c)
    return out


# ---------------------------------------------------------------------------- intervals
Intervals = list[tuple[int, int]]


def _norm(iv: Intervals) -> Intervals:
    iv = sorted((a, b) for a, b in iv if a <= b)
    out: Intervals = []
    for a, b in iv:
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _intersect(x: Intervals, y: Intervals) -> Intervals:
    out = []
    for a, b in x:
        for c, d in y:
            lo, hi = max(a, c), min(b, d)
            if lo <= hi:
                out.append((lo, hi))
    return _norm(out)


def filter_intervals(
    node: dict[str, Any], numeric_id: Callable[[Any], int | None] | None, day: DayCalc | None
) -> Intervals | None:
    """Exact integer interval set matched by one filter on a numeric key, or None if not
    expressible. ``numeric_id`` maps a value to an integer (for id fields); for timestamps
    ``None`` means 'use to_epoch' and ``day`` switches to whole-day semantics."""
    op = node["operator"]
    raw = node["value"]
    vals = raw if isinstance(raw, list) else [raw]
    nums: list[float] = []
    for v in vals:
        n = numeric_id(v) if numeric_id else to_epoch(v)
        if n is None:
            return None
        nums.append(float(n))
    if op in ("IN", "NIN"):
        if day or op == "NIN":
            return None
        return _norm([(int(n), int(n)) for n in nums if n == int(n)])
    v = nums[0]
    if day is not None:
        ds, de = day.bounds(v)
        if op == "=":
            return [(ds, de)]
        if op == ">":
            return [(de + 1, INF)]
        if op == "<":
            return [(NEG_INF, ds - 1)]
        return None
    if op == "=":
        return [(int(v), int(v))] if v == int(v) else []
    if op == "!=":
        return _norm([(NEG_INF, math.ceil(v) - 1), (math.floor(v) + 1, INF)])
    if op == ">":
        return [(math.floor(v) + 1, INF)]
    if op == ">=":
        return [(math.ceil(v), INF)]
    if op == "<":
        return [(NEG_INF, math.ceil(v) - 1)]
    if op == "<=":
        return [(NEG_INF, math.floor(v))]
    return None


def intervals(
    node: dict[str, Any],
    field: str,
    numeric_id: Callable[[Any], int | None] | None,
    day: DayCalc | None,
    exact: bool,
) -> Intervals | None:
    """Interval set for ``field``.

    exact=True: the exact set matched by the node, or None if the node involves other fields or
    non-range operators. exact=False: a superset (hull) of the values of matching records."""
    if "field" in node:
        if node["field"] != field:
            return None if exact else [(NEG_INF, INF)]
        iv = filter_intervals(node, numeric_id, day)
        if iv is None:
            return None if exact else [(NEG_INF, INF)]
        return iv
    parts = [intervals(c, field, numeric_id, day, exact) for c in node["value"]]
    if exact and any(p is None for p in parts):
        return None
    parts2: list[Intervals] = [p if p is not None else [(NEG_INF, INF)] for p in parts]
    if node["operator"] == "AND":
        acc: Intervals = [(NEG_INF, INF)]
        for p in parts2:
            acc = _intersect(acc, p)
        return acc
    return _norm([iv for p in parts2 for iv in p])


# ---------------------------------------------------------------------------- evaluation
def _num(x: Any) -> float | None:
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return float(x)
    if isinstance(x, str):
        try:
            return float(x)
        except ValueError:
            return None
    return None


def _eq(x: Any, v: Any) -> bool:
    if x is None or v is None:
        return x is None and v is None
    if isinstance(x, bool) or isinstance(v, bool):
        if isinstance(v, str):
            v = v.lower() == "true"
        if isinstance(x, str):
            x = x.lower() == "true"
        return bool(x) == bool(v)
    if isinstance(x, str) and isinstance(v, str):
        return x.lower() == v.lower()
    nx, nv = _num(x), _num(v)
    if nx is not None and nv is not None:
        return nx == nv
    return str(x) == str(v)


def _cmp(x: Any, v: Any) -> int | None:
    if x is None or v is None:
        return None
    if isinstance(x, str) and isinstance(v, str):
        return (x > v) - (x < v)
    nx, nv = _num(x), _num(v)
    if nx is not None and nv is not None:
        return (nx > nv) - (nx < nv)
    sx, sv = str(x), str(v)
    return (sx > sv) - (sx < sv)


def match_filter(  # noqa: PLR0917
    x: Any, op: str, v: Any, is_date: bool, day: DayCalc | None, tokenized: bool = False
) -> bool:
    if isinstance(x, list):  # membership fields (tag_id, contact_ids, ...)
        if op in ("=", "IN"):
            vs = v if isinstance(v, list) else [v]
            return any(_eq(e, w) for e in x for w in vs)
        if op in ("!=", "NIN"):
            vs = v if isinstance(v, list) else [v]
            return not any(_eq(e, w) for e in x for w in vs)
        return False
    if is_date:
        xe = to_epoch(x) if x is not None else None
        if op in ("IN", "NIN"):
            vals = [to_epoch(w) for w in v]
            hit = xe is not None and any(xe == w for w in vals)
            return hit if op == "IN" else not hit
        ve = to_epoch(v) if v is not None else None
        if op == "=" and ve is None:
            return xe is None
        if op == "!=" and ve is None:
            return xe is not None
        if xe is None or ve is None:
            return op == "!="
        if day is not None:
            ds, de = day.bounds(ve)
            if op == "=":
                return ds <= xe <= de
            if op == ">":
                return xe > de
            if op == "<":
                return xe < ds
            return False
        return {
            "=": xe == ve,
            "!=": xe != ve,
            ">": xe > ve,
            ">=": xe >= ve,
            "<": xe < ve,
            "<=": xe <= ve,
        }.get(op, False)
    if op == "=":
        if tokenized and isinstance(x, str) and isinstance(v, str):
            return v.lower() in x.lower().replace("<", " ").replace(">", " ").split()
        return _eq(x, v)
    if op == "!=":
        return not _eq(x, v)
    if op == "IN":
        return any(_eq(x, w) for w in v)
    if op == "NIN":
        return not any(_eq(x, w) for w in v)
    if op in ("<", "<=", ">", ">="):
        c = _cmp(x, v)
        if c is None:
            return False
        return {"<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]
    if x is None or v is None:
        return op == "!~"
    sx, sv = str(x).lower(), str(v).lower()
    if op == "~":
        return sv in sx
    if op == "!~":
        return sv not in sx
    if op == "^":
        return sx.startswith(sv)
    if op == "$":
        return sx.endswith(sv)
    return False


def evaluate(
    node: dict[str, Any],
    get: Callable[[str], Any],
    date_fields: set[str],
    day: DayCalc | None,
    tokenized: frozenset[str] = frozenset(),
) -> bool:
    if "field" in node:
        f = node["field"]
        isd = f in date_fields
        return match_filter(
            get(f), node["operator"], node["value"], isd, day if isd else None, f in tokenized
        )
    if node["operator"] == "AND":
        return all(evaluate(c, get, date_fields, day, tokenized) for c in node["value"])
    return any(evaluate(c, get, date_fields, day, tokenized) for c in node["value"])


def resolve_path(rec: dict[str, Any], path: str) -> Any:
    if path.startswith("custom_attributes."):
        ca = rec.get("custom_attributes") or {}
        return ca.get(path[len("custom_attributes.") :])
    cur: Any = rec
    for part in path.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            return None
    return cur
