"""`api_versions`: the supported range and how a configured version is checked."""

from __future__ import annotations

import pytest

from tap_intercom.api_versions import (
    DEFAULT,
    NEWEST,
    OLDEST,
    SEARCH_SORT_ORDER,
    SUPPORTED,
    ApiVersion,
    checked_api_version,
    conversation_attributes_endpoint,
)
from tap_intercom.config_schema import DEFAULT_API_VERSION
from tap_intercom.errors import ConfigError
from tap_intercom.settings import Settings


def test_the_range_is_2_11_to_2_17_and_holds_the_default():
    assert [str(v) for v in SUPPORTED] == [f"2.{minor}" for minor in range(11, 18)]
    assert (SUPPORTED[0], SUPPORTED[-1]) == (OLDEST, NEWEST)
    assert DEFAULT in SUPPORTED and str(DEFAULT) == DEFAULT_API_VERSION


def test_versions_compare_by_number_not_text():
    assert ApiVersion.parse("2.9") < ApiVersion.parse("2.10") < ApiVersion.parse("2.11")
    assert ApiVersion.parse(" 2.16 ") == ApiVersion(2, 16)
    for text in ("Preview", "2", "2.x", "v2.14", "2.14.1", ""):
        assert ApiVersion.parse(text) is None, text


@pytest.mark.parametrize("value", ["2.11", "2.14", "2.17", 2.16, " 2.12 "])
def test_a_supported_version_is_accepted(value):
    assert checked_api_version(value) in SUPPORTED


@pytest.mark.parametrize("value", ["2.10", "2.18", "1.4", "Preview", "latest", 2.1, True, [2]])
def test_anything_else_is_one_config_error_naming_the_setting_and_the_range(value):
    with pytest.raises(ConfigError) as raised:
        checked_api_version(value)
    message = str(raised.value)
    assert message.startswith(f"api_version {value!r} is not an Intercom API version")
    assert "2.11 to 2.17" in message and "\n" not in message


def test_settings_check_the_version_and_default_to_2_14():
    assert Settings.from_config({"access_token": "t"}).api_version == "2.14"
    assert Settings.from_config({"access_token": "t", "api_version": ""}).api_version == "2.14"
    settings = Settings.from_config({"access_token": "t", "api_version": "2.16"})
    assert settings.version == ApiVersion(2, 16) and settings.api_version == "2.16"
    with pytest.raises(ConfigError, match=r"api_version '2\.9'"):
        Settings.from_config({"access_token": "t", "api_version": "2.9"})


def test_conversation_attributes_have_their_own_endpoint_from_2_16():
    assert [str(v) for v in SUPPORTED if conversation_attributes_endpoint(v)] == ["2.16", "2.17"]


def test_the_search_sort_order_is_the_spelling_2_16_accepts():
    assert SEARCH_SORT_ORDER in {"ascending", "descending"}
