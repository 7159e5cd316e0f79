"""The streams' JSON Schemas: the shipped files, the API version's changes to them
(`version_schemas`), and typed custom attributes at discovery.

In a wheel the files live in `tap_intercom/schemas/`; in a source checkout (or an editable
install) they are the `schemas/` folder at the repository root.
"""

from __future__ import annotations

import copy
import json
import typing as t
from functools import cache
from pathlib import Path

import requests

from tap_intercom.custom_attributes import custom_attributes_schema
from tap_intercom.errors import IntercomForbiddenError, UserFacingError
from tap_intercom.ticket_attributes import ticket_attributes_schema
from tap_intercom.version_schemas import versioned_schema

if t.TYPE_CHECKING:
    from collections.abc import Mapping

    from tap_intercom.api_versions import ApiVersion

_PACKAGED = Path(__file__).parent / "schemas"
_CHECKOUT = Path(__file__).parent.parent / "schemas"

#: Streams whose records carry typed `custom_attributes`, and the data-attribute model of each.
CUSTOM_ATTRIBUTE_MODELS: dict[str, str] = {
    "contacts": "contact",
    "companies": "company",
    "conversations": "conversation",
}


class AttributeSource(t.Protocol):
    """What discovery needs from the stream that owns `/data_attributes`."""

    def attributes_of(self, model: str) -> list[dict]: ...


class TicketTypeSource(t.Protocol):
    """What discovery needs from the stream that owns `/ticket_types`."""

    def ticket_types(self) -> list[dict]: ...


def schemas_dir() -> Path:
    return _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


@cache
def _load(name: str) -> dict:
    path = schemas_dir() / f"{name}.json"
    with path.open(encoding="utf-8") as handle:
        schema: dict = json.load(handle)
    return schema


def stream_schema(name: str) -> dict:
    """A fresh copy of the schema file of stream `name` (callers may modify it)."""
    return copy.deepcopy(_load(name))


def versioned_stream_schema(name: str, version: ApiVersion) -> dict:
    """A fresh copy of the schema of stream `name` as API version `version` sends it."""
    return versioned_schema(name, version, stream_schema)


def discovered_schema(stream_name: str, streams: Mapping[str, t.Any], version: ApiVersion) -> dict:
    """The version's schema, with `custom_attributes` typed from the model's data attributes."""
    schema = versioned_stream_schema(stream_name, version)
    if stream_name == "tickets":
        types = _discovery_read(
            lambda: t.cast("TicketTypeSource", streams["ticket_types"]).ticket_types(),
            streams[stream_name],
            "ticket types; tickets.ticket_attributes",
        )
        schema["properties"]["ticket_attributes"] = ticket_attributes_schema(types)
        return schema
    model = CUSTOM_ATTRIBUTE_MODELS.get(stream_name)
    if model is None:
        return schema
    source: AttributeSource = streams["data_attributes"]
    attributes = _discovery_read(
        lambda: source.attributes_of(model),
        streams[stream_name],
        f"data attributes; {stream_name}.custom_attributes",
    )
    schema["properties"]["custom_attributes"] = custom_attributes_schema(attributes, model)
    return schema


def _discovery_read(read: t.Callable[[], list[dict]], stream: t.Any, what: str) -> list[dict]:
    """The list a discovery-time typing reads; [] with a warning when the token may not read
    it; one clear error when Intercom cannot be reached."""
    try:
        return read()
    except IntercomForbiddenError:
        stream.logger.warning(
            "The access token may not read %s is left untyped (values still pass through)",
            what,
        )
        return []
    except requests.exceptions.RequestException as exc:
        msg = (
            "could not reach Intercom to discover custom attributes "
            f"({type(exc).__name__}); check the network, `region` and `api_url`"
        )
        raise UserFacingError(msg) from None
