"""The Fivetran-layout stream maps (`docs/fivetran/stream_maps.json`, Meltano environment
`fivetran`): the two copies agree, and every expression, run by singer-sdk's own mapper on the
tap's schemas, gives the value and type Fivetran's columns have, for full Intercom-shaped records,
records whose nested objects are null or missing, and tombstones (`id`, `_sdc_deleted_at`)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import yaml
from singer_sdk.mapper import PluginMapper

ROOT = Path(__file__).resolve().parents[2]
MAPS: dict[str, dict] = json.loads(
    (ROOT / "docs" / "fivetran" / "stream_maps.json").read_text(encoding="utf-8")
)["stream_maps"]
#: Bridge streams' columns as the bridge streams' contract names them.
BRIDGE_SCHEMAS = {"team_admins": {"team_id": "string", "admin_id": "string"}}
TOMBSTONE = {"id": "42", "_sdc_deleted_at": "2026-01-02T03:04:05.000000Z"}


def _environment() -> dict:
    project = yaml.safe_load((ROOT / "meltano.yml").read_text(encoding="utf-8"))
    (env,) = [e for e in project["environments"] if e["name"] == "fivetran"]
    return env["config"]["plugins"]


def _schema(stream: str) -> dict:
    if stream in BRIDGE_SCHEMAS:
        return {
            "type": "object",
            "properties": {c: {"type": [t, "null"]} for c, t in BRIDGE_SCHEMAS[stream].items()},
        }
    schema: dict = json.loads((ROOT / "schemas" / f"{stream}.json").read_text(encoding="utf-8"))
    return schema


def _map(stream: str):
    mapper = PluginMapper(plugin_config={"stream_maps": MAPS}, logger=logging.getLogger("t"))
    mapper.register_raw_stream_schema(
        stream, _schema(stream), ["id"] if stream != "team_admins" else []
    )
    (stream_map,) = mapper.stream_maps[stream]
    return stream_map


def _types(stream: str, columns: list[str]) -> dict[str, str]:
    props = _map(stream).transformed_schema["properties"]
    out = {}
    for column in columns:
        kinds = props[column]["type"]
        (kind,) = [k for k in (kinds if isinstance(kinds, list) else [kinds]) if k != "null"]
        out[column] = kind
    return out


def test_meltano_environment_carries_the_documented_maps_and_table_versions() -> None:
    plugins = _environment()
    (tap,) = plugins["extractors"]
    assert tap["config"]["stream_maps"] == MAPS
    (target,) = plugins["loaders"]
    assert target["name"] == "target-postgres"
    assert target["config"]["activate_version"] is True
    assert target["config"]["hard_delete"] is True
    assert target["config"]["add_record_metadata"] is True


def test_every_stream_is_renamed_to_fivetrans_table() -> None:
    aliases = {stream: m["__alias__"] for stream, m in MAPS.items()}
    assert aliases == {
        "admins": "admin",
        "teams": "team",
        "tags": "tag",
        "team_admins": "team_admin",
        "companies": "company_history",
        "contacts": "contact_history",
        "conversations": "conversation_history",
        "conversation_parts": "conversation_part_history",
        "articles": "article_history",
        "collections": "collection_history",
        "help_centers": "help_center_history",
        "company_tags": "company_tag_history",
        "contact_tags": "contact_tag_history",
        "contact_companies": "contact_company_history",
        "conversation_tags": "conversation_tag_history",
        "conversation_contacts": "conversation_contact_history",
    }


CONVERSATION = {
    "id": "1000000007",
    "updated_at": "2026-01-02T03:04:05.000000Z",
    "admin_assignee_id": 991267402,
    "team_assignee_id": 7,
    "conversation_rating": {"rating": 4, "remark": "Quick", "created_at": "2026-01-01T00:00:00Z"},
    "first_contact_reply": {"created_at": "2026-01-01T00:00:01.000000Z", "type": "conversation"},
    "sla_applied": {"type": "conversation_sla_summary", "sla_name": "VIP", "sla_status": "hit"},
    "source": {
        "type": "email",
        "delivered_as": "customer_initiated",
        "subject": "Help",
        "body": "<p>hi</p>",
        "author": {"type": "lead", "id": "6500aa"},
    },
}


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            CONVERSATION,
            {
                "assignee_id": "991267402",
                "assignee_type": "admin",
                "conversation_rating_value": 4,
                "conversation_rating_remark": "Quick",
                "first_contact_reply_created_at": "2026-01-01T00:00:01.000000Z",
                "first_contact_reply_type": "conversation",
                "source_author_id": "6500aa",
                "source_author_type": "lead",
                "source_delivered_as": "customer_initiated",
                "source_type": "email",
                "source_subject": "Help",
                "source_body": "<p>hi</p>",
                "sla_name": "VIP",
                "sla_status": "hit",
                "_fivetran_active": True,
            },
        ),
        (  # older API versions: `assignee` object, no admin_assignee_id; nested objects null
            {
                "id": "1",
                "assignee": {"type": "team", "id": "7"},
                "conversation_rating": None,
                "first_contact_reply": None,
                "sla_applied": None,
                "source": {"type": "chat", "author": None},
            },
            {
                "assignee_id": "7",
                "assignee_type": "team",
                "conversation_rating_value": None,
                "conversation_rating_remark": None,
                "first_contact_reply_created_at": None,
                "source_author_id": None,
                "source_type": "chat",
                "sla_name": None,
                "_fivetran_active": True,
            },
        ),
        (  # a rating without a remark; source missing entirely
            {"id": "2", "conversation_rating": {"rating": 1}, "admin_assignee_id": None},
            {
                "assignee_id": None,
                "assignee_type": None,
                "conversation_rating_value": 1,
                "conversation_rating_remark": None,
                "source_author_id": None,
                "source_body": None,
            },
        ),
        (TOMBSTONE, {"_fivetran_active": False, "source_author_id": None, "assignee_id": None}),
    ],
)
def test_conversation_columns(record: dict, expected: dict) -> None:
    out = _map("conversations").transform(record)
    assert out is not None
    assert {k: out[k] for k in expected} == expected


def test_conversation_column_types() -> None:
    assert _types(
        "conversations",
        ["conversation_rating_value", "assignee_id", "source_author_id", "_fivetran_active"],
    ) == {
        "conversation_rating_value": "integer",
        "assignee_id": "string",
        "source_author_id": "string",
        "_fivetran_active": "boolean",
    }


@pytest.mark.parametrize(
    ("assigned_to", "expected"),
    [
        ({"type": "admin", "id": "991267400"}, ("991267400", "admin")),
        ({"type": "team", "id": "7"}, ("7", "team")),
        ({"type": "nobody_admin", "id": None}, (None, "nobody_admin")),  # an unassignment
        (None, (None, None)),  # the part did not change the assignment
    ],
)
def test_part_assignment_and_author(assigned_to: dict | None, expected: tuple) -> None:
    part = {"id": "5", "part_type": "assignment", "assigned_to": assigned_to}
    part["author"] = {"type": "bot", "id": "88"}
    out = _map("conversation_parts").transform(part)
    assert out is not None
    assert (out["assigned_to_id"], out["assigned_to_type"]) == expected
    assert (out["author_id"], out["author_type"]) == ("88", "bot")
    no_author = _map("conversation_parts").transform({"id": "6"})
    assert no_author is not None
    assert no_author["author_id"] is None
    assert no_author["assigned_to_type"] is None


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"id": "c1", "owner_id": 991267401}, {"admin_id": "991267401", "_fivetran_active": True}),
        ({"id": "c2", "owner_id": None}, {"admin_id": None, "_fivetran_active": True}),
        (TOMBSTONE, {"admin_id": None, "_fivetran_active": False}),
    ],
)
def test_contact_owner_is_admin_id(record: dict, expected: dict) -> None:
    out = _map("contacts").transform(record)
    assert out is not None
    assert {k: out[k] for k in expected} == expected
    assert _types("contacts", ["admin_id"]) == {"admin_id": "string"}


def test_company_plan_columns() -> None:
    company = _map("companies")
    full = company.transform({"id": "1", "plan": {"type": "plan", "id": "269316", "name": "Pro"}})
    assert full is not None
    assert (full["plan_id"], full["plan_name"]) == ("269316", "Pro")
    for record in ({"id": "2", "plan": None}, {"id": "3", "plan": {}}, {"id": "4"}):
        out = company.transform(record)
        assert out is not None
        assert (out["plan_id"], out["plan_name"]) == (None, None)


def test_article_statistics_and_parent() -> None:
    article = _map("articles")
    stats = {
        "type": "article_statistics",
        "views": 10,
        "conversations": 2,
        "reactions": 5,
        "happy_reaction_percentage": 60.0,
        "neutral_reaction_percentage": 20,
        "sad_reaction_percentage": 20.5,
    }
    out = article.transform(
        {"id": "1", "parent_id": 170, "parent_type": "collection", "statistics": stats}
    )
    assert out is not None
    assert {k: out[k] for k in out if k.startswith("statistics_")} == {
        "statistics_type": "article_statistics",
        "statistics_views": 10,
        "statistics_conversations": 2,
        "statistics_reactions": 5,
        "statistics_happy_reaction_percentage": 60.0,
        "statistics_neutral_reaction_percentage": 20.0,
        "statistics_sad_reaction_percentage": 20.5,
    }
    assert (out["collection_id"], out["section_id"]) == ("170", None)
    section = article.transform({"id": "2", "parent_id": 9, "parent_type": "section"})
    assert section is not None
    assert (section["collection_id"], section["section_id"]) == (None, "9")
    bare = article.transform({"id": "3", "parent_id": None, "statistics": None})
    assert bare is not None
    assert bare["statistics_views"] is None
    assert bare["collection_id"] is None
    assert _types(
        "articles",
        ["statistics_views", "statistics_sad_reaction_percentage", "collection_id"],
    ) == {
        "statistics_views": "integer",
        "statistics_sad_reaction_percentage": "number",
        "collection_id": "string",
    }


@pytest.mark.parametrize("stream", ["admins", "teams", "tags", "team_admins"])
def test_deleted_flag_of_full_table_streams(stream: str) -> None:
    out = _map(stream).transform({"id": "1", "team_id": "1", "admin_id": "2", "name": "x"})
    assert out is not None
    assert out["_fivetran_deleted"] is False
    assert _types(stream, ["_fivetran_deleted"]) == {"_fivetran_deleted": "boolean"}


@pytest.mark.parametrize("stream", ["companies", "collections", "help_centers"])
def test_history_tables_are_active_unless_tombstoned(stream: str) -> None:
    mapped = _map(stream)
    live = mapped.transform({"id": "1"})
    gone = mapped.transform(dict(TOMBSTONE))
    assert live is not None
    assert gone is not None
    assert (live["_fivetran_active"], gone["_fivetran_active"]) == (True, False)
