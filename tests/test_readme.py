"""The README's promises that a test can keep: its first commands and the settings table."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.singer_run import TAP_EXECUTABLE

README = (Path(__file__).parent.parent / "README.md").read_text()


def _settings_table(markdown: str) -> str:
    start = markdown.index("| Setting |")
    end = markdown.find("\n\n", start)
    return markdown[start : end if end != -1 else None].strip()


def test_settings_table_matches_about_markdown():
    about = subprocess.run(
        [TAP_EXECUTABLE, "--about", "--format", "markdown"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    block = README[README.index("<!-- settings:start -->") : README.index("<!-- settings:end -->")]
    assert _settings_table(block) == _settings_table(about), (
        "README settings table is stale: run `.venv/bin/python scripts/sync_settings.py`"
    )


def test_readme_starts_with_the_two_commands():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["python3 scripts/demo.py", "bash .ci/run"]
    assert (Path(__file__).parent.parent / "scripts" / "demo.py").exists()
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text()
    assert "pytest" in ci


def test_every_stream_has_a_row_in_the_streams_table():
    from tap_intercom.streams import STREAM_TYPES

    section = README[README.index("## Streams") : README.index("How incremental reads")]
    rows = {line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| ")}
    assert {stream.name for stream in STREAM_TYPES} <= rows
