"""Schema-driven record conformance and small record helpers.

:func:`compile_conformer` reproduces the parts of singer-python's ``Transformer`` that
Stitch's tap relies on -- pruning keys the schema does not declare, coercing scalars toward
the declared types and formatting date-times -- without its bugs:

- ``anyOf`` / ``oneOf`` are handled by picking the branch that matches the value's JSON type
  (singer-sdk does not prune inside them at all). If several branches take that type, the
  first one the value already satisfies unchanged wins, else the first of them; if none
  takes it, the first branch that can coerce the value wins;
- epoch values in ``date-time`` fields are seconds (milliseconds only above 10**11, see
  :func:`tap_intercom.dates.epoch_to_datetime`), not guessed from the digit count;
- a value that cannot be coerced becomes ``None`` and is reported; nothing raises and no
  declared key is ever dropped;
- ``additionalProperties: true`` keeps undeclared keys (the Transformer always drops them).

Semantics in detail (``conform`` = the compiled callable):

- Objects with ``properties`` keep declared keys (conformed recursively) and drop undeclared
  ones, unless ``additionalProperties`` is ``true`` (kept as they are) or a schema (kept and
  conformed with it). An object schema without ``properties`` passes its value through.
- Arrays conform every item against ``items``; without ``items`` they pass through.
- ``type`` lists: a value that already has one of the allowed JSON types is kept; otherwise
  coercions are tried in the declared order (``null`` aside):

  - to ``string``: ints, floats and Decimals via ``str()``; booleans to ``"true"`` /
    ``"false"`` (the Transformer wrote ``"True"``/``"False"``);
  - to ``integer``: integral floats/Decimals; strings holding an integral decimal number
    (``"12"``, ``"12.0"``, ``"1e3"``). Unlike the Transformer, ``1.5`` is not truncated to
    ``1`` and thousands separators (``"1,000"``) are not stripped;
  - to ``number``: numeric strings -- to ``int`` when written as an integer (``"12"``),
    otherwise to ``Decimal`` (exact; singer-sdk serialises Decimal losslessly). Non-finite
    floats/Decimals (NaN, infinities) are not valid JSON numbers and do not match;
  - to ``boolean``: ``"true"``/``"false"`` in any case, surrounding blanks ignored (the
    Transformer used ``bool()``, so ``"no"`` became ``True``).

  Booleans are never coerced to numbers, and nothing is coerced into objects or arrays.
  An empty string in a field that does not allow strings becomes ``None`` silently (as in
  the Transformer). Anything else that cannot be coerced becomes ``None`` and is reported as
  ``("mismatch", path)``.
- ``format: date-time`` on a field whose types include ``string``: epoch numbers and numeric
  strings go through :func:`~tap_intercom.dates.epoch_to_datetime` (also when ``integer`` is
  allowed too, e.g. ``["null", "integer", "string"]``), other strings are
  normalised as ISO 8601; the result is always a ``DATETIME_FORMAT`` string. Values that
  cannot be converted become ``None`` and are reported as ``("invalid", path)``.
- ``None`` stays ``None`` (reported as a mismatch if the schema does not allow null).
- A schema with no type information (``{}``, ``$ref``, ``not`` ...) passes values through.

Issue paths are dotted property names; array items add ``[]`` (``"segments[].extra"``).
``"dropped"`` is reported once per distinct path for the lifetime of a compiled conformer
(at most 10 000 distinct paths, so map-like objects with ever-new keys cannot flood the log);
``"invalid"`` and ``"mismatch"`` are reported on every occurrence so callers can count them.
Values passed through unchanged (untyped parts, additional properties) are shared with the
input, not copied; every conformed object and array is a new container. The input is never
modified. A compiled conformer keeps a little state for issue reporting, so use one per
thread if issues must be reported exactly.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from tap_intercom.dates import epoch_to_datetime

__all__ = [
    "Conformer",
    "IssueCallback",
    "compile_conformer",
    "conform_record",
    "stitch_record_hash",
    "unwrap_list",
]

IssueCallback = Callable[[str, str], None]
Conformer = Callable[[dict], dict]

# Coercion failures. Two sentinels so a date-time field can tell "not a date-time"
# (invalid) from "wrong type altogether" (mismatch).
_MISMATCH: Any = object()
_INVALID: Any = object()

# Python ints with more digits than this cannot be turned back into text by default
# (sys.int_info.default_max_str_digits is 4300), so never create them from strings.
_MAX_INT_DIGITS = 4000
_MAX_DROPPED_REPORTS = 10_000

_NUMERIC_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER_RE = re.compile(r"[+-]?\d+")

_NoneType = type(None)
_EMPTY: frozenset[type] = frozenset()

_SCALAR_FAST_TYPES: dict[str, frozenset[type]] = {
    "string": frozenset({str}),
    "integer": frozenset({int}),
    # float and Decimal are checked for finiteness on the slow path
    "number": frozenset({int}),
    "boolean": frozenset({bool}),
    "null": frozenset({_NoneType}),
}
_KNOWN_TYPES = frozenset({"string", "integer", "number", "boolean", "null", "object", "array"})


def _json_type(value: object) -> str | None:
    """JSON type name of a Python value (as parsed from JSON), or None if it has none."""
    kind = type(value)
    if kind is str:
        return "string"
    if kind is bool:
        return "boolean"
    if kind is int:
        return "integer"
    if kind is float or kind is Decimal:
        return "number"
    if kind is dict:
        return "object"
    if kind is list:
        return "array"
    if value is None:
        return "null"
    return None


# --------------------------------------------------------------------------- coercions


def _decimal_to_int(number: Decimal) -> int | Any:
    if not number.is_finite() or number.adjusted() >= _MAX_INT_DIGITS:
        return _MISMATCH
    if number != number.to_integral_value():
        return _MISMATCH
    return int(number)


def _to_string(value: Any) -> Any:
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float or kind is Decimal:
        return str(value)
    return _MISMATCH


def _to_integer(value: Any) -> Any:
    kind = type(value)
    if kind is int:
        return value
    if kind is float:
        if math.isfinite(value) and value.is_integer():
            return int(value)
        return _MISMATCH
    if kind is Decimal:
        return _decimal_to_int(value)
    if kind is str:
        text = value.strip()
        if _INTEGER_RE.fullmatch(text):
            return int(text) if len(text) <= _MAX_INT_DIGITS else _MISMATCH
        if _NUMERIC_RE.fullmatch(text):
            return _decimal_to_int(Decimal(text))
    return _MISMATCH


def _to_number(value: Any) -> Any:
    kind = type(value)
    if kind is int:
        return value
    if kind is float:
        return value if math.isfinite(value) else _MISMATCH
    if kind is Decimal:
        return value if value.is_finite() else _MISMATCH
    if kind is str:
        text = value.strip()
        if _INTEGER_RE.fullmatch(text):
            return int(text) if len(text) <= _MAX_INT_DIGITS else Decimal(text)
        if _NUMERIC_RE.fullmatch(text):
            return Decimal(text)
    return _MISMATCH


def _to_boolean(value: Any) -> Any:
    if type(value) is str:
        text = value.strip().lower()
        if text == "true":
            return True
        if text == "false":
            return False
    return _MISMATCH


_COERCIONS: dict[str, Callable[[Any], Any]] = {
    "string": _to_string,
    "integer": _to_integer,
    "number": _to_number,
    "boolean": _to_boolean,
}


def _to_datetime(value: Any) -> Any:
    """Epoch numbers, numeric strings and ISO strings to DATETIME_FORMAT."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is Decimal:
        try:
            return epoch_to_datetime(value)
        except ValueError:
            return _INVALID
    return _MISMATCH


