"""Settings: resolution of the API base URL, start date and timeouts from the tap config."""

from __future__ import annotations

import ipaddress
import typing as t
from urllib.parse import urlparse

import pendulum

from tap_intercom.dates import format_datetime, parse_datetime
from tap_intercom.errors import ConfigError

REGION_HOSTS: dict[str, str] = {
    "us": "https://api.intercom.io",
    "eu": "https://api.eu.intercom.io",
    "au": "https://api.au.intercom.io",
}
DEFAULT_API_VERSION = "2.14"
DEFAULT_REQUEST_TIMEOUT = 300.0
#: Retries of one failed request (429, 5xx, timeout, reset, non-JSON body) before giving up.
DEFAULT_MAX_RETRIES = 7
#: Longest single wait between two tries of a request, in seconds.
DEFAULT_MAX_RETRY_WAIT = 60.0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_base_url(config: t.Mapping[str, t.Any]) -> str:
    """Return the API base URL (no trailing slash): `api_url` if set, else the region's host."""
    api_url = config.get("api_url")
    if api_url:
        parsed = urlparse(str(api_url))
        if parsed.scheme not in {"http", "https"} or not parsed.hostname:
            msg = (
                f"api_url {api_url!r} is not an http(s) URL; "
                "set it to e.g. https://api.intercom.io or remove it to use `region`"
            )
            raise ConfigError(msg)
        if parsed.scheme == "http" and not _is_loopback(parsed.hostname):
            msg = (
                f"api_url {api_url!r} uses plain http to a non-loopback host; "
                "use https:// (plain http is only allowed for 127.0.0.1/localhost)"
            )
            raise ConfigError(msg)
        return str(api_url).rstrip("/")
    region = str(config.get("region") or "us").lower()
    if region not in REGION_HOSTS:
        msg = (
            f"region {config.get('region')!r} is not one of us, eu, au; "
            "set `region` to the region of your Intercom workspace"
        )
        raise ConfigError(msg)
    return REGION_HOSTS[region]


def resolve_start_date(config: t.Mapping[str, t.Any]) -> str:
    """Return `start_date` normalised to the tap's date-time format (default: a year ago)."""
    value = config.get("start_date")
    if value in (None, ""):
        return format_datetime(pendulum.now("UTC").subtract(years=1))
    try:
        return format_datetime(parse_datetime(str(value)))
    except ValueError:
        msg = f"start_date {value!r} is not an ISO 8601 date-time; use e.g. 2024-01-01T00:00:00Z"
        raise ConfigError(msg) from None


def resolve_request_timeout(config: t.Mapping[str, t.Any]) -> float:
    """Seconds before an HTTP request times out; `0`, `""` and missing mean 300 (as Stitch)."""
    value = config.get("request_timeout")
    if value in (None, "", 0, "0"):
        return DEFAULT_REQUEST_TIMEOUT
    try:
        timeout = float(value)
    except (TypeError, ValueError):
        msg = f"request_timeout {value!r} is not a number of seconds; use e.g. 300"
        raise ConfigError(msg) from None
    if timeout <= 0:
        return DEFAULT_REQUEST_TIMEOUT
    return timeout


def resolve_max_retries(config: t.Mapping[str, t.Any]) -> int:
    """Retries of one failed request before the run fails (0 = try once)."""
    value = config.get("max_retries")
    if value is None or value == "":
        return DEFAULT_MAX_RETRIES
    try:
        retries = int(value)
    except (TypeError, ValueError):
        retries = -1
    if retries < 0 or str(retries) != str(value).strip():
        msg = f"max_retries {value!r} is not a whole number >= 0; use e.g. 7"
        raise ConfigError(msg)
    return retries


def resolve_max_retry_wait(config: t.Mapping[str, t.Any]) -> float:
    """Longest wait (seconds) before one retry; caps backoff and rate-limit waits alike."""
    value = config.get("max_retry_wait")
    if value is None or value == "":
        return DEFAULT_MAX_RETRY_WAIT
    try:
        wait = float(value)
    except (TypeError, ValueError):
        wait = -1.0
    if not wait > 0:
        msg = f"max_retry_wait {value!r} is not a number of seconds > 0; use e.g. 60"
        raise ConfigError(msg)
    return wait


def check_access_token(config: t.Mapping[str, t.Any]) -> None:
    """Fail with a clear message when the token is missing or blank."""
    token = config.get("access_token")
    if not isinstance(token, str) or not token.strip():
        msg = (
            "access_token is missing or empty; set it in the config file or as "
            "TAP_INTERCOM_ACCESS_TOKEN (an Intercom access token from Developer Hub)"
        )
        raise ConfigError(msg)


def validate_config(config: t.Mapping[str, t.Any]) -> None:
    """Run every check a sync needs, raising ConfigError on the first problem."""
    check_access_token(config)
    resolve_base_url(config)
    resolve_start_date(config)
    resolve_request_timeout(config)
    resolve_max_retries(config)
    resolve_max_retry_wait(config)
