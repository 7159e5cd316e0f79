"""Allow `python -m tap_intercom`."""

from tap_intercom.tap import TapIntercom

TapIntercom.cli()
