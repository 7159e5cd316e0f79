"""Regenerate what mirrors the tap's settings: README's settings table and meltano.yml's settings.

Both are checked by tests (`tests/test_readme.py`, `tests/unit/test_meltano_settings.py`); run this
after changing `tap_intercom/config_schema.py`:

    .venv/bin/python scripts/sync_settings.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tap_intercom.config_schema import TAP_SETTING_NAMES

ROOT = Path(__file__).resolve().parent.parent
TAP = ROOT / ".venv" / "bin" / "tap-intercom"
REGION_LABELS = {"us": "United States", "eu": "Europe", "au": "Australia"}


def about(fmt: str) -> str:
    return subprocess.run(
        [str(TAP), "--about", "--format", fmt], capture_output=True, text=True, check=True
    ).stdout


def meltano_kind(prop: dict) -> str:
    types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
    types = [name for name in types if name != "null"]
    if "enum" in prop:
        return "options"
    if prop.get("format") == "date-time":
        return "date_iso8601"
    if "number" in types:
        return "decimal"
    if types == ["integer"]:
        return "integer"
    if types == ["boolean"]:
        return "boolean"
    return "string"


def meltano_settings(names: list[str], props: dict[str, dict]) -> str:
    lines: list[str] = []
    for name in names:
        prop = props[name]
        lines += [f"        - name: {name}", f"          label: {prop['title']}"]
        lines.append("          description: >-")
        lines += [
            "            " + line
            for line in textwrap.wrap(prop["description"], 86, break_on_hyphens=False)
        ]
        lines.append(f"          kind: {meltano_kind(prop)}")
        if prop.get("secret"):
            lines.append("          sensitive: true")
        if "default" in prop:
            default = prop["default"]
            lines.append(
                f"          value: {json.dumps(default) if isinstance(default, str) else default}"
            )
        if "enum" in prop:
            lines.append("          options:")
            lines += [
                f"            - {{label: {REGION_LABELS.get(v, v)}, value: {v}}}"
                for v in prop["enum"]
            ]
    return "\n".join(lines) + "\n"


def main() -> int:
    props = json.loads(about("json"))["settings"]["properties"]
    meltano = (ROOT / "meltano.yml").read_text(encoding="utf-8")
    start = meltano.index("      settings:\n        - name: access_token") + len(
        "      settings:\n"
    )
    end = meltano.index("        - name: stream_maps")
    meltano = meltano[:start] + meltano_settings(list(TAP_SETTING_NAMES), props) + meltano[end:]
    (ROOT / "meltano.yml").write_text(meltano, encoding="utf-8")

    markdown = about("markdown")
    table_start = markdown.index("| Setting |")
    table_end = markdown.find("\n\n", table_start)
    table = markdown[table_start : table_end if table_end != -1 else None].strip()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block_start = readme.index("<!-- settings:start -->")
    block_end = readme.index("<!-- settings:end -->")
    block = readme[block_start:block_end]
    old_start = block.index("| Setting |")
    old_end = block.find("\n\n", old_start)
    block = block[:old_start] + table + (block[old_end:] if old_end != -1 else "\n")
    readme = readme[:block_start] + block + readme[block_end:]
    (ROOT / "README.md").write_text(readme, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
