"""The attributes of a ``Dataset`` that its per-resource mixins read."""

from __future__ import annotations

import threading
from array import array
from typing import Any

from fake_intercom.data.bulk import Bulk


class DatasetState:
    """Set in ``Dataset.__init__``; declared here so each mixin says what it builds on."""

    seed: int
    lock: threading.RLock
    data_version: int
    contacts: Bulk
    companies: Bulk
    conversations: Bulk
    tickets: Bulk
    bulks: dict[str, Bulk]
    admins: list[dict[str, Any]]
    teams: list[dict[str, Any]]
    tags: list[dict[str, Any]]
    contact_segments: list[dict[str, Any]]
    company_segments: list[dict[str, Any]]
    data_attributes: dict[str, list[dict[str, Any]]]
    help_centers: list[dict[str, Any]]
    collections: list[dict[str, Any]]
    articles: list[dict[str, Any]]
    activity_logs: list[dict[str, Any]]
    n_parts: array
    extra_parts: dict[int, list[int]]
    deleted_conversations: set[str]
    searchable_at: dict[str, dict[int, float]]
    removed: dict[str, dict[int, int]]
    _orig_updated: dict[int, int]
