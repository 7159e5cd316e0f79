"""The conformer of one object schema: its declared keys conformed, the others kept or dropped.

Conforming objects is most of the conformer's time (a contact is some 60 keys at the top and as
many in its nested objects). A loop over the record's items pays a lookup, a tuple unpack and a
type test per key, in bytecode. :func:`object_conformer` builds instead, for the common case --
every key of the value is declared, or undeclared keys are kept as they are -- a function with
one straight-line block per declared key that needs a look at all: the value is copied whole
(in C, keeping its key order) and each such key present with a type that is not already
acceptable is replaced by its conformed value. A value with an undeclared key that is to be
dropped (or conformed with ``additionalProperties``) takes the general loop, which reports it.
Both give the same output and report the same issues (the unrolled form in the schema's key
order): ``tests/unit/test_object_conformer.py`` checks them against each other.

The function is generated as Python source and compiled once per object schema (as
``dataclasses`` builds its ``__init__``). Property names never enter the source: each block
names its key, types and callables by index (``k3``, ``f3`` ...), bound as arguments of the
builder, so any property name is safe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["MAX_UNROLLED_KEYS", "ChildEntry", "object_conformer"]

#: A declared property, compiled: (types kept unchanged, conform or None for a pass-through,
#: the type ``direct`` takes or None, ``direct`` or None); see ``compiled_schema.Node``.
ChildEntry = tuple[
    frozenset[type],
    Callable[[Any], Any] | None,
    type | None,
    Callable[[Any], Any] | None,
]

#: Objects with more declared keys than this keep the general loop: a map-like schema (custom
#: attributes, say) of thousands of keys would compile to a function of thousands of blocks,
#: and its values hold only a few of them.
MAX_UNROLLED_KEYS = 400

_MISSING = object()


def object_conformer(
    children: dict[str, ChildEntry],
    *,
    keep_extra: bool,
    extra_fn: Callable[[Any], Any] | None,
    prefix: str,
    report_dropped: Callable[[str], None],
    unroll: bool = True,
) -> Callable[[dict], dict]:
    """``conform(value) -> new dict`` for an object with these declared ``children``.

    Undeclared keys are kept if ``keep_extra`` (conformed with ``extra_fn`` if given), else
    dropped and reported by path (``prefix`` + key). ``unroll=False`` gives the general loop
    only (the reference the unrolled form is tested against)."""
    general = _general_loop(children, keep_extra, extra_fn, prefix, report_dropped)
    if not unroll or extra_fn is not None or len(children) > MAX_UNROLLED_KEYS:
        return general
    return _unrolled(children, check_keys=not keep_extra, general=general)


def _general_loop(
    children: dict[str, ChildEntry],
    keep_extra: bool,
    extra_fn: Callable[[Any], Any] | None,
    prefix: str,
    report_dropped: Callable[[str], None],
) -> Callable[[dict], dict]:
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
            fast, fn, direct_type, direct = entry
            kind = type(item)
            if fn is None or kind in fast:
                out[key] = item
            elif kind is direct_type:
                out[key] = direct(item)  # type: ignore[misc]
            else:
                out[key] = fn(item)
        return out

    return conform_object


def _unrolled(
    children: dict[str, ChildEntry], *, check_keys: bool, general: Callable[[dict], dict]
) -> Callable[[dict], dict]:
    """The straight-line form (see the module docstring); ``check_keys``: a value with an
    undeclared key goes to ``general``."""
    bound: dict[str, Any] = {
        "declared": frozenset(children),
        "general": general,
        "missing": _MISSING,
    }
    body: list[str] = []
    if check_keys:
        body += ["if not value.keys() <= declared:", "    return general(value)"]
    body += ["out = value.copy()", "get = value.get"]
    checked = [(key, entry) for key, entry in children.items() if entry[1] is not None]
    for index, (key, (fast, fn, direct_type, direct)) in enumerate(checked):
        bound[f"k{index}"], bound[f"f{index}"], bound[f"c{index}"] = key, fast, fn
        body += [
            f"v = get(k{index}, missing)",
            f"if type(v) not in f{index} and v is not missing:",
        ]
        if direct is None:
            body.append(f"    out[k{index}] = c{index}(v)")
        else:
            bound[f"t{index}"], bound[f"d{index}"] = direct_type, direct
            body.append(f"    out[k{index}] = d{index}(v) if type(v) is t{index} else c{index}(v)")
    body.append("return out")
    source = "\n".join(
        [
            f"def build({', '.join(bound)}):",
            "    def conform_object(value):",
            *(f"        {line}" for line in body),
            "    return conform_object",
        ]
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, "<tap_intercom.object_conformer>", "exec"), namespace)  # noqa: S102
    return namespace["build"](**bound)
