"""Run Stitch's installed `tap-intercom` (2.2.5) against another base URL, e.g. the fake.

Its client sets `base_url` inside `__init__`, so we wrap `__init__` and override the attribute
after it runs. Execute with the Stitch tap's own venv python::

    INTERCOM_BASE_URL=http://127.0.0.1:8765 .venvs/stitch-tap/bin/python \\
        scripts/run_stitch_tap.py --config c.json --catalog cat.json
"""

from __future__ import annotations

import os
import sys

import tap_intercom.client as stitch_client

_original_init = stitch_client.IntercomClient.__init__


def _init_with_base_url(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    self.base_url = os.environ.get("INTERCOM_BASE_URL", "http://127.0.0.1:8765").rstrip("/")


stitch_client.IntercomClient.__init__ = _init_with_base_url

if __name__ == "__main__":
    import tap_intercom

    sys.exit(tap_intercom.main())
