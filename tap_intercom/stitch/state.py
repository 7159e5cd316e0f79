"""Translation between Stitch-style state and the Singer SDK's state shape.

Shapes handled on input (:func:`load_external_state`):

- Stitch (singer-python): ``{"currently_syncing": s|null, "bookmarks": {stream:
  {"updated_at": "<ISO>"}}}``; ``conversations`` may also hold the transient
  ``last_processed`` and ``last_sync_started_at`` keys mid-run;
- legacy Stitch: a bookmark that is a bare string (``{"bookmarks": {"contacts": "2021-..."}}``)
  and a flat state without the ``bookmarks`` wrapper (``{"contacts": "2021-..."}`` or
  ``{"contacts": {"updated_at": "..."}}``);
- singer-sdk: ``{"bookmarks": {stream: {"replication_key": "updated_at",
  "replication_key_value": "<ISO>", ...}}}`` plus transient keys (``starting_replication_value``,
  ``replication_key_signpost``, ``progress_markers``) and ``partitions``.

The tap writes (:func:`to_external_state`) the SDK shape with the Stitch key added next to it,
so that either tap -- this one or Stitch's -- can resume from the other's state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tap_intercom.dates import normalize_datetime_string

__all__ = [
    "SDK_TRANSIENT_KEYS",
    "STITCH_TRANSIENT_KEYS",
    "drop_stitch_company_segments_bookmark",
    "load_external_state",
    "to_external_state",
]

#: Keys the SDK writes during a run and recomputes at the start of the next one.
SDK_TRANSIENT_KEYS = ("starting_replication_value", "replication_key_signpost", "progress_markers")
#: Keys Stitch's tap writes on ``conversations`` in the middle of a run.
STITCH_TRANSIENT_KEYS = ("last_processed", "last_sync_started_at")

_REPLICATION_KEY = "replication_key"
_REPLICATION_KEY_VALUE = "replication_key_value"
_PARTITIONS = "partitions"
_CURRENTLY_SYNCING = "currently_syncing"
_BOOKMARKS = "bookmarks"
_IGNORED_ON_LOAD = frozenset({*SDK_TRANSIENT_KEYS, *STITCH_TRANSIENT_KEYS, _PARTITIONS})
#: The tap's own keys beside a stream's bookmark (how far a deletion listing was read,
#: `tombstones`): a date-time, or an opaque cursor; Stitch's tap ignores them.
EXTRA_DATETIME_KEYS = ("deleted_at",)
EXTRA_CURSOR_KEYS = ("activities_after",)
EXTRA_BOOKMARK_KEYS = (*EXTRA_DATETIME_KEYS, *EXTRA_CURSOR_KEYS)


def _normalise(stream: str, key: str, value: object) -> str:
    message = f"state: bookmark for {stream!r} ({key}): {value!r} is not a date-time"
    if not isinstance(value, str):
        raise ValueError(message)
    try:
        return normalize_datetime_string(value)
    except ValueError:
        raise ValueError(message) from None


def _bookmarks_container(state: Mapping[str, Any], warnings: list[str]) -> Mapping[str, Any]:
    """The ``{stream: bookmark}`` mapping, with or without the ``bookmarks`` wrapper."""
    if _BOOKMARKS in state:
        bookmarks = state[_BOOKMARKS]
        if bookmarks is None:
            return {}
        if not isinstance(bookmarks, Mapping):
            raise ValueError(
                f"state: 'bookmarks' must be an object, not {type(bookmarks).__name__}"
            )
        extra = sorted(str(key) for key in state if key not in (_BOOKMARKS, _CURRENTLY_SYNCING))
        if extra:
            warnings.append(f"state: ignoring unexpected top-level keys {extra}")
        return bookmarks
    # Legacy flat state: every top-level key except currently_syncing is a stream.
    return {key: value for key, value in state.items() if key != _CURRENTLY_SYNCING}


def _load_bookmark(
    stream: str, bookmark: object, replication_key: str, warnings: list[str]
) -> str | None:
    """The normalised bookmark value of one incremental stream, or None if there is none."""
    if bookmark is None:
        return None
    if isinstance(bookmark, str):  # legacy: the bare value
        return _normalise(stream, replication_key, bookmark)
    if not isinstance(bookmark, Mapping):
        raise ValueError(
            f"state: bookmark for {stream!r}: {bookmark!r} is not a date-time or an object"
        )

    stitch_value = bookmark.get(replication_key)
    sdk_value = bookmark.get(_REPLICATION_KEY_VALUE)
    sdk_key = bookmark.get(_REPLICATION_KEY)
    if sdk_value is not None and sdk_key not in (None, replication_key):
        warnings.append(
            f"state: ignoring the bookmark of {stream!r}: it is for replication key "
            f"{sdk_key!r}, not {replication_key!r}"
        )
        sdk_value = None

    unknown = sorted(
        str(key)
        for key in bookmark
        if key not in _IGNORED_ON_LOAD
        and key not in (replication_key, _REPLICATION_KEY, _REPLICATION_KEY_VALUE)
        and key not in EXTRA_BOOKMARK_KEYS
    )
    if unknown:
        warnings.append(f"state: ignoring unknown keys {unknown} in the bookmark of {stream!r}")
    if bookmark.get(_PARTITIONS):
        warnings.append(f"state: ignoring per-partition bookmarks of {stream!r}")

    if stitch_value is not None:
        value = _normalise(stream, replication_key, stitch_value)
        if sdk_value is not None:
            other = _normalise(stream, _REPLICATION_KEY_VALUE, sdk_value)
            if other != value:
                warnings.append(
                    f"state: {stream!r} has {replication_key}={value} and "
                    f"replication_key_value={other}; using {replication_key}"
                )
        return value
    if sdk_value is not None:
        return _normalise(stream, _REPLICATION_KEY_VALUE, sdk_value)
    if any(key in bookmark for key in STITCH_TRANSIENT_KEYS):
        warnings.append(
            f"state: {stream!r} holds only an interrupted first sync's progress; "
            "it starts again from start_date"
        )
    return None


def load_external_state(
    state: Mapping[str, Any] | None, replication_keys: Mapping[str, str | None]
) -> tuple[dict, list[str]]:
    """Translate any supported state into the SDK's shape.

    Args:
        state: the state passed with ``--state`` (Stitch, legacy or SDK shape), or None.
        replication_keys: every stream the tap knows, mapped to its replication key
            (None for full-table streams).

    Returns:
        ``({"bookmarks": {stream: {"replication_key": k, "replication_key_value": v}},
        ["currently_syncing": s]}, warnings)`` with only known incremental streams, values
        in ``DATETIME_FORMAT``. A value under the stream's own replication key name (Stitch's
        ``updated_at``) wins over ``replication_key_value``. Transient keys and partitions are
        dropped. ``currently_syncing`` is kept only if it names a known stream.

    Raises:
        ValueError: if ``state`` is not an object or a bookmark value is not a date-time.
    """
    warnings: list[str] = []
    if state is None:
        return {_BOOKMARKS: {}}, warnings
    if not isinstance(state, Mapping):
        raise ValueError(f"state: expected a JSON object, not {type(state).__name__}")

    bookmarks: dict[str, dict[str, str]] = {}
    for stream, bookmark in _bookmarks_container(state, warnings).items():
        if stream not in replication_keys:
            warnings.append(f"state: ignoring the bookmark of unknown stream {stream!r}")
            continue
        replication_key = replication_keys[stream]
        if replication_key is None:
            if bookmark:
                warnings.append(
                    f"state: ignoring the bookmark of full-table stream {stream!r}: {bookmark!r}"
                )
            continue
        value = _load_bookmark(str(stream), bookmark, replication_key, warnings)
        loaded: dict[str, str] = {}
        if value is not None:
            loaded = {_REPLICATION_KEY: replication_key, _REPLICATION_KEY_VALUE: value}
        if isinstance(bookmark, Mapping):
            for key in EXTRA_DATETIME_KEYS:
                if bookmark.get(key) is not None:
                    loaded[key] = _normalise(str(stream), key, bookmark[key])
            for key in EXTRA_CURSOR_KEYS:
                if isinstance(bookmark.get(key), str):
                    loaded[key] = bookmark[key]
        if loaded:
            bookmarks[stream] = loaded

    result: dict[str, Any] = {_BOOKMARKS: bookmarks}
    currently_syncing = state.get(_CURRENTLY_SYNCING)
    if currently_syncing is not None:
        if isinstance(currently_syncing, str) and currently_syncing in replication_keys:
            result[_CURRENTLY_SYNCING] = currently_syncing
        else:
            warnings.append(
                f"state: ignoring currently_syncing={currently_syncing!r} (not a known stream)"
            )
    return result, warnings


def _strip_transient(bookmark: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in bookmark.items() if key not in SDK_TRANSIENT_KEYS}


def _external_bookmark(
    stream: str, bookmark: Mapping[str, Any], default_key: str | None
) -> dict[str, Any] | None:
    cleaned = _strip_transient(bookmark)
    partitions = cleaned.pop(_PARTITIONS, None)
    if partitions:
        cleaned[_PARTITIONS] = [
            _strip_transient(partition) if isinstance(partition, Mapping) else partition
            for partition in partitions
        ]
    replication_key = cleaned.get(_REPLICATION_KEY) or default_key
    value = cleaned.get(_REPLICATION_KEY_VALUE)

    out: dict[str, Any] = {}
    if value is not None and isinstance(replication_key, str):
        formatted = _normalise(stream, _REPLICATION_KEY_VALUE, value)
        out[_REPLICATION_KEY] = replication_key
        out[_REPLICATION_KEY_VALUE] = formatted
        out[replication_key] = formatted
    for key in sorted(cleaned, key=str):
        if key not in out and key != _REPLICATION_KEY:
            out[key] = cleaned[key]
    return out or None


def to_external_state(
    state: Mapping[str, Any],
    replication_keys: Mapping[str, str | None],
    *,
    currently_syncing: str | None = None,
) -> dict:
    """The state the tap writes: the SDK state, made readable by Stitch's tap as well.

    - Each bookmark with a ``replication_key_value`` also carries
      ``<replication key name>: <value>`` (e.g. ``updated_at``); both are written in
      ``DATETIME_FORMAT``, so they are equal.
    - Empty bookmarks (full-table streams), bookmarks holding nothing but transient keys,
      transient SDK keys and empty ``partitions`` are removed.
    - ``currently_syncing`` is always present at the top level (possibly null).
    - Streams and bookmark keys are sorted, so equal states serialise identically.

    The input is not modified.

    Raises:
        ValueError: if a ``replication_key_value`` is not a date-time.
    """
    bookmarks_in = state.get(_BOOKMARKS) or {}
    bookmarks: dict[str, Any] = {}
    for stream in sorted(bookmarks_in, key=str):
        bookmark = bookmarks_in[stream]
        if not isinstance(bookmark, Mapping):
            continue
        external = _external_bookmark(str(stream), bookmark, replication_keys.get(stream))
        if external:
            bookmarks[stream] = external
    return {_CURRENTLY_SYNCING: currently_syncing, _BOOKMARKS: bookmarks}


def drop_stitch_company_segments_bookmark(
    state: Mapping[str, Any], warnings: list[str]
) -> Mapping[str, Any]:
    """Ignore a `company_segments` bookmark written by Stitch's tap.

    Stitch's company_segments was the list of company segments, bookmarked on the segments'
    `updated_at`; ours is company-segment membership, bookmarked on the companies'. Reusing the
    old value would skip memberships of companies not changed since then. Our own bookmarks
    carry `replication_key_value`, Stitch's do not.
    """
    if not isinstance(state, Mapping):
        return state
    nested = isinstance(state.get(_BOOKMARKS), Mapping)
    container = state[_BOOKMARKS] if nested else state
    entry = container.get("company_segments")
    if entry is None or (isinstance(entry, Mapping) and _REPLICATION_KEY_VALUE in entry):
        return state
    warnings.append(
        "state: ignoring Stitch's company_segments bookmark (that table now holds "
        "company-segment memberships); memberships are read from start_date once"
    )
    container = {k: v for k, v in container.items() if k != "company_segments"}
    return {**state, _BOOKMARKS: container} if nested else container
