"""Compatibility with Stitch's singer-io `tap-intercom`: what a user switching from it keeps.

- `state`: reading Stitch's (and legacy) state shapes, and writing a state both taps resume from;
- `catalog`: Stitch-shaped catalog metadata, and upgrading a catalog Stitch's tap discovered.

Everything here is a pure function of its input, unit-tested in `tests/unit/`.
"""

from __future__ import annotations

from tap_intercom.stitch.catalog import stitch_metadata, upgrade_input_catalog
from tap_intercom.stitch.state import (
    drop_stitch_company_segments_bookmark,
    load_external_state,
    to_external_state,
)

__all__ = [
    "drop_stitch_company_segments_bookmark",
    "load_external_state",
    "stitch_metadata",
    "to_external_state",
    "upgrade_input_catalog",
]