# --------------------------------------------------------------------------- compilation


def _identity(value: Any) -> Any:
    return value


class _Node:
    """A compiled schema.

    ``fast``: Python types returned unchanged without a call (exact ``type()`` match).
    ``attempt``: conform ``value`` or return a failure sentinel; nested issues are reported.
    ``json_types``: JSON type names the schema accepts, or None for anything.
    ``nullable``: whether None is acceptable.
    """

    __slots__ = ("attempt", "fast", "json_types", "nullable", "passthrough", "path")

    def __init__(
        self,
        *,
        path: str,
        attempt: Callable[[Any], Any],
        fast: frozenset[type],
        json_types: frozenset[str] | None,
        nullable: bool,
        passthrough: bool = False,
    ) -> None:
        self.path = path
        self.attempt = attempt
        self.fast = fast
        self.json_types = json_types
        self.nullable = nullable
        self.passthrough = passthrough


def _passthrough_node(path: str) -> _Node:
    return _Node(
        path=path,
        attempt=_identity,
        fast=_EMPTY,
        json_types=None,
        nullable=True,
        passthrough=True,
    )


class _Compiler:
    def __init__(self, on_issue: IssueCallback | None) -> None:
        self.on_issue = on_issue
        self.dropped_seen: set[str] = set()
        # > 0 while anyOf probes branches; issues found while probing are not reported
        self.muted = 0

    # -- issue reporting -------------------------------------------------------------

    def report(self, kind: str, path: str) -> None:
        if self.on_issue is not None and not self.muted:
            self.on_issue(kind, path)

    def report_dropped(self, path: str) -> None:
        on_issue = self.on_issue
        seen = self.dropped_seen
        if on_issue is None or self.muted or path in seen or len(seen) >= _MAX_DROPPED_REPORTS:
            return
        seen.add(path)
        on_issue("dropped", path)

    def finish(self, node: _Node) -> Callable[[Any], Any]:
        """Turn a node into ``conform(value)``, which reports failures and returns None."""
        if node.passthrough:
            return _identity
        attempt = node.attempt
        path = node.path
        report = self.report
        fail = _MISMATCH
        invalid = _INVALID

        def conform(value: Any) -> Any:
            result = attempt(value)
            if result is fail:
                report("mismatch", path)
                return None
            if result is invalid:
                report("invalid", path)
                return None
            return result

        return conform

    # -- schema walking --------------------------------------------------------------

    def compile(self, schema: Any, path: str) -> _Node:
        if not isinstance(schema, Mapping):
            return _passthrough_node(path)
        branches = schema.get("anyOf")
        if branches is None:
            branches = schema.get("oneOf")
        if isinstance(branches, list) and branches:
            return self._compile_any_of(branches, path)
        raw_types = schema.get("type")
        if raw_types is None:
            if isinstance(schema.get("properties"), Mapping):
                return self._compile_typed(schema, ["object"], path, untyped=True)
            if isinstance(schema.get("items"), Mapping):
                return self._compile_typed(schema, ["array"], path, untyped=True)
            return _passthrough_node(path)
        types = [raw_types] if isinstance(raw_types, str) else list(raw_types)
        types = [t for t in types if t in _KNOWN_TYPES]
        if not types:
            return _passthrough_node(path)
        return self._compile_typed(schema, types, path, untyped=False)

    def _compile_object(self, schema: Mapping[str, Any], path: str) -> Callable[[dict], Any]:
        properties = schema.get("properties")
        if not isinstance(properties, Mapping):
            return _identity
        prefix = f"{path}." if path else ""
        children: dict[str, tuple[frozenset[type], Callable[[Any], Any] | None]] = {}
        for key, subschema in properties.items():
            child = self.compile(subschema, prefix + key)
            children[key] = (child.fast, None if child.passthrough else self.finish(child))

        additional = schema.get("additionalProperties", False)
        keep_extra = additional is True or isinstance(additional, Mapping)
        extra_fn: Callable[[Any], Any] | None = None
        if isinstance(additional, Mapping):
            extra_node = self.compile(additional, prefix + "*")
            if not extra_node.passthrough:
                extra_fn = self.finish(extra_node)
        report_dropped = self.report_dropped
        get_child = children.get

        def conform_object(value: dict) -> dict:
            out = {}
            for key, item in value.items():
                entry = get_child(key)
                if entry is None:
                    if keep_extra:
                        out[key] = item if extra_fn is None else extra_fn(item)
                    else:
                        report_dropped(prefix + key)
                    continue
                fast, fn = entry
                out[key] = item if fn is None or type(item) in fast else fn(item)
            return out

        return conform_object

    def _compile_array(self, schema: Mapping[str, Any], path: str) -> Callable[[list], Any]:
        items = schema.get("items")
        if not isinstance(items, Mapping):
            return _identity
        child = self.compile(items, f"{path}[]")
        if child.passthrough:
            return list
        fast = child.fast
        fn = self.finish(child)

        def conform_array(value: list) -> list:
            return [item if type(item) in fast else fn(item) for item in value]

        return conform_array

    def _compile_typed(
        self, schema: Mapping[str, Any], types: list[str], path: str, *, untyped: bool
    ) -> _Node:
        nullable = "null" in types or untyped
        allows_string = "string" in types
        allows_number = "number" in types
        is_datetime = allows_string and schema.get("format") == "date-time"
        conform_object = self._compile_object(schema, path) if "object" in types else None
        conform_array = self._compile_array(schema, path) if "array" in types else None
        # A date-time field only takes date-times: no str() of arbitrary scalars.
        coercions = [
            _COERCIONS[t] for t in types if t in _COERCIONS and not (is_datetime and t == "string")
        ]

        fast: frozenset[type] = _EMPTY
        if not untyped:
            fast = frozenset().union(*(_SCALAR_FAST_TYPES.get(t, _EMPTY) for t in types))
        if is_datetime:
            # strings and numbers must be converted; only None and other types stay fast
            fast = fast - {str, int}
        json_types: frozenset[str] | None = None if untyped else frozenset(types)

        def attempt(value: Any) -> Any:
            kind = type(value)
            if value is None:
                return None if nullable else _MISMATCH
            if is_datetime and (kind is str or kind is int or kind is float or kind is Decimal):
                if kind is str and not value.strip():
                    return None if nullable else _INVALID
                return _to_datetime(value)
            if kind in fast:
                return value
            if kind is dict and conform_object is not None:
                return conform_object(value)
            if kind is list and conform_array is not None:
                return conform_array(value)
            if untyped:
                return value
            if allows_number and (
                (kind is float and math.isfinite(value)) or (kind is Decimal and value.is_finite())
            ):
                return value
            for coerce in coercions:
                result = coerce(value)
                if result is not _MISMATCH:
                    return result
            if kind is str and nullable and not value:
                return None  # "" in a non-string field means "no value"
            return _MISMATCH

        return _Node(
            path=path, attempt=attempt, fast=fast, json_types=json_types, nullable=nullable
        )

    def _compile_any_of(self, branches: list[Any], path: str) -> _Node:
        nodes = [self.compile(branch, path) for branch in branches]
        if all(node.passthrough for node in nodes):
            return _passthrough_node(path)
        nullable = any(node.nullable for node in nodes)
        json_types: frozenset[str] | None = frozenset()
        for node in nodes:
            if node.json_types is None:
                json_types = None
                break
            json_types = json_types | node.json_types

        def branches_for(json_type: str) -> list[_Node]:
            accepted = {json_type, "number"} if json_type == "integer" else {json_type}
            return [
                node
                for node in nodes
                if node.json_types is None or not accepted.isdisjoint(node.json_types)
            ]

        by_type = {t: branches_for(t) for t in _KNOWN_TYPES}
        compiler = self

        def pick(candidates: list[_Node], value: Any) -> Any:
            """Several branches take this JSON type: prefer one the value already satisfies."""
            compiler.muted += 1
            try:
                for node in candidates:
                    result = node.attempt(value)
                    if result is not _MISMATCH and result is not _INVALID and result == value:
                        return result
            finally:
                compiler.muted -= 1
            return candidates[0].attempt(value)

        def attempt(value: Any) -> Any:
            if value is None:
                return None if nullable else _MISMATCH
            json_type = _json_type(value)
            candidates = by_type.get(json_type) if json_type is not None else None
            if candidates:
                if len(candidates) == 1:
                    return candidates[0].attempt(value)
                return pick(candidates, value)
            # No branch has the value's type: first branch that can coerce it wins.
            for candidate in nodes:
                result = candidate.attempt(value)
                if result is not _MISMATCH and result is not _INVALID:
                    return result
            return _MISMATCH

        return _Node(
            path=path, attempt=attempt, fast=_EMPTY, json_types=json_types, nullable=nullable
        )


