"""Every supported API version (2.11 to 2.17) against the fake: discovery and a full sync
succeed, every record validates against its version's schema, nothing is dropped, and each
version's own fields and types reach the records; a version outside the range is one line."""

from __future__ import annotations

from functools import cache

import jsonschema
import pytest

from fake_intercom import FakeIntercom
from tap_intercom.api_versions import SUPPORTED, ApiVersion
from tap_intercom.dates import epoch_to_datetime
from tap_intercom.streams import STREAM_TYPES
from tests.singer_run import TapRun, base_config, discover, run_tap, select_streams

VERSIONS = [str(version) for version in SUPPORTED]
V2_12, V2_15, V2_16 = ApiVersion(2, 12), ApiVersion(2, 15), ApiVersion(2, 16)


@cache
def _sync(base_url: str, version: str) -> TapRun:
    config = base_config(base_url, api_version=version)
    run = run_tap(config, catalog=select_streams(discover(config)))
    assert run.returncode == 0, run.stderr[-4000:]
    return run


@pytest.fixture(params=VERSIONS)
def synced(request, fake_intercom) -> tuple[ApiVersion, TapRun]:
    version = ApiVersion.parse(request.param)
    assert version is not None
    return version, _sync(fake_intercom.base_url, request.param)


def properties(run: TapRun, stream: str) -> dict:
    return run.schemas()[stream]["schema"]["properties"]


def test_a_full_sync_at_every_version_emits_the_same_records_and_drops_nothing(
    synced, fake_intercom
):
    version, run = synced
    assert not [line for line in run.stderr.splitlines() if "was dropped" in line]
    assert not [line for line in run.stderr.splitlines() if "is not valid" in line]
    reference = _sync(fake_intercom.base_url, "2.14")
    counts, expected = run.counts(), reference.counts()
    assert set(expected) == {stream_type.name for stream_type in STREAM_TYPES}  # every stream
    if version < V2_12:  # no ticket states before 2.12: the stream is skipped
        del expected["ticket_states"]
    if version >= V2_16:  # GET /conversations/attributes lists custom attributes only
        expected["data_attributes"] = sum(
            1
            for row in reference.records("data_attributes")
            if row["model"] != "conversation" or row["custom"]
        )
    assert counts == expected, version


def test_every_record_validates_against_its_versions_schema(synced):
    _, run = synced
    validators = {
        stream: jsonschema.Draft4Validator(message["schema"])
        for stream, message in run.schemas().items()
    }
    for message in run.record_messages():
        errors = list(validators[message["stream"]].iter_errors(message["record"]))
        assert not errors, (message["stream"], errors[0].message)


def test_2_11_ticket_states_are_strings_with_their_labels(synced):
    version, run = synced
    tickets = run.records("tickets")
    schema = properties(run, "tickets")
    if version <= ApiVersion(2, 11):
        assert "string" in schema["ticket_state"]["type"]
        assert all(isinstance(t["ticket_state"], str) for t in tickets)
        assert all(t["ticket_state_internal_label"] for t in tickets)
        assert all(t["ticket_state_external_label"] for t in tickets)
    else:
        assert schema["ticket_state"]["type"] == ["null", "object"]
        assert "ticket_state_internal_label" not in schema
        assert all(isinstance(t["ticket_state"], dict) for t in tickets)


def test_ticket_tables_at_every_version(synced, fake_intercom):
    version, run = synced
    for stream in ("ticket_parts", "ticket_contacts", "ticket_types"):
        keys = fake_intercom.ground_truth(stream)["key_properties"]
        expected = {
            tuple(str(r[k]) for k in keys) for r in fake_intercom.ground_truth(stream)["records"]
        }
        assert {tuple(str(r[k]) for k in keys) for r in run.records(stream)} == expected, stream
    states = run.records("ticket_states")
    type_states = [t.get("ticket_states") for t in run.records("ticket_types")]
    if version < V2_12:
        assert states == []
        assert "Skipping stream 'ticket_states': API 2.11" in run.stderr
        assert not any(type_states)
    else:
        assert {s["id"] for s in states} == {
            r["id"] for r in fake_intercom.ground_truth("ticket_states")["records"]
        }
        assert all(ts and ts["data"] for ts in type_states)


