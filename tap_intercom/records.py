"""Record helpers: Intercom list wrappers and Stitch's ``_sdc_record_hash``."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

__all__ = ["stitch_record_hash", "unwrap_list"]


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
