"""Discovery's schemas per API version: the shipped files (2.14) plus each version's changes.

The files in `schemas/` describe version 2.14, the default. What the other supported versions
send differently, for the objects the tap reads, is written here as small edits, collected at
development time from Intercom's OpenAPI descriptions (2.14, 2.15, 2.16) and from responses
recorded from real workspaces. Discovery applies the edits of the configured version
(`versioned_schema`); a sync with an input catalog uses that catalog's schemas as they are.

A type that changed between versions is widened rather than switched (e.g. a 2.16 contact's
`owner_id` is a string, a 2.14 one an integer), so a record of either version validates.
"""

from __future__ import annotations

import copy
import typing as t
from dataclasses import dataclass, field

from tap_intercom.api_versions import ApiVersion

if t.TYPE_CHECKING:
    from collections.abc import Mapping

# --------------------------------------------------------------------------- building blocks

STRING: dict = {"type": ["null", "string"]}
INTEGER: dict = {"type": ["null", "integer"]}
NUMBER: dict = {"type": ["null", "number"]}
BOOLEAN: dict = {"type": ["null", "boolean"]}
DATE_TIME: dict = {"type": ["null", "string"], "format": "date-time"}


def obj(**properties: dict) -> dict:
    """A nullable object with exactly these properties."""
    return {"type": ["null", "object"], "additionalProperties": False, "properties": properties}


def strings(*names: str) -> dict[str, dict]:
    """Nullable string properties, by name."""
    return dict.fromkeys(names, STRING)


def free_object() -> dict:
    """A nullable object whose keys are data (kept as they are, e.g. a map of translations)."""
    return {"type": ["null", "object"], "additionalProperties": True, "properties": {}}


def array(items: dict) -> dict:
    return {"type": ["null", "array"], "items": items}


#: A stream's shipped schema by name (a fresh copy).
ShippedSchemas = t.Callable[[str], dict]
#: A value computed for the version being built (e.g. another stream's record, nested).
SchemaFactory = t.Callable[[ApiVersion, ShippedSchemas], dict]


@dataclass(frozen=True)
class Edit:
    """One change to one stream's schema, at the node `path` names.

    `path` is dotted property names (`""` is the record), `[]` steps into an array's items and
    `*` stands for every object-valued property (e.g. each locale of `translated_content`).
    `types` widens the node's types (kept in order, new ones appended); `add` adds properties.
    """

    stream: str
    path: str = ""
    add: Mapping[str, dict | SchemaFactory] = field(default_factory=dict)
    types: tuple[str, ...] = ()


@dataclass(frozen=True)
class VersionChange:
    """Edits that hold for the versions from `since` to `until` (both inclusive, None: open)."""

    what: str
    edits: tuple[Edit, ...]
    since: ApiVersion | None = None
    until: ApiVersion | None = None

    def applies_to(self, version: ApiVersion) -> bool:
        return (self.since is None or self.since <= version) and (
            self.until is None or version <= self.until
        )


def _company_record(version: ApiVersion, shipped: ShippedSchemas) -> dict:
    """A conversation's `company`: a companies record of the same version (lists denested)."""
    return obj(**versioned_schema("companies", version, shipped)["properties"])


_ROLE = obj(type=STRING, id=STRING, name=STRING)
_NOTE_AUTHOR = obj(
    **strings("type", "id", "name", "email", "job_title", "avatar"),
    **dict.fromkeys(("away_mode_enabled", "away_mode_reassign", "has_inbox_seat"), BOOLEAN),
    away_status_reason_id=INTEGER,
    team_ids=array(INTEGER),
    team_priority_level=obj(primary_team_ids=array(INTEGER), secondary_team_ids=array(INTEGER)),
    role=_ROLE,
)
#: A company's notes: the addressable list real 2.16 workspaces send (`data`, `url`, ...), and
#: the `notes` array the 2.16 description documents.
_COMPANY_NOTES = obj(
    type=STRING,
    data=array(obj(type=STRING, id=STRING, url=STRING)),
    url=STRING,
    total_count=INTEGER,
    has_more=BOOLEAN,
    notes=array(
        obj(
            type=STRING,
            id=STRING,
            created_at=DATE_TIME,
            company=obj(type=STRING, id=STRING),
            author=_NOTE_AUTHOR,
            body=STRING,
        )
    ),
)
_EMAIL_ADDRESS_HEADER = obj(type=STRING, email_address=STRING, name=STRING)
_SCORECARD = obj(
    **strings("scorecard_id", "scorecard_version_id", "name", "scorecard_type"),
    passed=BOOLEAN,
    score=NUMBER,
    ai_score=NUMBER,
    evaluated_at=DATE_TIME,
    reviewed_teammate=obj(type=STRING, admin_id=STRING),
    evaluators=array(
        obj(
            evaluator_id=STRING,
            result=obj(
                value=STRING,
                source=STRING,
                reasoning=STRING,
                reason_ids=array(STRING),
                other_text=STRING,
            ),
        )
    ),
)
_ARTICLE_CONTENT_2_16: dict[str, dict] = {
    "body_markdown": STRING,
    "has_unpublished_changes": BOOLEAN,
    "draft_updated_at": DATE_TIME,
    "ai_chatbot_availability": BOOLEAN,
    "ai_copilot_availability": BOOLEAN,
    "ai_sales_agent_availability": BOOLEAN,
    "created_by_id": INTEGER,
    "updated_by_id": INTEGER,
}

V2_11, V2_15, V2_16 = ApiVersion(2, 11), ApiVersion(2, 15), ApiVersion(2, 16)

