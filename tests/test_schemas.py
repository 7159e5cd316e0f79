"""Checks for the stream JSON Schemas in ``schemas/``.

The schemas are written by hand from Intercom's 2.14 OpenAPI description.  These tests check
their conventions, their coverage of the OpenAPI objects, and that they stay a superset of
Stitch's ``singer-io/tap-intercom`` schemas. Each stream's own shapes (denested lists, added
fields, free-form objects) are checked in ``tests/streams/test_<stream>.py``.

Stitch's property paths and types are committed in ``tests/data/stitch_schema_fields.json``
(facts only, no code).  Regenerate that list from an installed Stitch tap with::

    python tests/test_schemas.py --write-stitch-fields [STITCH_SCHEMA_DIR]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schemas"
STITCH_FIELDS_FILE = ROOT / "tests" / "data" / "stitch_schema_fields.json"
STITCH_SCHEMA_DIR = ROOT / ".venvs/stitch-tap/lib/python3.11/site-packages/tap_intercom/schemas"
#: Intercom's OpenAPI 2.14 description (MIT), read from `shared/` beside the checkout.
OPENAPI_FILE = ROOT.parent / "shared" / "reference" / "intercom-openapi-2.14.yaml"

STITCH_STREAMS = [
    "admins",
    "companies",
    "company_attributes",
    "company_segments",
    "contact_attributes",
    "contacts",
    "conversation_parts",
    "conversations",
    "segments",
    "tags",
    "teams",
]
EXTRA_STREAMS = [
    "activity_logs",
    "articles",
    "collections",
    "data_attributes",
    "help_centers",
    "tickets",
    "ticket_parts",
    "ticket_contacts",
    "ticket_types",
    "ticket_states",
]
#: One row per link (`tap_intercom.bridges`): ids and the parent's version, no OpenAPI object.
BRIDGE_STREAMS = [
    "company_tags",
    "contact_companies",
    "contact_tags",
    "conversation_contacts",
    "conversation_tags",
    "conversation_teammates",
    "team_admins",
]
STREAMS = sorted(STITCH_STREAMS + EXTRA_STREAMS + BRIDGE_STREAMS)

# Fields whose names end in ``_at`` but that are not points in time.  (None so far: the
# durations are named ``time_to_*``, ``median_time_to_reply`` and ``*handling_time``.)
NON_TIMESTAMP_AT_FIELDS: set[str] = set()
# Timestamps whose names do not end in ``_at``.
OTHER_TIMESTAMP_FIELDS = {"snoozed_until", "waiting_since"}
DURATION_FIELDS = re.compile(r"^(time_to_.*|median_time_to_reply|(adjusted_)?handling_time)$")

# Deliberate, documented type differences from Stitch's schemas: (stream, path) -> reason.
STITCH_TYPE_EXCEPTIONS = {
    ("conversation_parts", "assigned_to"): (
        "Intercom returns an object {type, id}; Stitch declares a string and so emits the "
        "Python repr of the dict. We emit the object."
    ),
}

JSON_TYPES = {"null", "string", "integer", "number", "boolean", "object", "array"}


# --------------------------------------------------------------------------- helpers


def load_schema(stream: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{stream}.json").read_text())


def types_of(node: dict[str, Any]) -> set[str]:
    """The JSON types a node allows, looking through ``anyOf`` (used by Stitch's files)."""
    if "anyOf" in node:
        out: set[str] = set()
        for alt in node["anyOf"]:
            out |= types_of(alt)
        return out
    t = node.get("type", [])
    return {t} if isinstance(t, str) else set(t)


def format_of(node: dict[str, Any]) -> str | None:
    if "anyOf" in node:
        for alt in node["anyOf"]:
            if fmt := format_of(alt):
                return fmt
        return None
    return node.get("format")


def walk(node: dict[str, Any], path: str = ""):
    """Yield ``(path, node)`` for every schema node; paths look like ``a.b[].c``."""
    yield path, node
    for alt in node.get("anyOf", []):
        for sub_path, sub in walk(alt, path):
            if sub_path != path:
                yield sub_path, sub
    for name, child in node.get("properties", {}).items():
        yield from walk(child, f"{path}.{name}" if path else name)
    if isinstance(node.get("items"), dict):
        yield from walk(node["items"], f"{path}[]")


def flatten(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Map each property path to its types (and format) - used for the Stitch field list."""
    out: dict[str, dict[str, Any]] = {}
    for path, node in walk(schema):
        if not path:
            continue
        entry: dict[str, Any] = {"type": sorted(types_of(node))}
        if fmt := format_of(node):
            entry["format"] = fmt
        out[path] = entry
    return out


def last_name(path: str) -> str:
    return path.replace("[]", "").rsplit(".", 1)[-1]


def is_free_form(node: dict[str, Any]) -> bool:
    return node.get("additionalProperties") is True and not node.get("properties")


def is_date_time(node: dict[str, Any]) -> bool:
    return types_of(node) == {"null", "string"} and node.get("format") == "date-time"


ALL_SCHEMAS = {stream: load_schema(stream) for stream in STREAMS}
NODES = {stream: dict(walk(schema)) for stream, schema in ALL_SCHEMAS.items()}


def our_node(stream: str, path: str) -> tuple[str, dict[str, Any] | None]:
    """Find ``path`` in our schema.

    Returns ``("found", node)``, ``("free", node)`` when a prefix is a free-form object that
    accepts anything below it, or ``("missing", None)``.
    """
    nodes = NODES[stream]
    if path in nodes:
        return "found", nodes[path]
    parts = re.findall(r"[^.\[\]]+|\[\]", path)
    prefix = ""
    for part in parts:
        prefix = f"{prefix}[]" if part == "[]" else (f"{prefix}.{part}" if prefix else part)
        node = nodes.get(prefix)
        if node is not None and node.get("additionalProperties") is True:
            return "free", node
    return "missing", None


# --------------------------------------------------------------------------- files


def test_every_stream_has_a_schema_file():
    files = sorted(p.stem for p in SCHEMA_DIR.glob("*.json"))
    assert files == STREAMS
    assert not (SCHEMA_DIR / ".gitkeep").exists()


@pytest.mark.parametrize("stream", STREAMS)
def test_file_format(stream: str):
    text = (SCHEMA_DIR / f"{stream}.json").read_text()
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert "\t" not in text
    indents = {len(line) - len(line.lstrip(" ")) for line in text.splitlines()}
    assert all(i % 2 == 0 for i in indents), "2-space indentation"


@pytest.mark.parametrize("stream", STREAMS)
def test_valid_draft4_without_refs_or_unions(stream: str):
    import jsonschema

    schema = ALL_SCHEMAS[stream]
    jsonschema.Draft4Validator.check_schema(schema)
    text = json.dumps(schema)
    for keyword in ("$ref", "$schema", "anyOf", "oneOf", "allOf"):
        assert f'"{keyword}"' not in text, keyword
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["properties"]


@pytest.mark.parametrize("stream", STREAMS)
def test_every_node_is_nullable_and_well_formed(stream: str):
    for path, node in walk(ALL_SCHEMAS[stream]):
        if not path:
            continue
        types = types_of(node)
        assert isinstance(node.get("type"), list), path
        assert types <= JSON_TYPES, path
        assert "null" in types and len(types) >= 2, f"{stream}.{path} must be nullable"
        if "object" in types:
            assert "additionalProperties" in node, path
            if node["additionalProperties"] is False:
                assert node.get("properties"), f"{path}: closed object without properties"
        if "array" in types:
            assert isinstance(node.get("items"), dict), f"{path}: array without items"
        if "format" in node:
            assert node["format"] == "date-time", path
            assert types == {"null", "string"}, f"{path}: format on a non-string"


@pytest.mark.parametrize("stream", STREAMS)
def test_timestamps_are_date_time_strings(stream: str):
    for path, node in walk(ALL_SCHEMAS[stream]):
        if not path or path.endswith("[]"):
            continue
        name = last_name(path)
        if "integer" in types_of(node):
            assert node.get("format") is None, f"{path}: integer with a format"
        if DURATION_FIELDS.match(name):
            assert types_of(node) == {"null", "integer"}, f"{path}: durations stay integers"
        elif (name.endswith("_at") and name not in NON_TIMESTAMP_AT_FIELDS) or (
            name in OTHER_TIMESTAMP_FIELDS
        ):
            assert is_date_time(node), f"{stream}.{path} must be a date-time string"


# --------------------------------------------------------------------------- Stitch superset


def stitch_fields() -> dict[str, dict[str, dict[str, Any]]]:
    if not STITCH_FIELDS_FILE.exists():  # test_committed_stitch_field_list_is_current fails
        return {}
    return json.loads(STITCH_FIELDS_FILE.read_text())


def read_stitch_schemas(directory: Path) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        path.stem: flatten(json.loads(path.read_text()))
        for path in sorted(directory.glob("*.json"))
    }


def test_committed_stitch_field_list_is_current():
    fields = stitch_fields()
    assert sorted(fields) == STITCH_STREAMS
    if STITCH_SCHEMA_DIR.is_dir():  # when the Stitch tap is installed, it must agree
        assert read_stitch_schemas(STITCH_SCHEMA_DIR) == fields


def stitch_cases():
    return [
        pytest.param(stream, path, entry, id=f"{stream}.{path}")
        for stream, paths in sorted(stitch_fields().items())
        for path, entry in sorted(paths.items())
    ]


@pytest.mark.parametrize(("stream", "path", "entry"), stitch_cases())
def test_superset_of_stitch(stream: str, path: str, entry: dict[str, Any]):
    state, node = our_node(stream, path)
    if state == "free":
        return
    assert state == "found", f"Stitch's {stream}.{path} is missing"
    assert node is not None
    if (stream, path) in STITCH_TYPE_EXCEPTIONS:
        return
    theirs = set(entry["type"]) - {"null"}
    ours = types_of(node) - {"null"}
    assert theirs <= ours, f"{stream}.{path}: Stitch {sorted(theirs)}, ours {sorted(ours)}"
    if entry.get("format") == "date-time":
        assert is_date_time(node), f"{stream}.{path} must stay a date-time"


def test_stitch_exceptions_are_real():
    fields = stitch_fields()
    for stream, path in STITCH_TYPE_EXCEPTIONS:
        assert path in fields[stream]
        state, node = our_node(stream, path)
        assert state == "found" and node is not None
        assert not set(fields[stream][path]["type"]) - {"null"} <= types_of(node)


# --------------------------------------------------------------------------- OpenAPI coverage

# stream -> (component schemas, path rewrites applied to OpenAPI paths, OpenAPI paths skipped).
# A rewrite maps a path prefix of the API shape to the emitted (denested) shape; a rewrite to
# ``None`` drops the path (addressable-list internals that the denesting removes).
DENEST_LIST = {
    "tags.tags[]": "tags[]",
    "tags.tags": None,
    "tags.type": None,
}
OPENAPI_STREAMS: dict[str, tuple[list[str], dict[str, str | None], set[str]]] = {
    "admins": (["admin"], {}, set()),
    "teams": (["team"], {}, set()),
    # applied_at/applied_by only exist on tags attached to an object, not on GET /tags.
    "tags": (["tag"], {}, {"applied_at", "applied_by"}),
    "segments": (["segment"], {}, set()),
    "company_segments": (["segment"], {}, set()),
    "companies": (
        ["company"],
        {
            **DENEST_LIST,
            "segments.segments[]": "segments[]",
            "segments.segments": None,
            "segments.type": None,
        },
        set(),
    ),
    "contacts": (
        ["contact"],
        {
            "tags.data[]": "tags[]",
            "tags.data": None,
            "tags.url": None,
            "tags.total_count": None,
            "tags.has_more": None,
            "tags.type": None,
            "companies.data[]": "companies[]",
            "companies.data": None,
            "companies.url": None,
            "companies.total_count": None,
            "companies.has_more": None,
            "companies.type": None,
            # the tap maps the avatar object to its image_url string
            "avatar.type": None,
            "avatar.image_url": None,
        },
        set(),
    ),
    "conversations": (
        ["conversation_list_item", "conversation"],
        {
            **DENEST_LIST,
            "contacts.contacts[]": "contacts[]",
            "contacts.contacts": None,
            "contacts.type": None,
        },
        # parts are their own stream
        {"conversation_parts"},
    ),
    "conversation_parts": (["conversation_part"], {}, set()),
    "data_attributes": (["data_attribute"], {}, set()),
    "company_attributes": (["data_attribute"], {}, set()),
    "contact_attributes": (["data_attribute"], {}, set()),
    "articles": (["article_list_item", "article"], {}, set()),
    "collections": (["collection"], {}, set()),
    "help_centers": (["help_center"], {}, set()),
    "activity_logs": (["activity_log"], {}, set()),
    "tickets": (
        ["ticket"],
        {
            "contacts.contacts[]": "contacts[]",
            "contacts.contacts": None,
            "contacts.type": None,
        },
        # parts are their own stream
        {"ticket_parts"},
    ),
    "ticket_parts": (["ticket_part"], {}, set()),
    "ticket_types": (["ticket_type"], {}, set()),
    "ticket_states": (["ticket_state_detailed"], {}, set()),
}

# Where we deliberately type a field differently from the OpenAPI description.
OPENAPI_TYPE_OVERRIDES = {
    # Stitch declares these admin ids as integers; admin ids are numeric strings.
    ("conversations", "statistics.last_closed_by_id"): {"integer"},
    ("conversations", "conversation_rating.teammate.id"): {"integer"},
    # the spec says a URI string, the server returns {type, image_url}; the tap maps strings
    ("admins", "avatar"): {"object"},
    # the spec says {type, image_url}, Stitch and the server use a URI string; the tap maps objects
    ("contacts", "avatar"): {"string"},
    # lists denested to bare arrays (Stitch's record shapes)
    **{
        (stream, field): {"array"}
        for stream, field in [
            ("companies", "segments"),
            ("companies", "tags"),
            ("contacts", "companies"),
            ("contacts", "tags"),
            ("conversations", "contacts"),
            ("conversations", "tags"),
            ("tickets", "contacts"),
        ]
    },
}


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    import yaml

    if not OPENAPI_FILE.is_file():
        msg = f"Intercom's OpenAPI description is missing: expected {OPENAPI_FILE}"
        raise FileNotFoundError(msg)
    return yaml.safe_load(OPENAPI_FILE.read_text())["components"]["schemas"]


def openapi_fields(
    components: dict[str, Any], node: dict[str, Any], path: str = "", seen: frozenset = frozenset()
):
    """Yield ``(path, json_types, is_timestamp)`` for every property of an OpenAPI schema."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return
        seen = seen | {name}
        node = {**components[name], **{k: v for k, v in node.items() if k != "$ref"}}
    for keyword in ("allOf", "anyOf", "oneOf"):
        for alt in node.get(keyword, []):
            yield from openapi_fields(components, alt, path, seen)
    if path and "type" in node:
        json_type = node["type"]
        is_timestamp = json_type == "integer" and (
            node.get("format") in ("date-time", "timestamp")
            or last_name(path).endswith("_at")
            or last_name(path) in OTHER_TIMESTAMP_FIELDS
        )
        yield path, {json_type}, is_timestamp
    elif path and node.get("properties"):
        yield path, {"object"}, False
    for name, child in (node.get("properties") or {}).items():
        yield from openapi_fields(components, child, f"{path}.{name}" if path else name, seen)
    if isinstance(node.get("items"), dict):
        yield from openapi_fields(components, node["items"], f"{path}[]", seen)


def rewrite(path: str, rewrites: dict[str, str | None]) -> str | None:
    for old in sorted(rewrites, key=len, reverse=True):
        if path == old or path.startswith((old + ".", old + "[")):
            new = rewrites[old]
            return None if new is None else new + path[len(old) :]
    return path


@pytest.mark.parametrize("stream", sorted(OPENAPI_STREAMS))
def test_openapi_fields_are_covered(openapi: dict[str, Any], stream: str):
    components, rewrites, skipped = OPENAPI_STREAMS[stream]
    problems = []
    for component in components:
        for api_path, api_types, is_timestamp in openapi_fields(openapi, openapi[component]):
            if api_path.split(".")[0].split("[")[0] in skipped:
                continue
            path = rewrite(api_path, rewrites)
            if path is None:
                continue
            state, node = our_node(stream, path)
            if state == "free":
                continue
            if state == "missing" or node is None:
                problems.append(f"missing {path} (OpenAPI {component}.{api_path})")
                continue
            ours = types_of(node) - {"null"}
            if is_timestamp:
                if not is_date_time(node):
                    problems.append(f"{path}: timestamp must be a date-time string")
                continue
            expected = OPENAPI_TYPE_OVERRIDES.get((stream, path), api_types)
            if "number" in ours:  # a number accepts integers (monthly_spend is a float)
                ours = ours | {"integer"}
            if not expected <= ours:
                problems.append(f"{path}: OpenAPI {sorted(expected)}, ours {sorted(ours)}")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- regeneration


def write_stitch_fields(directory: Path = STITCH_SCHEMA_DIR) -> None:
    fields = read_stitch_schemas(directory)
    STITCH_FIELDS_FILE.parent.mkdir(parents=True, exist_ok=True)
    streams = []
    for stream, paths in sorted(fields.items()):
        lines = [
            f"    {json.dumps(p)}: {json.dumps(paths[p], sort_keys=True)}" for p in sorted(paths)
        ]
        streams.append(f"  {json.dumps(stream)}: {{\n" + ",\n".join(lines) + "\n  }")
    STITCH_FIELDS_FILE.write_text("{\n" + ",\n".join(streams) + "\n}\n")
    print(f"wrote {STITCH_FIELDS_FILE} ({sum(map(len, fields.values()))} paths)")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--write-stitch-fields":
        write_stitch_fields(Path(sys.argv[2]) if len(sys.argv) > 2 else STITCH_SCHEMA_DIR)
    else:
        sys.exit(__doc__)
