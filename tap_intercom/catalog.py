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
