"""admins: `GET /admins`, then `GET /admins/{id}` per admin, merged in list order.

Code: `tap_intercom/streams/admins.py` (`AdminsStream`, `normalize_admin_avatar`);
schema: `schemas/admins.json`.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
import requests

from tap_intercom.schemas import stream_schema
from tap_intercom.streams.admins import normalize_admin_avatar
from tests import oracle
from tests.in_process import InProcessRun, discovered_catalog, rewrite_body, sync_in_process
from tests.streams.helpers import START


@pytest.fixture(scope="module")
def run(fake_intercom) -> InProcessRun:
    return sync_in_process(fake_intercom, {"admins"})


# --- request ---------------------------------------------------------------------------------


def test_lists_admins_once_then_reads_each_admin_detail(run, fake_intercom):
    ids = {str(a["id"]) for a in fake_intercom.dataset.admins}
    assert len(run.requests_to("/admins")) == 1
    details = [urlparse(u).path for u in run.urls if urlparse(u).path.startswith("/admins/")]
    assert sorted(details) == sorted(f"/admins/{i}" for i in ids)  # one each, no more


def test_admin_details_are_fetched_in_parallel_and_merged_in_list_order(make_fake):
    fake = make_fake(scale="small", seed=6, latency_ms=100)
    catalog = discovered_catalog(fake)  # before the stats reset: discovery is not counted

    def admins(concurrency: int | None) -> tuple[list[dict], int]:
        fake.reset_stats()
        settings = {} if concurrency is None else {"concurrency": concurrency}
        records = sync_in_process(fake, {"admins"}, catalog=catalog, **settings).records("admins")
        return records, fake.stats()["max_in_flight"]

    sequential, sequential_in_flight = admins(1)
    parallel, parallel_in_flight = admins(None)
    assert len(sequential) == 5
    assert parallel == sequential
    assert sequential_in_flight == 1
    assert parallel_in_flight == len(sequential)  # every detail in flight at once


# --- transform -------------------------------------------------------------------------------


def test_a_bare_avatar_url_becomes_an_avatar_object():
    record = normalize_admin_avatar({"id": "1", "avatar": "https://example.test/a.png"})
    assert record["avatar"] == {"type": "avatar", "image_url": "https://example.test/a.png"}


@pytest.mark.parametrize(
    "avatar", [{"type": "avatar", "image_url": "https://example.test/a.png"}, None]
)
def test_an_avatar_object_or_none_is_kept(avatar):
    assert normalize_admin_avatar({"id": "1", "avatar": avatar})["avatar"] == avatar


def test_schema_declares_the_avatar_object():
    avatar = stream_schema("admins")["properties"]["avatar"]
    assert set(avatar["properties"]) == {"type", "image_url"}


# --- records ---------------------------------------------------------------------------------


def test_records_are_exactly_the_ground_truth(run, fake_intercom):
    oracle.assert_ground_truth(fake_intercom, "admins", run.records("admins"), START)


def test_records_carry_an_avatar_object(run):
    records = run.records("admins")
    assert records
    for record in records:
        assert "avatar" in record, record["id"]
        assert record["avatar"] is None or isinstance(record["avatar"], dict)


def test_the_detail_completes_the_listed_admin(fake_intercom):
    """The list lacks `email` and has a bare avatar URL: the detail, which wins, has both."""
    raw = {str(a["id"]): a for a in fake_intercom.dataset.admins}

    def strip_list(body: dict) -> None:
        for admin in body["admins"]:
            del admin["email"]
            admin["avatar"] = admin["avatar"]["image_url"]

    def hook(response: requests.Response) -> None:
        if urlparse(response.url).path == "/admins":
            rewrite_body(response, strip_list)

    records = sync_in_process(fake_intercom, {"admins"}, hook=hook).records("admins")
    assert len(records) == len(raw)
    for record in records:
        assert record["email"] == raw[record["id"]]["email"]
        assert record["avatar"] == raw[record["id"]]["avatar"]
