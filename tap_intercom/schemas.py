"""Load the JSON Schema files shipped with the tap.

In a wheel they live in `tap_intercom/schemas/`; in a source checkout (or editable install)
they are the `schemas/` folder at the repository root.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

_PACKAGED = Path(__file__).parent / "schemas"
_CHECKOUT = Path(__file__).parent.parent / "schemas"


def schemas_dir() -> Path:
    return _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


@cache
def _load(name: str) -> dict:
    path = schemas_dir() / f"{name}.json"
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)  # type: ignore[no-any-return]


def stream_schema(name: str) -> dict:
    """A fresh copy of the schema for stream `name` (callers may modify it)."""
    return copy.deepcopy(_load(name))
