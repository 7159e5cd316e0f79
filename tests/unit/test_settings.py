"""tap_intercom.settings: `Settings.from_config` applies every default and names each mistake."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from tap_intercom.config_schema import (
    DEFAULT_API_VERSION,
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_WAIT,
    DEFAULT_PARALLEL_STREAMS,
    DEFAULT_REQUEST_TIMEOUT,
)
from tap_intercom.errors import ConfigError
from tap_intercom.settings import Settings


def settings(**config: object) -> Settings:
    return Settings.from_config({"access_token": "t", **config})


def test_defaults():
    parsed = settings()
    assert parsed.access_token == "t"
    assert parsed.base_url == "https://api.intercom.io"
    assert parsed.api_version == DEFAULT_API_VERSION == "2.14"
    assert parsed.request_timeout == float(DEFAULT_REQUEST_TIMEOUT) == 300.0
    assert parsed.max_retries == DEFAULT_MAX_RETRIES == 7
    assert parsed.max_retry_wait == float(DEFAULT_MAX_RETRY_WAIT) == 60.0
    assert parsed.concurrency == DEFAULT_CONCURRENCY == 32
    assert parsed.parallel_streams == DEFAULT_PARALLEL_STREAMS == 8
    assert parsed.search_slices == 8
    assert parsed.search_slice_min_records == 1500
    assert parsed.max_requests_per_minute is None
    assert parsed.user_agent is None


def test_the_default_start_date_is_one_year_ago_in_the_output_format():
    start = settings().start_date
    assert start.endswith("Z") and len(start) == len("2024-01-01T00:00:00.000000Z")
    parsed = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
    expected = pendulum.now("UTC").subtract(years=1)  # 29 February: the 28th
    assert abs(parsed - expected) < dt.timedelta(minutes=5)


def test_values_are_parsed_and_normalised():
    parsed = settings(
        start_date="2024-01-01T01:00:00+01:00",
        region="EU",
        api_version="2.11",
        request_timeout="45.5",
        max_retries="0",
        max_retry_wait="2.5",
        concurrency=" 3 ",
        parallel_streams=1,
        max_requests_per_minute=5000,
        user_agent="me",
    )
    assert parsed.start_date == "2024-01-01T00:00:00.000000Z"
    assert parsed.base_url == "https://api.eu.intercom.io"
    assert parsed.api_version == "2.11"
    assert parsed.request_timeout == 45.5
    assert parsed.max_retries == 0
    assert parsed.max_retry_wait == 2.5
    assert parsed.concurrency == 3
    assert parsed.parallel_streams == 1
    assert parsed.max_requests_per_minute == 5000.0
    assert parsed.user_agent == "me"


@pytest.mark.parametrize(
    ("config", "base_url"),
    [
        ({"region": "au"}, "https://api.au.intercom.io"),
        ({"region": ""}, "https://api.intercom.io"),
        ({"api_url": "https://proxy.example.test/intercom/", "region": "eu"}, None),
        ({"api_url": "http://127.0.0.1:8080/"}, "http://127.0.0.1:8080"),
        ({"api_url": "http://localhost:8080"}, "http://localhost:8080"),
        ({"api_url": "http://[::1]:8080"}, "http://[::1]:8080"),
    ],
)
def test_api_url_wins_over_region(config, base_url):
    expected = base_url or "https://proxy.example.test/intercom"
    assert settings(**config).base_url == expected


@pytest.mark.parametrize("value", [None, "", 0, "0", -3])
def test_an_unset_zero_or_negative_request_timeout_is_the_default(value):
    assert settings(request_timeout=value).request_timeout == 300.0


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"access_token": ""},
            "access_token is missing or empty; set it in the config file or as "
            "TAP_INTERCOM_ACCESS_TOKEN (an Intercom access token from Developer Hub)",
        ),
        (
            {"api_url": "ftp://example.test"},
            "api_url 'ftp://example.test' is not an http(s) URL; "
            "set it to e.g. https://api.intercom.io or remove it to use `region`",
        ),
        (
            {"api_url": "http://api.intercom.io"},
            "api_url 'http://api.intercom.io' uses plain http to a non-loopback host; "
            "use https:// (plain http is only allowed for 127.0.0.1/localhost)",
        ),
        (
            {"region": "mars"},
            "region 'mars' is not one of us, eu, au; "
            "set `region` to the region of your Intercom workspace",
        ),
        (
            {"start_date": "last tuesday"},
            "start_date 'last tuesday' is not an ISO 8601 date-time; use e.g. 2024-01-01T00:00:00Z",
        ),
        (
            {"request_timeout": "soon"},
            "request_timeout 'soon' is not a number of seconds; use e.g. 300",
        ),
        ({"max_retries": -1}, "max_retries -1 is not a whole number >= 0; use e.g. 7"),
        ({"max_retries": 2.5}, "max_retries 2.5 is not a whole number >= 0; use e.g. 7"),
        ({"max_retries": True}, "max_retries True is not a whole number >= 0; use e.g. 7"),
        ({"concurrency": 0}, "concurrency 0 is not a whole number >= 1; use e.g. 32"),
        ({"concurrency": "many"}, "concurrency 'many' is not a whole number >= 1; use e.g. 32"),
        (
            {"parallel_streams": 0},
            "parallel_streams 0 is not a whole number >= 1; use e.g. 8",
        ),
        (
            {"search_slices": 13},
            "search_slices 13 is not a whole number from 1 to 12; use e.g. 8",
        ),
        (
            {"search_slices": 0},
            "search_slices 0 is not a whole number from 1 to 12; use e.g. 8",
        ),
        (
            {"search_slice_min_records": 0},
            "search_slice_min_records 0 is not a whole number >= 1; use e.g. 1500",
        ),
        (
            {"max_retry_wait": 0},
            "max_retry_wait 0 is not a number of seconds > 0; use e.g. 60",
        ),
        (
            {"max_retry_wait": "a while"},
            "max_retry_wait 'a while' is not a number of seconds > 0; use e.g. 60",
        ),
        (
            {"max_requests_per_minute": "lots"},
            "max_requests_per_minute 'lots' is not a number; use e.g. 5000",
        ),
        (
            {"max_requests_per_minute": True},
            "max_requests_per_minute True is not a number; use e.g. 5000",
        ),
    ],
)
def test_each_mistake_is_named_with_its_fix(config, message):
    with pytest.raises(ConfigError) as info:
        settings(**config)
    assert str(info.value) == message


@pytest.mark.parametrize("token", [None, "   ", 42])
def test_a_missing_blank_or_non_string_token_is_refused(token):
    with pytest.raises(ConfigError, match=r"^access_token is missing or empty"):
        Settings.from_config({} if token is None else {"access_token": token})


@pytest.mark.parametrize("value", [0, -1, None, ""])
def test_no_positive_own_rate_cap_means_none(value):
    assert settings(max_requests_per_minute=value).max_requests_per_minute is None


def test_settings_are_frozen():
    parsed = settings()
    with pytest.raises(AttributeError):
        parsed.concurrency = 1  # type: ignore[misc]
