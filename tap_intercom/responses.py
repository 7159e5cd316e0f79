"""Reading Intercom's responses: the JSON body, its error shape, and what a status means.

`check_response` is the one place that decides whether a response is data, a retry (429, 5xx,
`scroll_exists`, a non-JSON body) or an error a user can act on (401, 403, 404, a bad
`Intercom-Version`). Error messages never include a body or a header: bodies can carry
contact PII and the Authorization header must never reach a log.
"""

from __future__ import annotations

import re
import typing as t
from http import HTTPStatus
from urllib.parse import urlparse

from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.helpers.jsonpath import extract_jsonpath

from tap_intercom import json_codec
from tap_intercom.errors import (
    IntercomAuthError,
    IntercomForbiddenError,
    IntercomNotFoundError,
    IntercomVersionError,
    ScrollExistsError,
)
from tap_intercom.sdk_seams import forget_raw_body

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests

_JSON_ATTR = "_tap_intercom_json"


def parse_json_body(response: requests.Response) -> t.Any:
    """Parse (once) and cache the JSON body; floats become Decimal to keep precision
    (`json_codec.loads`).

    Raises ValueError (json.JSONDecodeError) for a body that is not JSON.
    """
    cached = getattr(response, _JSON_ATTR, None)
    if cached is not None:
        return cached
    body = json_codec.loads(response.content or b"null")
    setattr(response, _JSON_ATTR, body)
    forget_raw_body(response)
    return body


def response_json(response: requests.Response) -> t.Any:
    """The cached JSON body (parsed in `check_response`); {} when it is not JSON."""
    try:
        return parse_json_body(response)
    except ValueError:
        return {}


#: `$.<key>[*]`: the records are the items of one top-level list (every stream's path).
_TOP_LEVEL_LIST = re.compile(r"\$\.(\w+)\[\*\]")


def records_at(body: t.Any, records_jsonpath: str) -> Iterable[t.Any]:
    """The items `records_jsonpath` selects in a parsed body, as `extract_jsonpath` yields
    them; a top-level list is read directly (jsonpath-ng builds objects for every match)."""
    match = _TOP_LEVEL_LIST.fullmatch(records_jsonpath)
    if match is not None and isinstance(body, dict):
        items = body.get(match.group(1))
        if isinstance(items, list):
            return items
    return extract_jsonpath(records_jsonpath, input=body)


def intercom_error(response: requests.Response) -> tuple[str, str, str | None]:
    """(code, message, request_id) from an Intercom `error.list` body, best effort."""
    body = response_json(response)
    code, message, request_id = "", "", None
    if isinstance(body, dict):
        request_id = body.get("request_id")
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            code = str(errors[0].get("code") or "")
            message = str(errors[0].get("message") or "")
        elif body.get("message"):
            message = str(body["message"])
    return code, message, request_id


def error_suffix(response: requests.Response) -> str:
    """`: code - message, request_id …` of an error body ('' when it has none)."""
    code, message, request_id = intercom_error(response)
    parts = [p for p in (code, message) if p]
    suffix = ": " + " - ".join(parts) if parts else ""
    if request_id:
        suffix += f", request_id {request_id}"
    return suffix


def request_label(response: requests.Response) -> str:
    """`METHOD /path` of the request that got `response` (no query: it may hold ids)."""
    request = response.request
    path = urlparse(response.url or "").path or "?"
    method = request.method if request is not None else "GET"
    return f"{method} {path}"


def error_message(response: requests.Response) -> str:
    """`HTTP <status>[: code - message, request_id …] for METHOD /path`."""
    return f"HTTP {response.status_code}{error_suffix(response)} for {request_label(response)}"


def check_response(response: requests.Response, api_version: str, default_version: str) -> None:
    """Raise the error a response means; return quietly for a JSON success."""
    status = response.status_code
    if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        raise RetriableAPIError(error_message(response), response)
    if status == HTTPStatus.UNAUTHORIZED:
        msg = (
            f"Intercom rejected the access token (401{error_suffix(response)}); check "
            "`access_token` and that `region` (or `api_url`) matches your workspace's region "
            "(us, eu or au)"
        )
        raise IntercomAuthError(msg)
    if status == HTTPStatus.FORBIDDEN:
        raise IntercomForbiddenError(error_message(response))
    # 410: a merged contact (2.16+, with a `Link` to the survivor); gone, as a 404.
    if status in (HTTPStatus.NOT_FOUND, HTTPStatus.GONE):
        raise IntercomNotFoundError(error_message(response))
    if status == HTTPStatus.BAD_REQUEST:
        code, _, _ = intercom_error(response)
        if code == "scroll_exists":
            raise ScrollExistsError(error_message(response), response)
        if code == "intercom_version_invalid":
            msg = (
                f"Intercom does not know api_version {api_version!r} ({error_message(response)}); "
                f"set `api_version` to a version such as {default_version} (the default), "
                "or remove it"
            )
            raise IntercomVersionError(msg)
    if status >= HTTPStatus.BAD_REQUEST:
        raise FatalAPIError(error_message(response))
    try:
        parse_json_body(response)
    except ValueError:
        msg = (
            f"HTTP {status} with a body that is not JSON for {request_label(response)} "
            "(truncated, or a proxy's page: check `api_url`)"
        )
        raise RetriableAPIError(msg, response) from None
