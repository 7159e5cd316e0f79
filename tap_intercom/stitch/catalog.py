"""Catalog metadata in the shape Stitch's tap writes (singer-python's standard metadata).

Differences from the SDK's default, each required by Stitch's tooling: the root entry comes
first and always has `forced-replication-method` and `valid-replication-keys` (`[]` for
full-table streams); only top-level properties get breadcrumbs (nested ones fail Stitch's
"no duplicate breadcrumb" check); no `selected` and no `replication-key` are written. The root
keeps `selected-by-default: true`, so a run without a catalog syncs every stream.
"""

from __future__ import annotations

import typing as t

from singer_sdk.singerlib import Metadata, MetadataMapping, StreamMetadata

AUTOMATIC = Metadata.InclusionType.AUTOMATIC
AVAILABLE = Metadata.InclusionType.AVAILABLE


def stitch_metadata(
    *,
    schema: dict[str, t.Any],
    key_properties: t.Sequence[str],
    replication_key: str | None,
    replication_method: str,
) -> MetadataMapping:
    """Root metadata first, then one `inclusion` entry per top-level property."""
    mapping = MetadataMapping()
    mapping[()] = StreamMetadata(
        inclusion=AVAILABLE,
        selected_by_default=True,
        table_key_properties=list(key_properties),
        forced_replication_method=replication_method,
        valid_replication_keys=[replication_key] if replication_key else [],
    )
    automatic = {*key_properties, *([replication_key] if replication_key else [])}
    for name in schema.get("properties", {}):
        mapping[("properties", name)] = Metadata(
            inclusion=AUTOMATIC if name in automatic else AVAILABLE
        )
    return mapping


#: company_segments changed meaning (membership rows): its key and the column it needs.
MEMBERSHIP_KEY = ["company_id", "id"]


def upgrade_input_catalog(catalog: dict[str, t.Any]) -> dict[str, t.Any]:
    """Adapt an input catalog (e.g. one discovered by Stitch's tap) to this tap's tables.

    Only `company_segments` needs it: Stitch keyed its list of segments by `id`; our rows are
    company-segment memberships keyed by `company_id` + `id`, so the key and the `company_id`
    column are set whatever the catalog says. Returns a new dict; the input is not modified.
    """
    streams = catalog.get("streams") if isinstance(catalog, dict) else None
    if not isinstance(streams, list):
        return catalog
    upgraded = []
    for entry in streams:
        if not isinstance(entry, dict) or entry.get("tap_stream_id") != "company_segments":
            upgraded.append(entry)
            continue
        membership = {**entry, "key_properties": list(MEMBERSHIP_KEY)}
        schema = dict(membership.get("schema") or {})
        properties = dict(schema.get("properties") or {})
        properties.setdefault("company_id", {"type": ["null", "string"]})
        membership["schema"] = {**schema, "properties": properties}
        metadata = [dict(item) for item in membership.get("metadata") or []]
        for item in metadata:
            if item.get("breadcrumb") == []:
                item["metadata"] = {
                    **item.get("metadata", {}),
                    "table-key-properties": list(MEMBERSHIP_KEY),
                }
        if not any(item.get("breadcrumb") == ["properties", "company_id"] for item in metadata):
            metadata.append(
                {"breadcrumb": ["properties", "company_id"], "metadata": {"inclusion": "automatic"}}
            )
        membership["metadata"] = metadata
        upgraded.append(membership)
    return {**catalog, "streams": upgraded}
