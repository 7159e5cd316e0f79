"""Errors a user can act on.

Every exception here carries a one-line message that names the problem and the fix; the CLI
prints it without a traceback and exits non-zero.
"""

from __future__ import annotations

from singer_sdk.exceptions import FatalAPIError, RetriableAPIError


class UserFacingError(Exception):
    """A mistake in config, catalog, state or credentials; printed as one line."""


class ConfigError(UserFacingError):
    """An invalid setting."""


class UnresolvedHostError(UserFacingError):
    """The API host name does not resolve (DNS): retrying would not help, so no retries."""


class IntercomAuthError(FatalAPIError, UserFacingError):
    """Intercom rejected the access token (HTTP 401)."""


class IntercomForbiddenError(FatalAPIError):
    """The token may not read this resource (HTTP 403): the stream is skipped."""


class IntercomNotFoundError(FatalAPIError):
    """HTTP 404 for a single object (e.g. a conversation deleted mid-sync)."""


class IntercomVersionError(FatalAPIError, UserFacingError):
    """Intercom does not know the `Intercom-Version` sent (`api_version`): HTTP 400."""


class ScrollExistsError(RetriableAPIError):
    """Another companies scroll is open for this workspace (400 `scroll_exists`): wait, retry."""


class ScrollBrokenError(Exception):
    """The open companies scroll cannot continue (expired, 5xx, network): restart it."""
