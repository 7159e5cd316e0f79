"""contacts: `POST /contacts/search`, `updated_at` > OR = the bound (day semantics), ascending.

`tags` and `companies` hold at most 10 entries inline; a longer list is read from its own URL.
Code: `tap_intercom/streams/contacts.py` (`ContactsStream`, `normalize_contact_avatar`), the
search loop in `tap_intercom/search.py`; schema: `schemas/contacts.json` (`custom_attributes`
typed at discovery from `/data_attributes?model=contact`).
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlparse

import pytest
import requests

from tap_intercom.schemas import stream_schema
from tap_intercom.streams.contacts import normalize_contact_avatar
from tap_intercom.tap import TapIntercom
from tests import oracle
from tests.in_process import InProcessRun, discovered_catalog, sync_in_process, tap_for
from tests.streams.helpers import START, iso, median_version

DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"contacts"})


# --- request ---------------------------------------------------------------------------------


def test_search_asks_for_updated_at_from_the_bound_ascending(fake_intercom):
    stream = tap_for(fake_intercom, start_date="2024-03-01T10:00:00Z").streams["contacts"]
    assert stream.prepare_request_payload(None, None) == {
        "query": {
            "operator": "OR",
            "value": [
                {"field": "updated_at", "operator": ">", "value": 1709287200},
                {"field": "updated_at", "operator": "=", "value": 1709287200},
            ],
        },
        "sort": {"field": "updated_at", "order": "ascending"},
        "pagination": {"per_page": 150},
    }


def test_search_query_stays_the_same_while_the_bookmark_advances(fake_intercom):
    """A cursor belongs to its query: every page of one run must send the same filter, and
    the client-side filter must not rise with the bookmark (a late record would be lost)."""
    tap = TapIntercom(
        config={"access_token": "test-token", "api_url": fake_intercom.base_url},
        state={"bookmarks": {"contacts": {"updated_at": "2024-03-01T10:00:00.000000Z"}}},
        parse_env_config=False,
    )
    contacts = tap.streams["contacts"]
    first = contacts.prepare_request_payload(None, None)
    state = contacts.stream_state
    state["replication_key_value"] = "2025-06-01T00:00:00.000000Z"  # as after many records
    later = contacts.prepare_request_payload(None, "cursor-2")
    assert later["query"] == first["query"]
    assert first["query"]["value"][0]["value"] == 1709287200  # 2024-03-01T10:00:00Z
    assert later["pagination"]["starting_after"] == "cursor-2"
    assert contacts.lower_bound == 1709287200


def test_only_lists_longer_than_ten_are_fetched(run):
    fetched: dict[str, set[str]] = {"tags": set(), "companies": set()}
    for url in run.urls:
        parts = urlparse(url).path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "contacts":
            fetched[parts[2]].add(parts[1])
    for field, contact_ids in fetched.items():
        long_lists = {r["id"] for r in run.records("contacts") if len(r[field]) > 10}
        assert long_lists, field
        assert contact_ids == long_lists, field


# --- transform -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("avatar", "expected"),
    [
        (
            {"type": "avatar", "image_url": "https://example.test/a.png"},
            "https://example.test/a.png",
        ),
        ("https://example.test/a.png", "https://example.test/a.png"),
        (None, None),
    ],
)
def test_avatar_becomes_its_url(avatar, expected):
    assert normalize_contact_avatar(avatar) == expected


def test_inline_lists_are_denested(fake_intercom):
    stream = tap_for(fake_intercom).streams["contacts"]
    tag = {"type": "tag", "id": "9", "url": "/tags/9"}
    company = {"type": "company", "id": "5f", "url": "/companies/5f"}
    raw = {
        "id": "c1",
        "avatar": {"type": "avatar", "image_url": "https://example.test/a.png"},
        "tags": {"type": "list", "data": [tag], "url": "/contacts/c1/tags", "has_more": False},
        "companies": {"type": "list", "data": [company], "has_more": False, "total_count": 1},
    }
    record = stream.transform_record(raw, None)
    assert record["tags"] == [tag]
    assert record["companies"] == [company]
    assert record["avatar"] == "https://example.test/a.png"


def test_schema_has_stitchs_shapes():
    props = stream_schema("contacts")["properties"]
    for field in ("tags", "companies"):
        assert set(props[field]["type"]) == {"null", "array"}, field
        assert "id" in props[field]["items"]["properties"], field
    for field in (
        "notes",
        "social_profiles",
        "location",
        "opted_in_subscription_types",
        "opted_out_subscription_types",
    ):
        assert "object" in props[field]["type"], field
    assert set(props["avatar"]["type"]) == {"null", "string"}
    assert props["custom_attributes"] == {
        "type": ["null", "object"],
        "additionalProperties": True,
        "properties": {},
    }


# --- records ---------------------------------------------------------------------------------


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    oracle.assert_ground_truth(fake_intercom, "contacts", run.records("contacts"), START)


def test_records_are_stitch_shaped(run):
    contacts = run.records("contacts")
    assert contacts
    for record in contacts:
        assert DATETIME_RE.match(record["updated_at"]), record["updated_at"]
        assert isinstance(record["tags"], list), record["id"]
        assert isinstance(record["companies"], list), record["id"]
        assert "avatar" in record, record["id"]
        assert record["avatar"] is None or isinstance(record["avatar"], str)


def test_pre_2001_timestamps_are_correct(run):
    values = [
        v
        for record in run.records("contacts")
        for k, v in record.items()
        if k.endswith("_at") and isinstance(v, str)
    ]
    assert "2000-01-01T00:00:00.000000Z" in values, "the fake's 946684800 came out wrong"
    assert not any(v.startswith("1970-01-1") for v in values), "9-digit epochs read as ms"


def test_tied_timestamps_across_pages_are_all_emitted(run, fake_intercom):
    _, truth = oracle.truth(fake_intercom, "contacts", START)
    by_second = Counter(r["updated_at"] for r in truth)
    second, count = by_second.most_common(1)[0]
    assert count > 150, "the fake should have a tie cluster straddling pages"
    tied = {str(r["id"]) for r in truth if r["updated_at"] == second}
    emitted = {r["id"] for r in run.records("contacts")}
    assert tied <= emitted


def test_custom_attributes_are_typed_values(run):
    seen: dict[str, set[str]] = {}
    for record in run.records("contacts"):
        for name, value in record["custom_attributes"].items():
            seen.setdefault(type(value).__name__, set()).add(name)
    assert {"int", "float", "bool", "str"} <= set(seen), seen
    dates = [
        value
        for record in run.records("contacts")
        for value in record["custom_attributes"].values()
        if isinstance(value, str) and DATETIME_RE.match(value)
    ]
    assert dates, "date custom attributes should be emitted as date-times"


def test_contact_lists_past_ten_entries_are_complete(run, fake_intercom):
    long_tags = [r for r in run.records("contacts") if len(r["tags"]) > 10]
    long_companies = [r for r in run.records("contacts") if len(r["companies"]) > 10]
    assert long_tags and long_companies
    for record in long_tags[:3]:
        response = requests.get(
            f"{fake_intercom.base_url}/contacts/{record['id']}/tags",
            headers={"Authorization": "Bearer test-token", "Intercom-Version": "2.14"},
            timeout=10,
        )
        full = {t["id"] for t in response.json()["data"]}
        assert {t["id"] for t in record["tags"]} == full


def test_fetched_list_entries_have_the_inline_shape(run):
    """`/contacts/{id}/companies` returns whole companies; a fetched entry keeps only what an
    inline entry declares (type, id, url), its `url` filled in when the endpoint gives none."""
    declared = set(stream_schema("contacts")["properties"]["companies"]["items"]["properties"])
    long_companies = [r for r in run.records("contacts") if len(r["companies"]) > 10]
    assert long_companies
    for record in long_companies:
        for entry in record["companies"]:
            assert set(entry) <= declared, set(entry) - declared
            assert entry["url"] == f"/companies/{entry['id']}"


def test_custom_attribute_created_after_discovery_still_reaches_the_target(fake_intercom):
    catalog = discovered_catalog(fake_intercom)
    entry = next(e for e in catalog["streams"] if e["tap_stream_id"] == "contacts")
    declared = entry["schema"]["properties"]["custom_attributes"]["properties"]
    dropped = sorted(declared)[0]
    del declared[dropped]  # as if the attribute had been created after discovery
    run = sync_in_process(fake_intercom, {"contacts"}, catalog=catalog)
    carrying = [r for r in run.records("contacts") if dropped in r["custom_attributes"]]
    assert carrying, f"custom attribute {dropped!r} was dropped"
    assert not any(f"'custom_attributes.{dropped}'" in line for line in run.log_lines())


def test_a_start_date_in_the_middle_keeps_only_what_is_newer(fake_intercom):
    middle = median_version(fake_intercom, "contacts")
    records = sync_in_process(fake_intercom, {"contacts"}, start_date=iso(middle)).records(
        "contacts"
    )
    assert 0 < len(records) < len(oracle.truth_keys(fake_intercom, "contacts", START))
    oracle.assert_ground_truth(fake_intercom, "contacts", records, middle)


# --- merges and deletions without Preview ------------------------------------------------------


def test_merge_history_is_asked_for_from_2_16_only(fake_intercom):
    def params(**settings: object) -> dict:
        stream = tap_for(fake_intercom, **settings).streams["contacts"]
        stream.selected = True
        return stream.get_url_params(None, None)

    assert params(api_version="2.16") == {"include_merge_history": "true"}
    assert params(api_version="2.17") == {"include_merge_history": "true"}
    assert params(api_version="2.15") == {}
    assert params(api_version="2.16", contact_merge_history=False) == {}


def test_leads_merged_into_a_user_become_tombstones_on_2_16(make_fake):
    fake = make_fake(scale="small", seed=31)
    first = sync_in_process(fake, {"contacts"}, api_version="2.16")
    assert not [r for r in first.records("contacts") if "_sdc_deleted_at" in r]
    merged = set(fake.delete(merge_contacts=3)["merge_contacts"])
    second = sync_in_process(fake, {"contacts"}, api_version="2.16", state=first.final_state)
    tombstones = [r for r in second.records("contacts") if "_sdc_deleted_at" in r]
    assert {r["id"] for r in tombstones} == merged
    assert all(set(r) == {"id", "_sdc_deleted_at"} for r in tombstones)
    assert all(DATETIME_RE.match(r["_sdc_deleted_at"]) for r in tombstones)
    # The 2.16 catalog declares the history: the users carry it, and no field is dropped.
    histories = [r["merge_history"] for r in second.records("contacts") if r.get("merge_history")]
    assert {h["source_contact_id"] for items in histories for h in items} >= merged
    assert not [line for line in second.log_lines() if "merge_history" in line]
    # Each survivor (the 410's `Link`) was read again: the merge wrote it.
    headers = {"Authorization": "Bearer test-token", "Intercom-Version": "2.16"}
    survivors = {
        requests.get(f"{fake.base_url}/contacts/{cid}", headers=headers, timeout=10)
        .headers["Link"]
        .split(">")[0]
        .rsplit("/", 1)[-1]
        for cid in merged
    }
    assert survivors <= {r["id"] for r in second.records("contacts") if "_sdc_deleted_at" not in r}


def test_before_2_16_a_merge_leaves_no_trace(make_fake):
    fake = make_fake(scale="small", seed=32)
    first = sync_in_process(fake, {"contacts"}, api_version="2.15")
    fake.delete(merge_contacts=3)
    second = sync_in_process(fake, {"contacts"}, api_version="2.15", state=first.final_state)
    assert not [r for r in second.records("contacts") if "_sdc_deleted_at" in r]
    assert all("include_merge_history" not in q for q in second.queries_to("/contacts/search"))


@pytest.mark.parametrize(
    ("api_version", "merged", "answer"),
    [("2.14", False, 404), ("2.16", False, 404), ("2.16", True, 410)],
)
def test_a_contact_gone_after_search_returned_it_is_a_tombstone(
    make_fake, api_version, merged, answer
):
    """Deleted or merged between its search page and its long-list request: the list answers
    404, a `GET /contacts/{id}` confirms it (404, or 410 for a merge on 2.16), a tombstone
    replaces the stale record."""
    fake = make_fake(scale="small", seed=33)
    gone: list[str] = []

    def delete_long_listed(response: requests.Response) -> None:
        if gone or urlparse(response.url).path != "/contacts/search":
            return
        page = response.json()["data"]
        long_listed = [
            c["id"]
            for c in page
            if any(
                isinstance(c.get(f), dict) and c[f].get("has_more") for f in ("tags", "companies")
            )
        ]
        into = page[-1]["id"] if merged else None
        gone.extend(fake.delete_contacts(long_listed[:3], into=into))

    run = sync_in_process(fake, {"contacts"}, api_version=api_version, hook=delete_long_listed)
    assert gone, "the first page has contacts with long lists"
    tombstones = {r["id"] for r in run.records("contacts") if "_sdc_deleted_at" in r}
    assert tombstones == set(gone)
    assert not {r["id"] for r in run.records("contacts") if "_sdc_deleted_at" not in r} & set(gone)
    assert {urlparse(u).path for u in run.urls} >= {f"/contacts/{cid}" for cid in gone}
    assert fake.stats()["responses_by_status"].get(str(answer), 0) >= len(gone)


def test_a_catalog_without_merge_history_still_gets_the_tombstones(make_fake):
    """A 2.14 (or Stitch) catalog has no `merge_history` column: the tap asked for it, so it
    is dropped without a warning, and the tombstones are written all the same."""
    fake = make_fake(scale="small", seed=34)
    catalog = discovered_catalog(fake, api_version="2.14")
    first = sync_in_process(fake, {"contacts"}, catalog=catalog, api_version="2.16")
    merged = set(fake.delete(merge_contacts=2)["merge_contacts"])
    second = sync_in_process(
        fake, {"contacts"}, catalog=catalog, api_version="2.16", state=first.final_state
    )
    assert {r["id"] for r in second.records("contacts") if "_sdc_deleted_at" in r} == merged
    assert not [r for r in second.records("contacts") if "merge_history" in r]
    assert not [line for line in second.log_lines() if "merge_history" in line]
