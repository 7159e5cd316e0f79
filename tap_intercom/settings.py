"""The frozen `Settings`, parsed once from a config (the schema and defaults: `config_schema.py`).

`Settings.from_config` checks a config and turns it into typed values exactly once per run;
everything else reads `Settings`, never the raw dict.
"""

from __future__ import annotations

import ipaddress
import math
import typing as t
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlparse

import pendulum

from tap_intercom.api_versions import ApiVersion, checked_api_version
from tap_intercom.config_schema import (
    DEFAULT_API_VERSION,
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_WAIT,
    DEFAULT_PARALLEL_STREAMS,
    DEFAULT_REGION,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_SEARCH_LAG_SECONDS,
    DEFAULT_SEARCH_SLICE_MIN_RECORDS,
    DEFAULT_SEARCH_SLICES,
    MAX_SEARCH_SLICES,
    REGION_HOSTS,
)
from tap_intercom.dates import format_datetime, parse_datetime
from tap_intercom.errors import ConfigError


@dataclass(frozen=True)
class Settings:
    """A checked config: typed values with every default applied (see `from_config`)."""

    access_token: str
    start_date: str
    base_url: str
    #: The `api_version` setting, checked to be a supported version.
    version: ApiVersion
    request_timeout: float
    max_retries: int
    max_retry_wait: float
    concurrency: int
    parallel_streams: int
    search_lag_seconds: int
    search_slices: int
    search_slice_min_records: int
    deleted_conversations: bool
    contact_deletions_preview: bool
    contact_merge_history: bool
    company_deletions: bool
    max_requests_per_minute: float | None
    user_agent: str | None

    @property
    def api_version(self) -> str:
        """The `Intercom-Version` header's value."""
        return str(self.version)

    @classmethod
    def from_config(cls, config: t.Mapping[str, t.Any]) -> Settings:
        """Check `config` and parse it; raises ConfigError naming the setting and the fix."""
        return cls(
            access_token=_access_token(config),
            start_date=_start_date(config),
            base_url=_base_url(config),
            version=checked_api_version(config.get("api_version") or DEFAULT_API_VERSION),
            request_timeout=_request_timeout(config),
            max_retries=_whole_number(config, "max_retries", DEFAULT_MAX_RETRIES, minimum=0),
            max_retry_wait=_max_retry_wait(config),
            concurrency=_whole_number(config, "concurrency", DEFAULT_CONCURRENCY, minimum=1),
            parallel_streams=_whole_number(
                config, "parallel_streams", DEFAULT_PARALLEL_STREAMS, minimum=1
            ),
            search_lag_seconds=_whole_number(
                config, "search_lag_seconds", DEFAULT_SEARCH_LAG_SECONDS, minimum=0
            ),
            search_slices=_whole_number(
                config, "search_slices", DEFAULT_SEARCH_SLICES, minimum=1, maximum=MAX_SEARCH_SLICES
            ),
            search_slice_min_records=_whole_number(
                config, "search_slice_min_records", DEFAULT_SEARCH_SLICE_MIN_RECORDS, minimum=1
            ),
            deleted_conversations=_flag(config, "deleted_conversations", default=True),
            contact_deletions_preview=_flag(config, "contact_deletions_preview", default=False),
            contact_merge_history=_flag(config, "contact_merge_history", default=True),
            company_deletions=_flag(config, "company_deletions", default=False),
            max_requests_per_minute=_optional_rate(config),
            user_agent=str(config["user_agent"]) if config.get("user_agent") else None,
        )


def _access_token(config: t.Mapping[str, t.Any]) -> str:
    token = config.get("access_token")
    if not isinstance(token, str) or not token.strip():
        msg = (
            "access_token is missing or empty; set it in the config file or as "
            "TAP_INTERCOM_ACCESS_TOKEN (an Intercom access token from Developer Hub)"
        )
        raise ConfigError(msg)
    return token


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _base_url(config: t.Mapping[str, t.Any]) -> str:
    """`api_url` if set, else the region's host; no trailing slash."""
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
    region = str(config.get("region") or DEFAULT_REGION).lower()
    if region not in REGION_HOSTS:
        msg = (
            f"region {config.get('region')!r} is not one of us, eu, au; "
            "set `region` to the region of your Intercom workspace"
        )
        raise ConfigError(msg)
    return REGION_HOSTS[region]


def _start_date(config: t.Mapping[str, t.Any]) -> str:
    """`start_date` in the tap's date-time format; default one year before now."""
    value = config.get("start_date")
    if value in (None, ""):
        return format_datetime(pendulum.now("UTC").subtract(years=1))
    try:
        return format_datetime(parse_datetime(str(value)))
    except ValueError:
        msg = f"start_date {value!r} is not an ISO 8601 date-time; use e.g. 2024-01-01T00:00:00Z"
        raise ConfigError(msg) from None


def _request_timeout(config: t.Mapping[str, t.Any]) -> float:
    """`0`, `""` and missing mean the default (as Stitch's tap)."""
    value = config.get("request_timeout")
    if value in (None, "", 0, "0"):
        return float(DEFAULT_REQUEST_TIMEOUT)
    try:
        timeout = float(value)
    except (TypeError, ValueError):
        msg = f"request_timeout {value!r} is not a number of seconds; use e.g. 300"
        raise ConfigError(msg) from None
    return timeout if timeout > 0 else float(DEFAULT_REQUEST_TIMEOUT)


def _whole_number(
    config: t.Mapping[str, t.Any],
    name: str,
    default: int,
    *,
    minimum: int,
    maximum: int | None = None,
) -> int:
    value = config.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = minimum - 1
    too_big = maximum is not None and number > maximum
    if number < minimum or too_big or str(number) != str(value).strip():
        limits = f">= {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        msg = f"{name} {value!r} is not a whole number {limits}; use e.g. {default}"
        raise ConfigError(msg)
    return number


def _finite_number(value: t.Any) -> float | None:
    """A number, or a numeric string (`TAP_INTERCOM_*` variables are text), as a finite
    float; None for anything else (booleans, NaN, infinities, other text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _max_retry_wait(config: t.Mapping[str, t.Any]) -> float:
    value = config.get("max_retry_wait")
    if value is None or value == "":
        return float(DEFAULT_MAX_RETRY_WAIT)
    wait = _finite_number(value)
    if wait is None or not wait > 0:
        msg = f"max_retry_wait {value!r} is not a number of seconds > 0; use e.g. 60"
        raise ConfigError(msg)
    return wait


def _optional_rate(config: t.Mapping[str, t.Any]) -> float | None:
    """A positive number (fractional too) caps the rate; 0 or less means no own cap."""
    value = config.get("max_requests_per_minute")
    if value is None or value == "":
        return None
    rate = _finite_number(value)
    if rate is None:
        msg = f"max_requests_per_minute {value!r} is not a number; use e.g. 5000"
        raise ConfigError(msg)
    return rate if rate > 0 else None


def _flag(config: t.Mapping[str, t.Any], name: str, *, default: bool) -> bool:
    value = config.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes"}:
        return True
    if text in {"false", "0", "no"}:
        return False
    msg = f"{name} {value!r} is not true or false"
    raise ConfigError(msg)
