"""data_attributes, company_attributes, contact_attributes: `GET /data_attributes?model=<model>`.

Read once per model per run (`run.DataAttributeCache`, shared with discovery's typing of
`custom_attributes`). `data_attributes` holds every model, keyed by `model` + `name`; Stitch's
`company_attributes` / `contact_attributes` hold one model each, keyed by `_sdc_record_hash`
and wrapped in ACTIVATE_VERSION (a full-table replace).
Code: `tap_intercom/streams/data_attributes.py`; schemas: `schemas/data_attributes.json`,
`schemas/company_attributes.json`, `schemas/contact_attributes.json`.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlparse

import pytest
import requests

from tap_intercom.schemas import stream_schema
from tests import oracle
from tests.in_process import InProcessRun, rewrite_body, sync_in_process, tap_for
from tests.streams.helpers import START

STREAMS = ("data_attributes", "company_attributes", "contact_attributes")
MODEL_STREAMS = ("company_attributes", "contact_attributes")


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, set(STREAMS))


# --- request ---------------------------------------------------------------------------------


def test_one_request_per_model_for_all_three_streams(run):
    queries = run.queries_to("/data_attributes")
    assert sorted(q["model"][0] for q in queries) == ["company", "contact", "conversation"]
    assert all(q["include_archived"] == ["true"] for q in queries)


# --- transform -------------------------------------------------------------------------------


def test_model_streams_add_stitchs_record_hash(fake_intercom):
    stream = tap_for(fake_intercom).streams["company_attributes"]
    raw = {"id": 12, "name": "plan", "description": None, "model": "company"}
    record = stream.transform_record(raw, None)
    expected = hashlib.sha256(b"12planNone").hexdigest()
    assert record == {**raw, "_sdc_record_hash": expected}
    standard = stream.transform_record({"name": "name", "description": "d"}, None)
    assert standard["_sdc_record_hash"] == hashlib.sha256(b"named").hexdigest()


def test_schemas_are_the_data_attribute_schema_plus_the_hash():
    data_attribute = stream_schema("data_attributes")["properties"]
    for stream in MODEL_STREAMS:
        props = stream_schema(stream)["properties"]
        assert set(props) == set(data_attribute) | {"_sdc_record_hash"}, stream
        assert props["_sdc_record_hash"]["type"] == ["null", "string"], stream
        assert props["id"]["type"] == ["null", "integer"], stream


# --- records ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", STREAMS)
def test_records_are_exactly_the_ground_truth(run, fake_intercom, stream):
    oracle.assert_ground_truth(fake_intercom, stream, run.records(stream), START)


def test_data_attributes_are_every_model_with_all_fields(run, fake_intercom):
    """Every model, archived ones included, all fields kept."""
    attributes = {(r["model"], r["name"]): r for r in run.records("data_attributes")}
    assert {model for model, _ in attributes} == {"contact", "company", "conversation"}
    for model, raw_list in fake_intercom.dataset.data_attributes.items():
        for raw in raw_list:
            record = attributes[(model, raw["name"])]
            for field in ("custom", "archived", "data_type", "full_name", "options", "id"):
                if field in raw:
                    assert field in record, (model, raw["name"], field)
                assert record.get(field) == raw.get(field), (model, raw["name"], field)
    assert any(r["archived"] for r in attributes.values())
    assert any(r.get("options") for r in attributes.values())


@pytest.mark.parametrize("stream", MODEL_STREAMS)
def test_model_streams_carry_a_sha256_record_hash(run, stream):
    hashes = [r["_sdc_record_hash"] for r in run.records(stream)]
    assert hashes
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)
    assert not oracle.duplicate_primary_keys(run.records(stream), ["_sdc_record_hash"])


def test_attribute_streams_are_wrapped_in_activate_version(run):
    for stream in MODEL_STREAMS:
        kinds = [
            m["type"]
            for m in run.messages
            if m.get("stream") == stream and m["type"] in {"ACTIVATE_VERSION", "RECORD"}
        ]
        assert kinds[0] == "ACTIVATE_VERSION" and kinds[-1] == "ACTIVATE_VERSION", stream
        versions = {
            m["version"]
            for m in run.messages
            if m.get("stream") == stream and m["type"] in {"ACTIVATE_VERSION", "RECORD"}
        }
        assert len(versions) == 1, stream
        assert next(iter(versions)) > 10**12, "version is epoch milliseconds, as Stitch's"
    other = {m.get("stream") for m in run.messages if m["type"] == "ACTIVATE_VERSION"}
    # data_attributes is a full table too (`tap_intercom/full_table.py`).
    assert other == {*MODEL_STREAMS, "data_attributes"}


def test_data_attributes_take_the_requested_model_when_the_api_omits_it(fake_intercom):
    def hook(response: requests.Response) -> None:
        if urlparse(response.url).path == "/data_attributes":

            def strip(body: dict) -> None:
                for item in body["data"]:
                    item.pop("model", None)

            rewrite_body(response, strip)

    run = sync_in_process(fake_intercom, {"data_attributes"}, hook=hook)
    records = run.records("data_attributes")
    oracle.assert_ground_truth(fake_intercom, "data_attributes", records, START)
    requested = sorted(q["model"][0] for q in run.queries_to("/data_attributes"))
    assert requested == ["company", "contact", "conversation"]
    for query in run.queries_to("/data_attributes"):
        assert query["include_archived"] == ["true"]