def compile_conformer(
    schema: Mapping[str, Any], *, on_issue: IssueCallback | None = None
) -> Conformer:
    """Compile ``schema`` once into a fast ``conform(record) -> new record`` callable.

    ``on_issue(kind, path)`` is called with ``kind`` in ``"dropped"`` (an undeclared key was
    removed; once per path per compiled conformer), ``"invalid"`` (a date-time could not be
    converted) or ``"mismatch"`` (a value could not be coerced to the declared types).
    See the module docstring for the full rules.
    """
    compiler = _Compiler(on_issue)
    conform = compiler.finish(compiler.compile(schema, ""))

    def conform_record(record: dict) -> dict:
        result = conform(record)
        if result is record:  # untyped root: still hand back a new container
            return dict(record)
        return result

    return conform_record


def conform_record(
    record: dict, schema: Mapping[str, Any], *, on_issue: IssueCallback | None = None
) -> dict:
    """Return a new record conformed to ``schema``.

    Thin wrapper over :func:`compile_conformer`; compile once and reuse the conformer when
    processing many records.
    """
    return compile_conformer(schema, on_issue=on_issue)(record)


def unwrap_list(value: Any, key: str) -> Any:
    """Turn an Intercom list wrapper into a bare list.

    ``{"type": "tag.list", "tags": [...]}`` with ``key="tags"`` and
    ``{"type": "list", "data": [...]}`` with ``key="data"`` give the inner list. ``None`` gives
    ``None``; a list is returned as it is. A wrapper without ``key`` (or with ``key: null``)
    gives ``None``.

    Any other shape is returned unchanged rather than raising: one malformed record must not
    stop a sync, and schema conformance then reports it (and emits null) instead.
    """
    if value is None or isinstance(value, list):
        return value
    if not isinstance(value, dict):
        return value
    inner = value.get(key)
    if inner is None or isinstance(inner, list):
        return inner
    return value


def stitch_record_hash(record: Mapping[str, Any]) -> str:
    """Stitch's ``_sdc_record_hash`` for the data-attribute streams.

    sha256 (hex) of ``str(id) + str(name) + str(description)`` encoded as UTF-8, where a
    missing key contributes ``""`` and a present ``None`` contributes ``"None"``.
    """
    text = "".join(str(record.get(key, "")) for key in ("id", "name", "description"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
