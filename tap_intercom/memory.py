"""Process-wide memory settings made once at start: glibc's allocator, Python's cycle collector.

Two glibc defaults make peak RSS grow with the size of a sync rather than with what the
tap holds at once. Still needed with one worker pool for the run: at the fake's `large` scale
(647,095 records), peak RSS is 94 MB with these settings and 157 MB without them
(`scripts/benchmark.py --scale large --latency-ms 0 --rate-limit-per-min 0 --taps ours
--before-tap <a build without configure_malloc>`; docs/performance.md has the run):

- threads get their own malloc arenas (up to 8 per CPU core), and an arena keeps what its
  thread freed, so each of the `concurrency` worker threads, the search lookahead threads
  and the stream threads grows its own arena to its own high-water mark. Two arenas
  are plenty for threads that mostly wait on the network (the GIL serialises the parsing);
- the mmap threshold is dynamic: once a large block (a page of search results, a long
  conversation) that was mmap()ed is freed, glibc raises the threshold to that block's
  size, so every later body of that size is carved out of the heap instead, where it
  fragments the heap and is rarely given back. A fixed threshold keeps large response
  bodies in mmap()ed blocks that are returned to the OS as soon as they are freed.

Call :func:`configure_malloc` once, at process start, before any thread is created
(arenas that already exist are not merged). Everything is a no-op off glibc (macOS, musl,
Windows), and a setting the user made in the environment (`MALLOC_ARENA_MAX`,
`MALLOC_MMAP_THRESHOLD_` or `GLIBC_TUNABLES`) is left alone.

:func:`space_out_cycle_collection` raises the cycle collector's first threshold. A record is
a tree of freshly parsed dicts and lists that dies, without cycles, once its line is
written; but a page's records live until the page is done, long enough for Python's default
(a collection every 700 net container allocations) to walk them again and again and to
promote them into the older generations, whose collections walk everything the tap holds.
With a threshold of 50,000 the collector still runs whenever that many containers are
outstanding, so garbage cycles (a traceback, a closed connection) cannot pile up beyond
that; the records themselves are freed by reference counting either way.
"""

from __future__ import annotations

import ctypes
import gc
import os
import sys
import typing as t

#: mallopt() parameter numbers from glibc's <malloc.h>.
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
#: Arenas for the whole process: the main one plus one shared by every other thread.
DEFAULT_ARENA_MAX = 2
#: glibc's initial threshold (128 KiB), kept fixed instead of rising after large frees.
DEFAULT_MMAP_THRESHOLD = 128 * 1024

#: Net container allocations between two youngest-generation collections (Python's is 700).
GC_FIRST_THRESHOLD = 50_000

Environ = t.Mapping[str, str]


def _user_chose(environ: Environ, variable: str, tunable: str) -> bool:
    """True when the environment already sets this malloc parameter (the user's choice wins)."""
    return variable in environ or f"glibc.malloc.{tunable}" in environ.get("GLIBC_TUNABLES", "")


def _glibc() -> ctypes.CDLL | None:
    """The process's C library when it is glibc (it exports `gnu_get_libc_version`)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    if not hasattr(libc, "gnu_get_libc_version") or not hasattr(libc, "mallopt"):
        return None
    return libc


def _mallopt(param: int, value: int) -> bool:
    libc = _glibc()
    if libc is None:
        return False
    mallopt = libc.mallopt
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(param, value))


def limit_malloc_arenas(arena_max: int = DEFAULT_ARENA_MAX, environ: Environ | None = None) -> bool:
    """Cap glibc's malloc arenas at `arena_max`; True if the limit was set."""
    if _user_chose(os.environ if environ is None else environ, "MALLOC_ARENA_MAX", "arena_max"):
        return False
    return _mallopt(M_ARENA_MAX, max(1, int(arena_max)))


def fix_mmap_threshold(
    threshold: int = DEFAULT_MMAP_THRESHOLD, environ: Environ | None = None
) -> bool:
    """Serve blocks of `threshold` bytes and more by mmap(), for good; True if set."""
    env = os.environ if environ is None else environ
    if _user_chose(env, "MALLOC_MMAP_THRESHOLD_", "mmap_threshold"):
        return False
    return _mallopt(M_MMAP_THRESHOLD, max(0, int(threshold)))


def configure_malloc(environ: Environ | None = None) -> dict[str, bool]:
    """Apply both settings (see the module docstring); which of them were set."""
    return {
        "arena_max": limit_malloc_arenas(environ=environ),
        "mmap_threshold": fix_mmap_threshold(environ=environ),
    }


def space_out_cycle_collection(first_threshold: int = GC_FIRST_THRESHOLD) -> bool:
    """Raise the cycle collector's first threshold to `first_threshold` (see the module
    docstring), keeping the older generations' ratios; False if the collector is off or
    already spaced out as far (a caller's own setting is never lowered)."""
    if not gc.isenabled():
        return False
    first, *older = gc.get_threshold()
    if first == 0 or first >= first_threshold:
        return False
    gc.set_threshold(first_threshold, *older)
    return True
