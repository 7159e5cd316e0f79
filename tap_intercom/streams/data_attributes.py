"""Data attributes: Stitch's per-model tables (company_attributes, contact_attributes) and ours.

`GET /data_attributes?model=<model>&include_archived=true` is read once per model per run
(`run.DataAttributeCache`): discovery types each model's custom attributes from it, and these
streams write it. `DataAttributeReader.attributes_of` is the one place that requests it. From
API version 2.16 on, the conversation model's attributes come from
`GET /conversations/attributes` instead (`/data_attributes?model=conversation` answers 422).
"""

from __future__ import annotations

import time
import typing as t

from tap_intercom.api_versions import (
    CONVERSATION_ATTRIBUTES_PATH,
    conversation_attributes_endpoint,
)
from tap_intercom.client import IntercomStream
from tap_intercom.errors import IntercomForbiddenError
from tap_intercom.full_table import FullTableStream
from tap_intercom.records import stitch_record_hash, unwrap_list

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from singer_sdk.helpers.types import Context

#: The models whose data attributes the `data_attributes` table holds.
MODELS = ("contact", "company", "conversation")


class DataAttributeReader(IntercomStream):
    """A stream that reads `/data_attributes` through the run's cache."""

    path = "/data_attributes"

    def attributes_of(self, model: str) -> list[dict]:
        """The data attributes of `model`, archived included (one request per run)."""
        return self.run.data_attributes.get(model, self._fetch_model)

    def _fetch_model(self, model: str) -> list[dict]:
        if model == "conversation" and conversation_attributes_endpoint(self.run.settings.version):
            body = self.fetch_json(
                CONVERSATION_ATTRIBUTES_PATH, params={"include_archived": "true"}
            )
        else:
            body = self.fetch_json(self.path, params={"model": model, "include_archived": "true"})
        items = unwrap_list(body, "data") if isinstance(body, dict) else None
        return [item for item in items or [] if isinstance(item, dict)]


class DataAttributesStream(FullTableStream, DataAttributeReader):
    """Every data attribute of every model (contact, company, conversation), full table.

    Keyed by `model` + `name` (names repeat across models; standard attributes have no `id`);
    a record without `model` gets the model it was requested for.
    """

    name = "data_attributes"
    primary_keys: t.ClassVar[list[str]] = ["model", "name"]

    def table_records(self, context: Context | None) -> Iterable[dict]:
        for model in MODELS:
            try:
                attributes = self.attributes_of(model)
            except IntercomForbiddenError as exc:
                self.skip_forbidden(exc)
                return
            for record in attributes:
                yield {**record, "model": record.get("model") or model}


class ModelAttributesStream(DataAttributeReader):
    """One model's data attributes, as a full-table replace (Stitch's tables).

    Keyed by Stitch's `_sdc_record_hash` (standard attributes have no `id`), and wrapped in
    ACTIVATE_VERSION messages (version = epoch milliseconds, as Stitch's tap) so a loader
    replaces the table and attributes deleted in Intercom disappear.
    """

    primary_keys: t.ClassVar[list[str]] = ["_sdc_record_hash"]
    model: t.ClassVar[str]

    def get_records(self, context: Context | None) -> Iterable[dict]:
        try:
            attributes = self.attributes_of(self.model)
        except IntercomForbiddenError as exc:
            self.skip_forbidden(exc)
            return
        version = int(time.time() * 1000)
        if self.selected:
            self.write_activate_version(version)
        yield from attributes
        # The last record has been written when the generator resumes here.
        if self.selected:
            self.write_activate_version(version)

    def transform_record(self, record: dict, context: Context | None) -> dict | None:
        return {**record, "_sdc_record_hash": stitch_record_hash(record)}


class CompanyAttributesStream(ModelAttributesStream):
    """Stitch's `company_attributes`: the company model's data attributes."""

    name, model = "company_attributes", "company"


class ContactAttributesStream(ModelAttributesStream):
    """Stitch's `contact_attributes`: the contact model's data attributes."""

    name, model = "contact_attributes", "contact"
