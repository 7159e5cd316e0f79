"""tap-intercom: a Singer tap for the Intercom REST API."""
