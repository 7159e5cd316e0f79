"""The `tap-intercom` command: `.env` loading, and every user or run error as one line.

A mistake in the config, catalog or state, and a failure the run cannot recover from (the API
unreachable or still failing after retries), end with one `tap-intercom: error: …` line on
stderr that names the problem and the fix, and exit code 1: no traceback, no secret.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import dotenv
import requests
from singer_sdk.exceptions import ConfigValidationError, FatalAPIError, RetriableAPIError

from tap_intercom.errors import UserFacingError
from tap_intercom.memory import configure_malloc, space_out_cycle_collection
from tap_intercom.output import enlarge_stdout_buffer
from tap_intercom.tap import TapIntercom

#: The user's mistakes: config, catalog or state files and their contents.
USER_ERRORS: tuple[type[BaseException], ...] = (
    UserFacingError,
    ConfigValidationError,
    json.JSONDecodeError,
    FileNotFoundError,
    IsADirectoryError,
    PermissionError,
)
#: Failures that are not the user's mistake but still end the run with one clear line.
RUN_ERRORS: tuple[type[BaseException], ...] = (
    FatalAPIError,
    RetriableAPIError,
    requests.exceptions.RequestException,
)


def describe(exc: BaseException) -> str:
    """The one line (after `tap-intercom: error: `) that tells the user what to do."""
    if isinstance(exc, requests.exceptions.ConnectionError):
        return (
            f"could not connect to Intercom ({type(exc).__name__}) after retries; "
            "check the network, `region` and `api_url`"
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return (
            "Intercom did not answer within `request_timeout` after retries; "
            "raise `request_timeout` or try again later"
        )
    if isinstance(exc, RetriableAPIError):
        return f"{exc} (still failing after retries; try again later)"
    if isinstance(exc, ConfigValidationError):
        errors = "; ".join(str(e) for e in (exc.errors or [])) or str(exc)
        return f"invalid config: {errors}"
    if isinstance(exc, json.JSONDecodeError):
        return f"a config, catalog or state file is not valid JSON ({exc}); fix the file"
    if isinstance(exc, OSError) and not isinstance(exc, UserFacingError):
        return f"cannot read {exc.filename!r}: {exc.strerror}; check the path"
    return str(exc)


def load_dotenv_for_env_config(argv: list[str]) -> None:
    """With `--config ENV`, read `./.env` too (variables already set win).

    The SDK looks for `.env` relative to its own installed files, not the directory the tap
    runs in, so a project's `.env` would be silently ignored.
    """
    if "ENV" in argv or "--config=ENV" in argv:
        dotenv.load_dotenv(Path.cwd() / ".env", override=False)


def cli() -> None:
    """Console entry point: the SDK command, with user mistakes reported in one line."""
    configure_malloc()  # before any thread exists (see tap_intercom.memory)
    space_out_cycle_collection()
    enlarge_stdout_buffer()
    try:
        load_dotenv_for_env_config(sys.argv[1:])
        TapIntercom.cli()
    except (*USER_ERRORS, *RUN_ERRORS) as exc:
        sys.stderr.write(f"tap-intercom: error: {describe(exc)}\n")
        sys.exit(1)
