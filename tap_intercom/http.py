"""Small HTTP helpers shared by the streams: the parsed JSON body of a response."""

from __future__ import annotations

import json
import typing as t
from decimal import Decimal

if t.TYPE_CHECKING:
    import requests

_JSON_ATTR = "_tap_intercom_json"


def parse_json_body(response: requests.Response) -> t.Any:
    """Parse (once) and cache the JSON body; floats become Decimal to keep precision.

    Raises ValueError (json.JSONDecodeError) for a body that is not JSON.
    """
    cached = getattr(response, _JSON_ATTR, None)
    if cached is not None:
        return cached
    body = json.loads(response.content or b"null", parse_float=Decimal)
    setattr(response, _JSON_ATTR, body)
    # Only the parsed body is read from here on: drop the raw bytes, which would otherwise
    # stay alive beside it while a page waits in the search lookahead queue.
    response._content = b""
    return body


def response_json(response: requests.Response) -> t.Any:
    """The cached JSON body (parsed in validate_response); {} when it is not JSON."""
    try:
        return parse_json_body(response)
    except ValueError:
        return {}
