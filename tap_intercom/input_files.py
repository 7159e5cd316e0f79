"""The config, catalog and state files given on the command line, checked before the SDK reads
them: a missing, unreadable or malformed file (or one that is not a JSON object) becomes one
ConfigError line that names the file and the fix, not a traceback from deep in the SDK."""

from __future__ import annotations

import io
import json
import typing as t
from pathlib import Path

import click

from tap_intercom.errors import ConfigError

if t.TYPE_CHECKING:
    from singer_sdk.singerlib import Catalog

#: What to do about a broken file, per kind.
FIXES = {
    "config": "fix the file (a JSON object of settings, see --about)",
    "catalog": "re-run --discover to write a new catalog",
    "state": "fix the file or remove --state to start from start_date",
}


def _check_text(text: str, kind: str, name: str) -> None:
    try:
        value = json.loads(text)
    except ValueError as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        where = (
            f" at line {exc.lineno} column {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        msg = f"the {kind} file {name!r} is not valid JSON ({reason}{where}); {FIXES[kind]}"
        raise ConfigError(msg) from None
    if not isinstance(value, dict):
        msg = (
            f"the {kind} file {name!r} holds a JSON {type(value).__name__}, not an object; "
            f"{FIXES[kind]}"
        )
        raise ConfigError(msg)


def check_config_path(path: str) -> None:
    """Raise ConfigError unless `path` is a readable file holding a JSON object."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"cannot read the config file {path!r} ({exc.strerror}); check the --config path"
        raise ConfigError(msg) from None
    except UnicodeDecodeError:
        msg = f"the config file {path!r} is not UTF-8 text; {FIXES['config']}"
        raise ConfigError(msg) from None
    _check_text(text, "config", path)


def checked_json_file(kind: str) -> t.Callable[[t.Any, t.Any, t.IO[str] | None], t.Any]:
    """A click callback for a `click.File` option: the file's text, checked, as a new stream."""

    def callback(ctx: t.Any, param: t.Any, value: t.IO[str] | None) -> t.IO[str] | None:
        if value is None:
            return None
        name = getattr(value, "name", kind)
        try:
            text = value.read()
        except UnicodeDecodeError:
            msg = f"the {kind} file {name!r} is not UTF-8 text; {FIXES[kind]}"
            raise ConfigError(msg) from None
        _check_text(text, kind, str(name))
        return io.StringIO(text)

    return callback


#: The short flags of Stitch's (singer-python's) taps, per option of the SDK's command.
STITCH_SHORT_FLAGS = {"config": "-c", "state": "-s", "discover": "-d"}


def with_stitch_flags(command: click.Command) -> None:
    """Give the SDK's command the flags of Stitch's tap, so it runs as a drop-in:
    `--properties` as an alias of `--catalog` (what old Singer runners pass), and `-c`, `-s`,
    `-p`, `-d` for `--config`, `--state`, `--properties`, `--discover`. The catalog and state
    files are checked before the SDK reads them."""
    for index, param in enumerate(command.params):
        if param.name == "catalog":
            command.params[index] = click.Option(
                ["--catalog", "--properties", "-p", "catalog"],
                help="Use a Singer catalog file with the tap (`--properties`, `-p`: aliases).",
                type=click.File(),
                callback=checked_json_file("catalog"),
            )
            continue
        if param.name == "state":
            param.callback = checked_json_file("state")
        short = STITCH_SHORT_FLAGS.get(param.name or "")
        if short is not None and isinstance(param, click.Option) and short not in param.opts:
            param.opts.append(short)


def check_catalog_streams(catalog: Catalog, known: t.Collection[str]) -> None:
    """Raise ConfigError when the catalog selects a stream this tap does not have."""
    for entry in catalog.values():
        root = entry.metadata.get(()) if entry.metadata else None
        selected = bool(root is not None and root.selected)
        if entry.tap_stream_id not in known and selected:
            msg = (
                f"the catalog selects stream {entry.tap_stream_id!r}, which this tap does "
                f"not have (known: {', '.join(sorted(known))}); re-run --discover"
            )
            raise ConfigError(msg)
