"""`version_schemas`: each supported version's schemas are the shipped ones plus that version's
edits, keep the schema conventions, and hold every field the version's description adds.

Intercom's OpenAPI descriptions are read from `shared/reference/` beside the repository (as CI
has it); the tap itself never reads them.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tap_intercom.api_versions import DEFAULT, SUPPORTED, ApiVersion
from tap_intercom.schemas import schemas_dir, stream_schema, versioned_stream_schema
from tap_intercom.version_schemas import CHANGES, changed_streams

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
STREAMS = sorted(path.stem for path in schemas_dir().glob("*.json"))
#: Stream → the description's objects its records come from.
COMPONENTS = {
    "admins": ["admin"],
    "articles": ["article_list_item", "article"],
    "companies": ["company"],
    "contacts": ["contact"],
    "conversation_parts": ["conversation_part"],
    "conversations": ["conversation_list_item", "conversation"],
    "help_centers": ["help_center"],
    "tickets": ["ticket"],
}
#: The tap denests a conversation's company like a companies record.
DENESTED = re.compile(r"^company\.(tags|segments)\.\1\[\]")
DENESTED_WRAPPERS = re.compile(r"^company\.(tags|segments)(\.type|\.tags|\.segments)?$")
TIMESTAMPS = {"snoozed_until", "waiting_since"}


def walk(node: dict, path: str = ""):
    yield path, node
    for name, child in (node.get("properties") or {}).items():
        yield from walk(child, f"{path}.{name}" if path else name)
    if isinstance(node.get("items"), dict):
        yield from walk(node["items"], f"{path}[]")


def under_free_object(nodes: dict[str, dict], path: str) -> bool:
    """Whether a prefix of `path` is an object that keeps any key (so `path` is kept too)."""
    parts = path.replace("[]", ".[]").split(".")
    prefixes = [".".join(parts[:n]).replace(".[]", "[]") for n in range(1, len(parts))]
    return any(nodes.get(prefix, {}).get("additionalProperties") is True for prefix in prefixes)


@cache
def description(version: str) -> dict[str, Any]:
    path = REFERENCE / f"intercom-openapi-{version}.yaml"
    if not path.is_file():
        msg = f"Intercom's OpenAPI description is missing: expected {path}"
        raise FileNotFoundError(msg)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(), Loader=loader)["components"]["schemas"]  # noqa: S506


def api_fields(components: dict, node: dict, path: str = "", seen: frozenset = frozenset()):
    """`(path, json type, is a timestamp)` for every property of a description's object."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return
        seen |= {name}
        node = {**components[name], **{k: v for k, v in node.items() if k != "$ref"}}
    for keyword in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(keyword, []):
            yield from api_fields(components, branch, path, seen)
    if path and ("type" in node or node.get("properties")):
        kind = node.get("type", "object")
        name = path.replace("[]", "").rsplit(".", 1)[-1]
        timestamp = kind == "integer" and (name.endswith("_at") or name in TIMESTAMPS)
        yield path, kind, timestamp
    for name, child in (node.get("properties") or {}).items():
        yield from api_fields(components, child, f"{path}.{name}" if path else name, seen)
    if isinstance(node.get("items"), dict):
        yield from api_fields(components, node["items"], f"{path}[]", seen)


def fields_of(version: str, stream: str) -> set[tuple[str, str, bool]]:
    components = description(version)
    return {f for c in COMPONENTS[stream] for f in api_fields(components, components[c])}


def test_versions_2_12_to_2_14_are_the_shipped_schemas():
    for version in SUPPORTED:
        if ApiVersion(2, 12) <= version <= DEFAULT:
            assert not changed_streams(version)
            for stream in STREAMS:
                assert versioned_stream_schema(stream, version) == stream_schema(stream)


@pytest.mark.parametrize("version", [str(v) for v in SUPPORTED])
def test_every_versioned_schema_keeps_the_conventions(version):
    for stream in STREAMS:
        schema = versioned_stream_schema(stream, ApiVersion.parse(version))
        jsonschema.Draft4Validator.check_schema(schema)
        for path, node in walk(schema):
            if not path:
                continue
            types = node["type"]
            assert types[0] == "null" and len(types) >= 2, (stream, path)
            assert len(set(types)) == len(types), (stream, path)
            if "object" in types:
                assert node["additionalProperties"] is True or node["properties"], (stream, path)
            if "array" in types:
                assert isinstance(node["items"], dict), (stream, path)
            if "format" in node:
                assert types == ["null", "string"], (stream, path)


def test_every_edit_changes_the_schema_of_the_versions_it_names():
    for change in CHANGES:
        versions = [v for v in SUPPORTED if change.applies_to(v)]
        assert versions, change.what
        for edit in change.edits:
            assert edit.add or edit.types, change.what
        for stream in {edit.stream for edit in change.edits}:
            assert versioned_stream_schema(stream, versions[0]) != stream_schema(stream)


@pytest.mark.parametrize("version", ["2.15", "2.16"])
@pytest.mark.parametrize("stream", sorted(COMPONENTS))
def test_the_fields_a_description_adds_are_in_that_versions_schema(version, stream):
    """Every property (and type) the description has and the 2.14 one lacks is declared."""
    nodes = dict(walk(versioned_stream_schema(stream, ApiVersion.parse(version))))
    problems = []
    for api_path, kind, timestamp in sorted(fields_of(version, stream) - fields_of("2.14", stream)):
        if stream == "conversations" and (
            DENESTED_WRAPPERS.match(api_path) or api_path.startswith("conversation_parts")
        ):
            continue  # denested lists, and the parts (their own stream)
        path = DENESTED.sub(r"company.\1[]", api_path) if stream == "conversations" else api_path
        node = nodes.get(path)
        if node is None and not under_free_object(nodes, path):
            problems.append(f"missing {path}")
        elif node is None:
            continue
        elif timestamp:
            if node.get("format") != "date-time":
                problems.append(f"{path}: not a date-time")
        elif kind not in node["type"] and not (kind == "integer" and "number" in node["type"]):
            problems.append(f"{path}: {kind} not in {node['type']}")
    assert not problems, "\n".join(problems)


def test_2_11_tickets_take_a_string_state_and_keep_its_labels():
    schema = versioned_stream_schema("tickets", ApiVersion(2, 11))
    properties = schema["properties"]
    assert "string" in properties["ticket_state"]["type"]
    assert "object" in properties["ticket_state"]["type"]
    assert {"ticket_state_internal_label", "ticket_state_external_label"} <= set(properties)


def test_widened_ids_take_both_versions_types():
    at_2_16 = ApiVersion(2, 16)
    contacts = versioned_stream_schema("contacts", at_2_16)["properties"]
    assert set(contacts["owner_id"]["type"]) == {"null", "integer", "string"}
    tickets = versioned_stream_schema("tickets", at_2_16)["properties"]
    for field in ("admin_assignee_id", "team_assignee_id"):
        assert set(tickets[field]["type"]) == {"null", "string", "integer"}