#: Every version-specific difference from the shipped (2.14) schemas, oldest first.
CHANGES: tuple[VersionChange, ...] = (
    VersionChange(
        "a ticket's state is a string (its category), with its labels beside it",
        until=V2_11,
        edits=(
            Edit("tickets", "ticket_state", types=("string",)),
            Edit(
                "tickets",
                add={"ticket_state_internal_label": STRING, "ticket_state_external_label": STRING},
            ),
        ),
    ),
    VersionChange(
        "conversations carry their company; email metadata has the message id",
        since=V2_15,
        edits=(
            Edit("conversations", add={"company": _company_record}),
            Edit("conversation_parts", "email_message_metadata", add={"message_id": STRING}),
        ),
    ),
    VersionChange(
        "2.16's new fields; owner and assignee ids change type; conversation attributes",
        since=V2_16,
        edits=(
            Edit("admins", add={"role": _ROLE}),
            Edit(
                "articles",
                add={
                    **_ARTICLE_CONTENT_2_16,
                    "exclude_from_article_suggestions": BOOLEAN,
                    "help_center_audience": STRING,
                    "scheduled_publish_at": DATE_TIME,
                    "scheduled_unpublish_at": DATE_TIME,
                },
            ),
            Edit(
                "articles",
                "translated_content.*",
                add={**_ARTICLE_CONTENT_2_16, "audience_ids": array(INTEGER)},
            ),
            Edit(
                "articles",
                "statistics",
                add={
                    "fin_involvements": INTEGER,
                    "fin_resolutions": INTEGER,
                    "fin_resolution_rate": NUMBER,
                },
            ),
            Edit("companies", add={"notes": _COMPANY_NOTES}),
            Edit("contacts", "owner_id", types=("string",)),
            Edit(
                "contacts",
                add={
                    "merge_history": array(
                        obj(
                            type=STRING,
                            source_contact_id=STRING,
                            source_contact_role=STRING,
                            merged_at=DATE_TIME,
                        )
                    )
                },
            ),
            Edit("conversation_parts", add={"translations": free_object()}),
            Edit(
                "conversations",
                add={
                    "channel": obj(initial=STRING, current=STRING),
                    "external_references": array(obj(type=STRING, id=STRING)),
                    "sales_agent_participated": BOOLEAN,
                    "sales_agent": obj(
                        outcome=STRING, routing_outcome=STRING, collected_data=free_object()
                    ),
                    "monitor_evaluations": array(
                        obj(
                            monitor_id=STRING,
                            monitor_name=STRING,
                            monitor_type=STRING,
                            result=STRING,
                            explanation=STRING,
                            evaluated_at=DATE_TIME,
                        )
                    ),
                    "scorecards": array(_SCORECARD),
                },
            ),
            Edit(
                "conversations",
                "source",
                add={
                    "recipients": array(obj(type=STRING, email=STRING, drop_reason=STRING)),
                    "reply_to": array(obj(email=STRING, name=STRING)),
                    "email_message_metadata": obj(
                        message_id=STRING,
                        subject=STRING,
                        email_address_headers=array(_EMAIL_ADDRESS_HEADER),
                        history=STRING,
                    ),
                },
            ),
            # GET /conversations/attributes: the conversation model's rows.
            Edit(
                "data_attributes",
                add={
                    "multiline": BOOLEAN,
                    "required": BOOLEAN,
                    "visible_to_team_ids": array(STRING),
                    "reference": obj(type=STRING, object_type_id=STRING),
                },
            ),
            Edit(
                "data_attributes",
                "options[]",
                types=("object",),
                add={"id": STRING, "label": STRING, "archived": BOOLEAN},
            ),
            Edit("help_centers", add={"default": BOOLEAN, "locales": array(STRING)}),
            Edit("tickets", "admin_assignee_id", types=("integer",)),
            Edit("tickets", "team_assignee_id", types=("integer",)),
            Edit("tickets", add={"previous_ticket_state_id": STRING}),
        ),
    ),
)


# --------------------------------------------------------------------------- applying edits


def _nodes(schema: dict, path: str) -> list[dict]:
    """The schema nodes `path` names (several for a `*` step)."""
    nodes = [schema]
    for step in path.replace("[]", ".[]").split(".") if path else []:
        found: list[dict] = []
        for node in nodes:
            if step == "[]":
                found.append(node["items"])
            elif step == "*":
                found += [child for child in node["properties"].values() if "properties" in child]
            else:
                found.append(node["properties"][step])
        nodes = found
    return nodes


def _apply(edit: Edit, schema: dict, version: ApiVersion, shipped: ShippedSchemas) -> None:
    for node in _nodes(schema, edit.path):
        if edit.types:
            node["type"] = [*node["type"], *(n for n in edit.types if n not in node["type"])]
        if edit.add:
            node.setdefault("additionalProperties", False)
            properties = node.setdefault("properties", {})
            for name, value in edit.add.items():
                made = value(version, shipped) if callable(value) else value
                properties[name] = copy.deepcopy(made)
            node["properties"] = dict(sorted(properties.items()))


def versioned_schema(stream: str, version: ApiVersion, shipped: ShippedSchemas) -> dict:
    """The schema of `stream` at `version`: its shipped (2.14) schema with the version's edits."""
    schema = shipped(stream)
    for change in CHANGES:
        if change.applies_to(version):
            for edit in change.edits:
                if edit.stream == stream:
                    _apply(edit, schema, version, shipped)
    return schema


def changed_streams(version: ApiVersion) -> set[str]:
    """The streams whose schema at `version` differs from the shipped one."""
    return {e.stream for c in CHANGES if c.applies_to(version) for e in c.edits}


__all__ = [
    "CHANGES",
    "Edit",
    "SchemaFactory",
    "ShippedSchemas",
    "VersionChange",
    "changed_streams",
    "versioned_schema",
]
