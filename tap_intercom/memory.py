"""Keep glibc's allocator from growing the tap's memory with its thread count and run length.

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
"""

from __future__ import annotations

import ctypes
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
