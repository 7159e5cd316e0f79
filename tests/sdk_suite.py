"""The fake Intercom API that the SDK's standard tests (`tests/test_sdk_standard.py`) run against.

`get_tap_test_class` instantiates the tap when that module is imported, and discovery requests
`/data_attributes`: the server must be up before collection, so `tests/conftest.py` starts it
in `pytest_configure`. Its own server, so the suite's syncs leave the other tests' fakes alone.
"""

from __future__ import annotations

from fake_intercom import FakeIntercom

SDK_SUITE_FAKE = FakeIntercom(scale="small", seed=1)


def start() -> None:
    SDK_SUITE_FAKE.start()
    # The suite's connection test reads one record per stream and abandons the companies
    # scroll; let it lapse at once rather than after Intercom's 60 s.
    SDK_SUITE_FAKE.control(scroll_idle_seconds=0.5)


def stop() -> None:
    SDK_SUITE_FAKE.stop()
