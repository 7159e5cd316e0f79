"""tap_intercom.responses: what each response means, in messages without bodies or headers."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.helpers.jsonpath import extract_jsonpath

from tap_intercom.errors import (
    IntercomAuthError,
    IntercomForbiddenError,
    IntercomNotFoundError,
    IntercomVersionError,
    ScrollExistsError,
)
from tap_intercom.responses import check_response, records_at, response_json

TOKEN = "tok_SECRET_in_header"
PII = "jane.doe@example.test"
REQUEST_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def response(
    status: int,
    body: object = None,
    *,
    raw: bytes | None = None,
    method: str = "GET",
    path: str = "/contacts/search",
) -> requests.Response:
    """A response to a request carrying the token in a header and PII in its query."""
    url = f"https://api.intercom.io{path}?email={PII}"
    request = requests.Request(method, url, headers={"Authorization": f"Bearer {TOKEN}"})
    result = requests.Response()
    result.status_code = status
    result.url = url
    result.request = request.prepare()
    result.headers["X-Echo"] = TOKEN
    result._content = raw if raw is not None else json.dumps(body).encode()
    return result


def error_body(code: str, message: str) -> dict:
    """Intercom's error shape, plus a field that must never reach a message."""
    return {
        "type": "error.list",
        "request_id": REQUEST_ID,
        "errors": [{"code": code, "message": message}],
        "contact": {"email": PII},
    }


def raised(resp: requests.Response) -> Exception:
    # Any exception: each test checks its type.
    with pytest.raises(Exception) as info:
        check_response(resp, "2.14", "2.14")
    assert TOKEN not in str(info.value)
    assert PII not in str(info.value)
    return info.value


def test_401_names_the_token_and_the_region():
    exc = raised(response(401, error_body("unauthorized", "Access Token Invalid")))
    assert isinstance(exc, IntercomAuthError)
    assert str(exc) == (
        f"Intercom rejected the access token (401: unauthorized - Access Token Invalid, "
        f"request_id {REQUEST_ID}); check `access_token` and that `region` (or `api_url`) "
        "matches your workspace's region (us, eu or au)"
    )


def test_403_skips_the_stream():
    exc = raised(response(403, error_body("api_plan_restricted", "Active subscription needed")))
    assert isinstance(exc, IntercomForbiddenError)
    assert str(exc) == (
        "HTTP 403: api_plan_restricted - Active subscription needed, "
        f"request_id {REQUEST_ID} for GET /contacts/search"
    )


def test_404_is_not_found():
    exc = raised(response(404, error_body("not_found", "Resource Not Found"), path="/admins/7"))
    assert isinstance(exc, IntercomNotFoundError)
    assert str(exc).endswith("for GET /admins/7")


def test_400_scroll_exists_is_retried():
    exc = raised(response(400, error_body("scroll_exists", "scroll already exists")))
    assert isinstance(exc, ScrollExistsError)
    assert isinstance(exc, RetriableAPIError)


def test_400_intercom_version_invalid_names_the_setting():
    resp = response(400, error_body("intercom_version_invalid", "Requested version is invalid"))
    with pytest.raises(IntercomVersionError) as info:
        check_response(resp, "9.99", "2.14")
    message = str(info.value)
    assert message.startswith("Intercom does not know api_version '9.99' (HTTP 400:")
    assert message.endswith(
        "set `api_version` to a version such as 2.14 (the default), or remove it"
    )
    assert TOKEN not in message and PII not in message


def test_any_other_400_is_fatal():
    exc = raised(response(400, error_body("parameter_invalid", "bad query"), method="POST"))
    assert type(exc) is FatalAPIError
    assert str(exc) == (
        f"HTTP 400: parameter_invalid - bad query, request_id {REQUEST_ID} "
        "for POST /contacts/search"
    )


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_429_and_5xx_are_retried(status):
    exc = raised(response(status, error_body("service_unavailable", "try later")))
    assert type(exc) is RetriableAPIError
    assert str(exc).startswith(f"HTTP {status}: service_unavailable - try later")


def test_an_error_without_intercoms_shape_still_names_status_and_request():
    exc = raised(response(502, raw=f"<html>proxy error for {PII}</html>".encode()))
    assert str(exc) == "HTTP 502 for GET /contacts/search"


def test_a_200_that_is_not_json_is_retried():
    exc = raised(response(200, raw=b'{"type": "list", "data": [{"email": "jane.doe@exa'))
    assert type(exc) is RetriableAPIError
    assert str(exc) == (
        "HTTP 200 with a body that is not JSON for GET /contacts/search "
        "(truncated, or a proxy's page: check `api_url`)"
    )


def test_a_json_200_passes_and_keeps_decimal_precision():
    resp = response(200, raw=b'{"data": [{"monthly_spend": 155.10}]}')
    check_response(resp, "2.14", "2.14")
    assert response_json(resp) == {"data": [{"monthly_spend": Decimal("155.10")}]}


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"type": "list", "data": [{"id": 1}, {"id": 2}]}, "$.data[*]"),
        ({"conversations": [{"id": "1"}], "pages": {}}, "$.conversations[*]"),
        ({"data": []}, "$.data[*]"),
        ({"other": [1]}, "$.data[*]"),  # no such list: nothing
        ({"data": None}, "$.data[*]"),
        ({"data": {"a": {"id": 1}}}, "$.data[*]"),  # not a list: jsonpath's own answer
        ([{"id": 1}], "$.data[*]"),
        ({"data": {"items": [{"id": 1}]}}, "$.data.items[*]"),  # not a top-level list
    ],
)
def test_records_at_selects_what_the_sdks_jsonpath_selects(body, path):
    assert list(records_at(body, path)) == list(extract_jsonpath(path, input=body))