def test_2_15_conversations_carry_their_company_denested(synced):
    version, run = synced
    conversations = run.records("conversations")
    parts = run.records("conversation_parts")
    message_ids = [(p["email_message_metadata"] or {}).get("message_id") for p in parts]
    if version < V2_15:
        assert "company" not in properties(run, "conversations")
        assert not any(message_ids)
        return
    companies = [c["company"] for c in conversations if c["company"]]
    assert companies and len(companies) < len(conversations)
    assert all(isinstance(c["tags"], list) and isinstance(c["segments"], list) for c in companies)
    assert any(message_ids)


def test_2_16_fields_and_types_reach_the_records(synced):
    version, run = synced
    conversations = run.records("conversations")
    if version < V2_16:
        assert "channel" not in properties(run, "conversations")
        assert all(isinstance(t["admin_assignee_id"], str) for t in run.records("tickets"))
        return
    assert all(c["channel"]["initial"] for c in conversations)
    for field in ("sales_agent", "external_references"):
        assert any(c[field] for c in conversations), field
    assert any(c["source"]["recipients"] for c in conversations)
    assert any(c["company"] and c["company"]["notes"] for c in conversations)
    assert all(c["notes"]["type"] == "note.list" for c in run.records("companies"))
    tickets = run.records("tickets")
    assert all(isinstance(t["admin_assignee_id"], int) for t in tickets)
    assert all("previous_ticket_state_id" in t and t["channel"] for t in tickets)
    owners = {type(c["owner_id"]) for c in run.records("contacts") if c["owner_id"] is not None}
    assert owners == {str}
    parts = run.records("conversation_parts")
    assert any(p["translations"] for p in parts)
    assert {"type": "nobody_admin", "id": None} in [p["assigned_to"] for p in parts]
    assert all(a["role"]["name"] for a in run.records("admins"))
    assert all(isinstance(h["locales"], list) for h in run.records("help_centers"))
    assert all("body_markdown" in a for a in run.records("articles"))


def test_conversation_attributes_come_from_their_endpoint_from_2_16(synced):
    version, run = synced
    rows = [r for r in run.records("data_attributes") if r["model"] == "conversation"]
    expected = "conversation_attribute" if version >= V2_16 else "data_attribute"
    assert rows and {r["type"] for r in rows} == {expected}
    custom = properties(run, "conversations")["custom_attributes"]["properties"]
    assert custom["csat score"]["type"] == ["null", "number"]
    assert custom["due date"].get("format") == "date-time"


@pytest.mark.parametrize("version", ["2.16", "2.17"])
def test_the_contact_bound_holds_whether_search_compares_days_or_seconds(make_fake, version):
    """Before 2.17 the search returns the bookmark's whole day (the tap drops the earlier
    part); from 2.17 exactly the seconds from the bookmark on. Either way: nothing lost."""
    fake = make_fake(scale="small", seed=1)
    bookmark = epoch_to_datetime(fake.dataset.contact_tie + 600)
    config = base_config(fake.base_url, api_version=version)
    catalog = select_streams(discover(config), {"contacts"})
    state = {"bookmarks": {"contacts": {"updated_at": bookmark}}}
    run = run_tap(config, catalog=catalog, state=state)
    assert run.returncode == 0, run.stderr[-3000:]
    truth = fake.ground_truth("contacts", bookmark)
    assert {r["id"] for r in run.records("contacts")} == {str(r["id"]) for r in truth["records"]}


@pytest.mark.parametrize("value", ["2.10", "2.18", "Preview", "latest", "3"])
@pytest.mark.parametrize("mode", ["discover", "sync"])
def test_a_version_outside_the_range_fails_in_one_line_before_any_request(make_fake, value, mode):
    fake: FakeIntercom = make_fake(scale="small", seed=1)
    config = base_config(fake.base_url, api_version=value)
    args = ("--discover",) if mode == "discover" else ()
    run = run_tap(config, args=args, parse=False)
    assert run.returncode == 1, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    expected = (
        f"tap-intercom: error: api_version {value!r} is not an Intercom API version the tap "
        "supports; set `api_version` to a version from 2.11 to 2.17 (default 2.14), or remove it"
    )
    lines = run.stderr.rstrip("\n").splitlines()
    assert lines[-1] == expected
    assert [line for line in lines if line.startswith("tap-intercom: error:")] == [expected]
    assert not run.stdout
    assert fake.stats()["requests_total"] == 0
