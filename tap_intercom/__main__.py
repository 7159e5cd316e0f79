"""Allow `python -m tap_intercom` (the same entry point as the `tap-intercom` script)."""

from tap_intercom.cli import cli

cli()
