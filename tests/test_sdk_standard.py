"""The Singer SDK's standard tap tests (`singer_sdk.testing.get_tap_test_class`), against the fake.

Tap tests (--version/--about, discovery, one record per stream, final state), per-stream tests
(a record, a valid schema, records matching it, primary keys present) and per-property type
tests, all on one dry-run sync of at most 150 records per stream. Every stream of the fake has
records, so no stream is exempted from `returns_record` (`ignore_no_records_for_streams`).
The fake is started before collection: see `tests/sdk_suite.py`.
"""

from __future__ import annotations

import pytest
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from tap_intercom.streams import STREAM_TYPES
from tap_intercom.tap import TapIntercom
from tests import oracle
from tests.sdk_suite import SDK_SUITE_FAKE
from tests.singer_run import base_config

pytestmark = pytest.mark.filterwarnings(
    # `transformed_catalog_schema_matches_record` reports, as a UserWarning and never as a
    # failure, schema properties that no record of its 150-record sample carries: optional
    # fields the fake does not send (in 9 streams, e.g. admins' `admin_ids`, contacts' SMS
    # fields, company_segments' `count`, tickets' `ticket_parts`). A schema declaring more
    # than a sample holds is intended; its coverage of the API is tests/test_schemas.py's job.
    "ignore:Fields in transformed catalog but not in records:UserWarning",
)

StandardTapTests = get_tap_test_class(
    TapIntercom,
    config=base_config(SDK_SUITE_FAKE.base_url),
    parse_env_config=False,  # a developer's .env or TAP_INTERCOM_* must not leak in
    suite_config=SuiteConfig(max_records_limit=150),
)


class TestTapIntercomStandard(StandardTapTests):
    """The SDK's suite, plus the primary-key uniqueness its `primary_keys` test cannot see (it
    compares the size of a set of generators, which are all distinct)."""

    @pytest.mark.parametrize("stream_name", [stream_type.name for stream_type in STREAM_TYPES])
    def test_primary_keys_are_unique(self, runner, stream_name):
        records = runner.records[stream_name]
        assert records, stream_name
        primary_keys = runner.new_tap().streams[stream_name].primary_keys
        duplicates = oracle.duplicate_primary_keys(records, primary_keys)
        assert not duplicates, sorted(duplicates)[:5]
