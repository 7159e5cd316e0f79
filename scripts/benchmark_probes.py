"""What the benchmark measures of a tap's process tree while it runs: peak RSS and peak
TMPDIR use (`PeakPoller`), and the records it wrote (`count_records`)."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import typing as t
from pathlib import Path

import psutil

#: How often the poller samples RSS, and TMPDIR (a directory walk plus the open files).
RSS_POLL_SECONDS = 0.05
TMPDIR_POLL_SECONDS = 0.2


class PeakPoller(threading.Thread):
    """Peak resident memory of a process and all its descendants (polled every 50 ms) and
    peak bytes in their TMPDIR (every 0.2 s; see `tmpdir_bytes`)."""

    def __init__(self, pid: int, tmpdir: Path) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.tmpdir = tmpdir
        self.peak_rss = 0
        self.peak_tmpdir = 0
        self._done = threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        next_tmpdir_sample = 0.0
        while not self._done.is_set():
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            for proc in procs:
                with contextlib.suppress(psutil.Error):
                    total += proc.memory_info().rss
            self.peak_rss = max(self.peak_rss, total)
            if time.monotonic() >= next_tmpdir_sample:
                used = tmpdir_bytes(self.tmpdir, [proc.pid for proc in procs])
                self.peak_tmpdir = max(self.peak_tmpdir, used)
                next_tmpdir_sample = time.monotonic() + TMPDIR_POLL_SECONDS
            self._done.wait(RSS_POLL_SECONDS)

    def stop(self) -> None:
        self._done.set()
        self.join()

    @property
    def rss_mb(self) -> float:
        return self.peak_rss / 2**20

    @property
    def tmpdir_mb(self) -> float:
        return self.peak_tmpdir / 2**20


def tmpdir_bytes(directory: Path, pids: t.Iterable[int]) -> int:
    """Bytes in the files under `directory`, plus the unlinked ones there that `pids` still
    hold open: the tap's spools are anonymous temporary files, which no directory listing
    shows (Linux: read through /proc/<pid>/fd; elsewhere only the listing counts)."""
    total = 0
    for path in directory.rglob("*"):
        with contextlib.suppress(OSError):
            if path.is_file():
                total += path.stat().st_size
    prefix = f"{os.path.realpath(directory)}/"
    for pid in pids:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            with contextlib.suppress(OSError):
                target = str(fd.readlink())
                if target.startswith(prefix) and target.endswith(" (deleted)"):
                    total += fd.stat().st_size  # the open file itself, though unlinked
    return total


def count_records(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with path.open("rb") as fh:
        for line in fh:
            if b'"RECORD"' not in line[:40]:
                continue
            stream = json.loads(line)["stream"]
            counts[stream] = counts.get(stream, 0) + 1
    return counts
