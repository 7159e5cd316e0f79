"""A catalog from Stitch's tap 2.2.5 keeps `conversation_parts.assigned_to` (as JSON text).

Stitch's schema declares the field a string; Intercom sends an object. The conformer writes
it as compact JSON text instead of null, in a sync with Stitch's own discovered catalog and on
every real assignment part of the shared corpus.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tap_intercom.conformer import compile_conformer
from tests import aux_venvs
from tests.singer_run import base_config, discover, run_tap, select_streams

ROOT = Path(__file__).resolve().parents[2]
#: Response bodies recorded from real workspaces, beside the checkout (not in the repository).
REAL_RESPONSES = ROOT.parent / "shared" / "reference" / "real-responses"
STITCH_FIELDS = ROOT / "tests" / "data" / "stitch_schema_fields.json"


@pytest.fixture(scope="module")
def stitch_catalog(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Stitch's tap 2.2.5 `--discover` output, every stream selected."""
    return aux_venvs.stitch_discovered_catalog(tmp_path_factory.mktemp("stitch"))


def _stitch_stream(catalog: dict, name: str) -> dict:
    (entry,) = [e for e in catalog["streams"] if e["tap_stream_id"] == name]
    return entry


def _select(catalog: dict, names: set[str]) -> dict:
    catalog = json.loads(json.dumps(catalog))
    for entry in catalog["streams"]:
        entry["metadata"][0]["metadata"]["selected"] = entry["tap_stream_id"] in names
    return catalog


def test_stitchs_catalog_declares_assigned_to_a_string(stitch_catalog: dict) -> None:
    schema = _stitch_stream(stitch_catalog, "conversation_parts")["schema"]
    assert schema["properties"]["assigned_to"]["type"] == ["null", "string"]


def test_a_sync_with_stitchs_catalog_keeps_assigned_to_as_json_text(
    make_fake, stitch_catalog: dict
) -> None:
    fake = make_fake(conversations=40)
    config = base_config(fake.base_url)
    streams = {"conversations", "conversation_parts"}
    stitch_run = run_tap(config, catalog=_select(stitch_catalog, streams))
    assert stitch_run.returncode == 0, stitch_run.stderr[-3000:]
    assert "assigned_to" not in stitch_run.stderr  # no "emitted as null" warning
    own_run = run_tap(config, catalog=select_streams(discover(config), streams))
    assert own_run.returncode == 0, own_run.stderr[-3000:]
    own = {r["id"]: r for r in own_run.records("conversation_parts")}
    assignments = [r for r in stitch_run.records("conversation_parts") if r["assigned_to"]]
    assert len(assignments) >= 5
    for record in assignments:
        assigned = own[record["id"]]["assigned_to"]
        assert isinstance(assigned, dict)
        assert record["assigned_to"] == json.dumps(assigned, separators=(",", ":"))
        assert record["part_type"] in {"assignment", "assign_and_reopen"}
    unassigned = [r for r in stitch_run.records("conversation_parts") if not r["assigned_to"]]
    assert all(own[r["id"]]["assigned_to"] is None for r in unassigned)


def _real_assignment_parts() -> list[dict]:
    parts: list[dict] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if value.get("type") == "conversation_part" and isinstance(
                value.get("assigned_to"), dict
            ):
                parts.append(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in sorted(REAL_RESPONSES.glob("*.json")):
        wrapped = json.loads(path.read_text(encoding="utf-8"))
        if wrapped.get("capture") == "real-workspace":
            walk(wrapped["body"])
    return parts


def test_every_real_assignment_part_keeps_assigned_to_under_stitchs_schema(
    stitch_catalog: dict,
) -> None:
    assert REAL_RESPONSES.is_dir(), f"the shared corpus is missing: {REAL_RESPONSES}"
    parts = _real_assignment_parts()
    assert len(parts) == 36
    schema = _stitch_stream(stitch_catalog, "conversation_parts")["schema"]
    issues: list[tuple[str, str]] = []
    conform = compile_conformer(schema, on_issue=lambda *issue: issues.append(issue))
    for part in parts:
        out = conform(part)
        assert out["assigned_to"] == json.dumps(part["assigned_to"], separators=(",", ":"))
    assert [issue for issue in issues if issue[0] != "dropped"] == []


def _json_types(spec: dict) -> set[str]:
    declared = spec.get("type") or []
    return {declared} if isinstance(declared, str) else set(declared)


def test_assigned_to_is_the_only_stitch_field_declared_string_for_a_container() -> None:
    """Every field of Stitch's schemas against ours (what Intercom sends): the one field that
    is a string there and an object or array here is `conversation_parts.assigned_to`."""
    stitch_fields = json.loads(STITCH_FIELDS.read_text(encoding="utf-8"))
    ours: dict[tuple[str, str], set[str]] = {}

    def walk(stream: str, schema: object, path: str) -> None:
        if not isinstance(schema, dict):
            return
        ours.setdefault((stream, path), set()).update(_json_types(schema))
        for branch in [*schema.get("anyOf", []), *schema.get("oneOf", [])]:
            walk(stream, branch, path)
        for key, sub in (schema.get("properties") or {}).items():
            walk(stream, sub, f"{path}.{key}" if path else key)
        if isinstance(schema.get("items"), dict):
            walk(stream, schema["items"], f"{path}[]")

    for stream in stitch_fields:
        walk(stream, json.loads((ROOT / "schemas" / f"{stream}.json").read_text()), "")
    mismatched = {
        (stream, path)
        for stream, fields in stitch_fields.items()
        for path, spec in fields.items()
        if "string" in _json_types(spec)
        and not _json_types(spec) & {"object", "array"}
        and ours.get((stream, path), set()) & {"object", "array"}
    }
    assert mismatched == {("conversation_parts", "assigned_to")}
