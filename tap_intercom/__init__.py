"""tap-intercom: a Singer tap for the Intercom REST API."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tap-intercom")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"
