"""The seam between the tap and `parallel_sync`: which streams run together, and how each runs.

`parallel_sync.ParallelStreamSync` is generic (any objects with a `name`); this module wires it
to SDK streams: a stream's sync is what the SDK's own `sync_all` loop does for one top-level
stream, a stream owns the bookmarks of itself and its descendants, and the one writer of
stdout is the main thread (`output.write_stdout`).
"""

from __future__ import annotations

import copy
import typing as t

from tap_intercom.output import write_stdout
from tap_intercom.parallel_sync import ParallelStreamSync

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from singer_sdk import Stream


def stream_family(stream: Stream) -> list[str]:
    """The stream and all its descendants: the bookmarks its sync writes."""
    names = [stream.name]
    for child in stream.child_streams:
        names += stream_family(child)
    return names


def sync_stream(stream: Stream) -> None:
    """What the SDK's `sync_all` does for one top-level stream."""
    stream.sync()
    stream.finalize_state_progress_markers()


def parallel_stream_sync(
    streams: list[Stream],
    *,
    state: dict[str, t.Any],
    write_state: Callable[[dict[str, t.Any]], None],
    max_parallel: int,
    on_abort: Callable[[], None],
) -> ParallelStreamSync:
    """A `ParallelStreamSync` of `streams` whose replay starts from `state` (already written)."""
    state.setdefault("bookmarks", {})  # streams add their own; the container must exist first
    return ParallelStreamSync(
        streams,
        owned_names=stream_family,
        sync_one=sync_stream,
        final_state=lambda: state,
        write_text=write_stdout,
        write_state=write_state,
        emitted_state=copy.deepcopy(state),
        max_parallel=max_parallel,
        on_abort=on_abort,
    )
