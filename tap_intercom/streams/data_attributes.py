"""Data attributes: Stitch's per-model tables (company_attributes, contact_attributes)."""

from __future__ import annotations

import time
import typing as t

from tap_intercom.client import IntercomStream
from tap_intercom.records import stitch_record_hash

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from singer_sdk.helpers.types import Context


class ModelAttributesStream(IntercomStream):
    """GET /data_attributes?model=<model>&include_archived=true, as a full-table replace.

    Keyed by Stitch's `_sdc_record_hash` (standard attributes have no `id`), and wrapped in
    ACTIVATE_VERSION messages (version = epoch milliseconds, as Stitch's tap) so a loader
    replaces the table and attributes deleted in Intercom disappear.
    """

    path = "/data_attributes"
    primary_keys: t.ClassVar[list[str]] = ["_sdc_record_hash"]
    replication_key = None
    records_jsonpath = "$.data[*]"
    model: t.ClassVar[str]

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        return {"model": self.model, "include_archived": "true"}

    def get_records(self, context: Context | None) -> Iterable[dict]:
        if not self.selected:
            yield from super().get_records(context)
            return
        self._stream_version = int(time.time() * 1000)
        self._write_activate_version_message(self._stream_version)
        yield from super().get_records(context)
        # The last record has been written when the generator resumes here.
        self._write_activate_version_message(self._stream_version)

    def transform_record(self, record: dict, context: Context | None) -> dict | None:
        return {**record, "_sdc_record_hash": stitch_record_hash(record)}


class CompanyAttributesStream(ModelAttributesStream):
    name = "company_attributes"
    model = "company"


class ContactAttributesStream(ModelAttributesStream):
    name = "contact_attributes"
    model = "contact"


class DataAttributesStream(IntercomStream):
    """Every data attribute of every model (contact, company, conversation), full table.

    One GET /data_attributes?model=<model>&include_archived=true per model. Keyed by
    `model` + `name` (names repeat across models; standard attributes have no `id`); a record
    without `model` gets the model it was requested for.
    """

    name = "data_attributes"
    path = "/data_attributes"
    primary_keys: t.ClassVar[list[str]] = ["model", "name"]
    replication_key = None
    records_jsonpath = "$.data[*]"
    models: t.ClassVar[tuple[str, ...]] = ("contact", "company", "conversation")

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._model: str | None = None

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        return {"model": self._model, "include_archived": "true"}

    def get_records(self, context: Context | None) -> Iterable[dict]:
        skipped = self._tap.run_stats.skipped_streams  # type: ignore[attr-defined]
        for model in self.models:
            self._model = model
            for record in super().get_records(context):
                yield {**record, "model": record.get("model") or model}
            if self.name in skipped:  # 403: skipped with a warning, no more models
                return
        self._model = None
