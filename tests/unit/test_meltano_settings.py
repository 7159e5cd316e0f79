"""`meltano.yml` declares the tap's settings exactly as `tap-intercom --about` describes them:
same names, kinds, defaults and descriptions (Meltano shows these to its users)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import yaml

from tap_intercom.config_schema import TAP_SETTING_NAMES
from tests.singer_run import TAP_EXECUTABLE

ROOT = Path(__file__).resolve().parents[2]
MELTANO_YML = ROOT / "meltano.yml"

# The kind mapping is the generator's own (scripts/sync_settings.py), tested here on its own;
# the settings themselves are compared with what `--about` says, not with the generator's output.
_spec = importlib.util.spec_from_file_location(
    "sync_settings", ROOT / "scripts" / "sync_settings.py"
)
assert _spec is not None
assert _spec.loader is not None
_sync_settings = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sync_settings)
meltano_kind = _sync_settings.meltano_kind


def _about_settings() -> dict[str, dict]:
    about = subprocess.run(
        [TAP_EXECUTABLE, "--about", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    properties: dict[str, dict] = json.loads(about)["settings"]["properties"]
    return properties


def _meltano_settings() -> dict[str, dict]:
    project = yaml.safe_load(MELTANO_YML.read_text(encoding="utf-8"))
    (tap,) = [p for p in project["plugins"]["extractors"] if p["name"] == "tap-intercom"]
    return {setting["name"]: setting for setting in tap["settings"]}


def test_meltano_kind_maps_json_types() -> None:
    assert meltano_kind({"type": ["number", "string", "null"]}) == "decimal"
    assert meltano_kind({"type": ["integer", "null"]}) == "integer"
    assert meltano_kind({"type": ["string"], "format": "date-time"}) == "date_iso8601"
    assert meltano_kind({"type": "string", "enum": ["us"]}) == "options"


def test_every_tap_setting_is_declared_in_meltano_yml_as_about_describes_it() -> None:
    about = _about_settings()
    meltano = _meltano_settings()
    for name in TAP_SETTING_NAMES:
        prop, setting = about[name], meltano.get(name)
        # To fix a failure here: `.venv/bin/python scripts/sync_settings.py`.
        assert setting is not None, f"meltano.yml lacks setting {name!r}"
        assert setting["kind"] == meltano_kind(prop), name
        assert setting.get("value") == prop.get("default"), name
        assert " ".join(setting["description"].split()) == prop["description"], name
        assert setting["label"] == prop["title"], name
        assert setting.get("sensitive", False) == prop.get("secret", False), name
        if "enum" in prop:
            assert [option["value"] for option in setting["options"]] == prop["enum"], name


def test_meltano_yml_declares_no_setting_the_tap_does_not_have() -> None:
    about = _about_settings()
    unknown = set(_meltano_settings()) - set(about)
    assert unknown == set()
