"""Schema-driven record conformance: compile a stream's JSON Schema into ``conform(record)``.

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
  conformed with it). An object schema without ``properties`` passes its value through. A
  schema with ``properties`` but no ``type`` conforms objects and passes anything else.
- Arrays conform every item against ``items``; without ``items`` they pass through.
- ``type`` lists: a value that already has one of the allowed JSON types is kept; otherwise
  coercions are tried in the declared order (``null`` aside), see
  :mod:`tap_intercom.coercions`: numbers and booleans to ``string`` (``"true"``/``"false"``,
  where the Transformer wrote ``"True"``); integral numbers and numeric strings to
  ``integer`` (``1.5`` is not truncated, ``"1,000"`` is not read); numeric strings to
  ``number`` (``int`` or an exact ``Decimal``; NaN and infinities never match); ``"true"`` /
  ``"false"`` in any case to ``boolean`` (the Transformer used ``bool()``, so ``"no"`` became
  ``True``). Booleans are never coerced to numbers, and nothing is coerced into objects
  and arrays. An object or array in a field that takes ``string`` but not its type becomes
  compact JSON text (:func:`~tap_intercom.coercions.json_text`), never null: an input
  catalog written for other responses (Stitch's) keeps the value. An empty string in a
  field that does not allow strings becomes ``None`` silently (as in the Transformer).
  Anything else that cannot be coerced becomes ``None`` and is reported as
  ``("mismatch", path)``.
- ``format: date-time`` on a field whose types include ``string``: epoch numbers and numeric
  strings go through :func:`~tap_intercom.dates.epoch_to_datetime` (also when ``integer`` is
  allowed too, e.g. ``["null", "integer", "string"]``), other strings are normalised as
  ISO 8601; the result is always a ``DATETIME_FORMAT`` string. Values that cannot be
  converted become ``None`` and are reported as ``("invalid", path)``; values of the field's
  other types are handled as those types are.
- ``None`` stays ``None`` (reported as a mismatch if the schema does not allow null).
- A schema with no type information (``{}``, ``$ref``, ``not``, unknown type names ...)
  passes values through.

Issue paths are dotted property names; array items add ``[]`` (``"segments[].extra"``).
``"dropped"`` is reported once per distinct path for the lifetime of a compiled conformer
(at most 10 000 distinct paths, so map-like objects with ever-new keys cannot flood the log);
``"invalid"`` and ``"mismatch"`` are reported on every occurrence so callers can count them.
Values passed through unchanged (untyped parts, additional properties) are shared with the
input, not copied; every conformed object and array is a new container. The input is never
modified. A compiled conformer keeps a little state for issue reporting, so use one per
thread if issues must be reported exactly.

Each subschema compiles to a :class:`~tap_intercom.compiled_schema.Node` whose ``attempt``
closure does only the checks that subschema needs; objects look up their properties in a
dict and skip the call entirely for values whose Python type is already acceptable
(``Node.fast``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from tap_intercom.coercions import COERCIONS, INVALID, MISMATCH, json_text, json_type
from tap_intercom.compiled_schema import IssueCallback, IssueReporter, Node, identity, reporting
from tap_intercom.dates import (
    MILLISECONDS_THRESHOLD,
    epoch_seconds_to_datetime,
    epoch_to_datetime,
)
from tap_intercom.object_conformer import ChildEntry, object_conformer

__all__ = ["Conformer", "IssueCallback", "compile_conformer"]

Conformer = Callable[[dict], dict]

_KNOWN_TYPES = frozenset({"string", "integer", "number", "boolean", "null", "object", "array"})
_EMPTY: frozenset[type] = frozenset()
#: Python types kept as they are, per JSON type. float and Decimal need a finiteness check
#: first; dict and list are added when an object or array has nothing to conform.
_FAST_TYPES: dict[str, frozenset[type]] = {
    "string": frozenset({str}),
    "integer": frozenset({int}),
    "number": frozenset({int}),
    "boolean": frozenset({bool}),
    "null": frozenset({type(None)}),
}


def _compile(schema: Any, path: str, reporter: IssueReporter) -> Node:
    """The node for one (sub)schema; ``path`` names it in issues."""
    if not isinstance(schema, Mapping):  # anyOf branches are not validated by the SDK
        return Node(path, identity)
    branches = schema.get("anyOf")
    if branches is None:
        branches = schema.get("oneOf")
    if isinstance(branches, list) and branches:
        return _any_of_node(branches, path, reporter)
    raw_types = schema.get("type")
    if raw_types is None:
        properties = _properties(schema)
        if properties is not None:
            return _untyped_object_node(schema, properties, path, reporter)
        return Node(path, identity)
    types = [raw_types] if isinstance(raw_types, str) else list(raw_types)
    types = [t for t in types if t in _KNOWN_TYPES]
    if not types:
        return Node(path, identity)
    if "string" in types and schema.get("format") == "date-time":
        return _datetime_node(schema, types, path, reporter)
    return _typed_node(schema, types, path, reporter)


# --------------------------------------------------------------------------- containers


def _properties(schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    properties = schema.get("properties")
    return properties if isinstance(properties, Mapping) else None


def _object_conformer(
    schema: Mapping[str, Any], properties: Mapping[str, Any], path: str, reporter: IssueReporter
) -> Callable[[dict], dict]:
    """Keep declared keys (conformed) and additional ones if allowed; report the rest."""
    prefix = f"{path}." if path else ""
    children: dict[str, ChildEntry] = {}
    for key, subschema in properties.items():
        child = _compile(subschema, prefix + key, reporter)
        fn = None if child.passthrough else reporting(child, reporter)
        children[key] = (child.fast, fn, child.direct_type, child.direct)

    additional = schema.get("additionalProperties", False)
    extra_fn: Callable[[Any], Any] | None = None
    if isinstance(additional, Mapping):
        extra_node = _compile(additional, prefix + "*", reporter)
        extra_fn = None if extra_node.passthrough else reporting(extra_node, reporter)
    return object_conformer(
        children,
        keep_extra=additional is True or isinstance(additional, Mapping),
        extra_fn=extra_fn,
        prefix=prefix,
        report_dropped=reporter.report_dropped,
    )


def _array_conformer(
    items: Mapping[str, Any], path: str, reporter: IssueReporter
) -> Callable[[list], list]:
    """Conform every item of a list against ``items`` (untyped items: still a new list)."""
    child = _compile(items, f"{path}[]", reporter)
    if child.passthrough:
        return list
    fast = child.fast
    fn = reporting(child, reporter)
    direct_type, direct = child.direct_type, child.direct
    if direct is None:

        def conform_array(value: list) -> list:
            return [item if type(item) in fast else fn(item) for item in value]

        return conform_array

    def conform_array_direct(value: list) -> list:
        return [
            direct(item)
            if type(item) is direct_type
            else (item if type(item) in fast else fn(item))
            for item in value
        ]

    return conform_array_direct


def _untyped_object_node(
    schema: Mapping[str, Any], properties: Mapping[str, Any], path: str, reporter: IssueReporter
) -> Node:
    """``properties`` without ``type``: objects are conformed, anything else passes."""
    conform_object = _object_conformer(schema, properties, path, reporter)

    def attempt(value: Any) -> Any:
        return conform_object(value) if type(value) is dict else value

    return Node(path, attempt)


# --------------------------------------------------------------------------- typed values


def _typed_node(
    schema: Mapping[str, Any], types: list[str], path: str, reporter: IssueReporter
) -> Node:
    """A ``type`` list: keep values of an allowed type, conform containers, coerce scalars."""
    nullable = "null" in types
    allows_number = "number" in types
    fast = frozenset().union(*(_FAST_TYPES.get(t, _EMPTY) for t in types))
    conform_object = None
    if "object" in types:
        properties = _properties(schema)
        if properties is None:
            fast |= {dict}
        else:
            conform_object = _object_conformer(schema, properties, path, reporter)
    conform_array = None
    if "array" in types:
        items = schema.get("items")
        if isinstance(items, Mapping):
            conform_array = _array_conformer(items, path, reporter)
        else:
            fast |= {list}
    coercions = [COERCIONS[t] for t in types if t in COERCIONS]
    as_text = "string" in types

    def attempt(value: Any) -> Any:
        if value is None:
            return None if nullable else MISMATCH
        kind = type(value)
        if kind in fast:
            return value
        if kind is dict:
            if conform_object is not None:
                return conform_object(value)
            return json_text(value) if as_text else MISMATCH
        if kind is list:
            if conform_array is not None:
                return conform_array(value)
            return json_text(value) if as_text else MISMATCH
        if allows_number and (
            (kind is float and math.isfinite(value)) or (kind is Decimal and value.is_finite())
        ):
            return value
        for coerce in coercions:
            result = coerce(value)
            if result is not MISMATCH:
                return result
        if kind is str and nullable and not value:
            return None  # "" in a non-string field means "no value"
        return MISMATCH

    node = Node(path, attempt, fast=fast, json_types=frozenset(types), nullable=nullable)
    if conform_object is not None:
        node.direct_type, node.direct = dict, conform_object
    elif conform_array is not None:
        node.direct_type, node.direct = list, conform_array
    return node


def _datetime_node(
    schema: Mapping[str, Any], types: list[str], path: str, reporter: IssueReporter
) -> Node:
    """``format: date-time`` on a field that takes strings: strings and numbers become
    date-times (no ``str()`` of numbers); values of the other declared types are handled
    as those types are."""
    others = _typed_node(schema, [t for t in types if t != "string"], path, reporter)
    other = others.attempt
    nullable = others.nullable

    def attempt(value: Any) -> Any:
        kind = type(value)
        if kind is int and 0 <= value < MILLISECONDS_THRESHOLD:  # what Intercom sends
            return epoch_seconds_to_datetime(value)
        if kind is str:
            if not value.strip():
                return None if nullable else INVALID
        elif not (kind is int or kind is float or kind is Decimal):
            return other(value)
        try:
            return epoch_to_datetime(value)
        except ValueError:
            return INVALID

    def epoch_seconds(value: int) -> Any:
        if 0 <= value < MILLISECONDS_THRESHOLD:
            return epoch_seconds_to_datetime(value)
        return conform(value)

    node = Node(
        path,
        attempt,
        fast=others.fast - {int},  # epoch numbers are converted
        json_types=frozenset(types),
        nullable=nullable,
    )
    conform = reporting(node, reporter)
    node.direct_type, node.direct = int, epoch_seconds
    return node


# --------------------------------------------------------------------------- anyOf / oneOf


def _any_of_node(branches: list[Any], path: str, reporter: IssueReporter) -> Node:
    """Pick a branch by the value's JSON type (see the module docstring)."""
    nodes = [_compile(branch, path, reporter) for branch in branches]
    if all(node.passthrough for node in nodes):
        return Node(path, identity)
    nullable = any(node.nullable for node in nodes)
    json_types: frozenset[str] | None = frozenset()
    for node in nodes:
        if node.json_types is None:
            json_types = None
            break
        json_types = json_types | node.json_types

    def branches_for(value_type: str) -> list[Node]:
        accepted = {value_type, "number"} if value_type == "integer" else {value_type}
        return [
            node
            for node in nodes
            if node.json_types is None or not accepted.isdisjoint(node.json_types)
        ]

    by_type: dict[str | None, list[Node]] = {t: branches_for(t) for t in _KNOWN_TYPES}

    def pick(candidates: list[Node], value: Any) -> Any:
        """Several branches take this JSON type: prefer one the value already satisfies."""
        reporter.muted += 1
        try:
            for node in candidates:
                result = node.attempt(value)
                if result is not MISMATCH and result is not INVALID and result == value:
                    return result
        finally:
            reporter.muted -= 1
        return candidates[0].attempt(value)

    def attempt(value: Any) -> Any:
        if value is None:
            return None if nullable else MISMATCH
        candidates = by_type.get(json_type(value))
        if candidates:
            if len(candidates) == 1:
                return candidates[0].attempt(value)
            return pick(candidates, value)
        # No branch has the value's type: first branch that can coerce it wins.
        for candidate in nodes:
            result = candidate.attempt(value)
            if result is not MISMATCH and result is not INVALID:
                return result
        return MISMATCH

    return Node(path, attempt, json_types=json_types, nullable=nullable)


def compile_conformer(
    schema: Mapping[str, Any], *, on_issue: IssueCallback | None = None
) -> Conformer:
    """Compile ``schema`` once into a fast ``conform(record) -> new record`` callable.

    ``on_issue(kind, path)`` is called with ``kind`` in ``"dropped"`` (an undeclared key was
    removed; once per path per compiled conformer), ``"invalid"`` (a date-time could not be
    converted) or ``"mismatch"`` (a value could not be coerced to the declared types).
    See the module docstring for the full rules.
    """
    reporter = IssueReporter(on_issue)
    conform_root = reporting(_compile(schema, "", reporter), reporter)

    def conform(record: dict) -> dict:
        result = conform_root(record)
        if result is record:  # untyped root: still hand back a new container
            return dict(record)
        return result

    return conform
