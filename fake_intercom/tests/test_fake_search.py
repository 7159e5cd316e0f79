"""Fake Intercom: the search API (query language, limits, date semantics, sort, cursors)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fake_intercom.client import api

DAY = 86400


def gt(field, op, value):
    return {"field": field, "operator": op, "value": value}


def any_of(*filters):
    return {"operator": "OR", "value": list(filters)}


def all_of(*filters):
    return {"operator": "AND", "value": list(filters)}


def since(b):
    return any_of(gt("updated_at", ">", b), gt("updated_at", "=", b))


@pytest.fixture(scope="module")
def s(fake_intercom):
    with api(fake_intercom.base_url) as session:
        yield session


@pytest.fixture(scope="module")
def contacts(s):
    out, url = [], "/contacts?per_page=150"
    while url:
        j = s.get(url).json()
        out.extend(j["data"])
        nxt = j["pages"].get("next")
        url = nxt and f"/contacts?per_page=150&starting_after={nxt['starting_after']}"
    return out


def ids(records):
    return {r["id"] for r in records}


def check(s, contacts, query, predicate):
    got = s.search_all("contacts", query)
    assert len(got) == len(ids(got)), "duplicates"
    want = {c["id"] for c in contacts if predicate(c)}
    assert ids(got) == want, query
    total = s.search("contacts", query).json()["total_count"]
    assert total == len(want)
    return got


def ca(c, name):
    return c["custom_attributes"].get(name)


def test_string_and_numeric_operators(s, contacts):
    check(s, contacts, gt("role", "=", "lead"), lambda c: c["role"] == "lead")
    check(s, contacts, gt("role", "!=", "lead"), lambda c: c["role"] != "lead")
    check(
        s,
        contacts,
        gt("email_domain", "IN", ["acme.test", "initech.test"]),
        lambda c: c["email_domain"] in ("acme.test", "initech.test"),
    )
    check(
        s,
        contacts,
        gt("email_domain", "NIN", ["acme.test"]),
        lambda c: c["email_domain"] != "acme.test",
    )
    check(s, contacts, gt("email", "~", "user1"), lambda c: "user1" in (c["email"] or ""))
    check(s, contacts, gt("email", "!~", "user1"), lambda c: "user1" not in (c["email"] or ""))
    check(s, contacts, gt("email", "^", "user2"), lambda c: (c["email"] or "").startswith("user2"))
    check(s, contacts, gt("email", "$", ".test"), lambda c: (c["email"] or "").endswith(".test"))
    check(
        s,
        contacts,
        gt("custom_attributes.seats", ">", 250),
        lambda c: ca(c, "seats") is not None and ca(c, "seats") > 250,
    )
    check(
        s,
        contacts,
        gt("custom_attributes.seats", "<=", 10),
        lambda c: ca(c, "seats") is not None and ca(c, "seats") <= 10,
    )


def test_custom_attribute_names_with_spaces_and_dots(s, contacts):
    check(
        s,
        contacts,
        gt("custom_attributes.plan tier", "=", "pro"),
        lambda c: ca(c, "plan tier") == "pro",
    )
    check(
        s,
        contacts,
        gt("custom_attributes.account.score", ">", 50),
        lambda c: ca(c, "account.score") is not None and ca(c, "account.score") > 50,
    )
    check(s, contacts, gt("custom_attributes.is_vip", "=", True), lambda c: ca(c, "is_vip") is True)
    check(
        s,
        contacts,
        gt("location.country", "=", "Ireland"),
        lambda c: c["location"]["country"] == "Ireland",
    )


def test_nested_and_or(s, contacts):
    q = all_of(
        any_of(gt("role", "=", "user"), gt("custom_attributes.is_vip", "=", True)),
        any_of(gt("email_domain", "=", "acme.test"), gt("email_domain", "=", "globex.example")),
    )
    check(
        s,
        contacts,
        q,
        lambda c: (
            (c["role"] == "user" or ca(c, "is_vip") is True)
            and c["email_domain"] in ("acme.test", "globex.example")
        ),
    )


def test_tag_and_segment_membership(s, contacts):
    tagged = next(c for c in contacts if c["tags"]["total_count"] > 10)
    tag = s.get(tagged["tags"]["url"]).json()["data"][-1]["id"]
    got = s.search_all("contacts", gt("tag_id", "=", tag))
    assert tagged["id"] in ids(got)
    for c in got[:20]:
        assert tag in {t["id"] for t in s.get(c["tags"]["url"]).json()["data"]}


def test_nesting_and_group_size_limits(s):
    two = all_of(any_of(gt("role", "=", "user"), gt("role", "=", "lead")), gt("name", "~", "a"))
    assert s.search("contacts", two).status_code == 200
    three = all_of(
        any_of(all_of(gt("role", "=", "user"), gt("name", "~", "a")), gt("role", "=", "lead"))
    )
    for res in ("contacts", "conversations", "tickets"):
        r = s.search(res, three)
        assert r.status_code == 400, res
        assert r.json()["errors"][0]["code"] == "parameter_invalid"
    fifteen = any_of(*[gt("email", "=", f"x{k}@example.com") for k in range(15)])
    assert s.search("contacts", fifteen).status_code == 200
    sixteen = any_of(*[gt("email", "=", f"x{k}@example.com") for k in range(16)])
    r = s.search("contacts", sixteen)
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "parameter_invalid"


def test_malformed_queries(s):
    for q in (
        gt("role", "LIKE", "x"),
        gt("role", "IN", "user"),
        {"operator": "XOR", "value": []},
        gt("updated_at", ">", "yesterday"),
        "role=user",
    ):
        r = s.search("contacts", q)
        assert r.status_code == 400, q
        assert r.json()["type"] == "error.list"
    r = s.post("/contacts/search", json={"pagination": {"per_page": 5}})
    assert r.status_code == 400


def test_contact_dates_compare_by_whole_utc_day(s, contacts, fake_intercom):
    tie = fake_intercom.dataset.contact_tie
    day0 = tie - tie % DAY
    same_day = {c["id"] for c in contacts if day0 <= c["updated_at"] < day0 + DAY}
    assert len(same_day) > len({c["id"] for c in contacts if c["updated_at"] == tie})
    check(s, contacts, gt("updated_at", "=", tie), lambda c: day0 <= c["updated_at"] < day0 + DAY)
    # '>' means a later day: nothing from the rest of the same day
    check(
        s, contacts, gt("updated_at", ">", tie - 3 * 3600), lambda c: c["updated_at"] >= day0 + DAY
    )
    check(s, contacts, gt("updated_at", "<", tie), lambda c: c["updated_at"] < day0)
    # the tap's pattern returns everything from the start of the bookmark's day
    check(s, contacts, since(tie + 600), lambda c: c["updated_at"] >= day0)
    check(s, contacts, since(float(tie)), lambda c: c["updated_at"] >= day0)
    # also for date custom attributes
    t = next(ca(c, "trial_ends_at") for c in contacts if ca(c, "trial_ends_at"))
    d = t - t % DAY
    check(
        s,
        contacts,
        gt("custom_attributes.trial_ends_at", "=", t + 1),
        lambda c: ca(c, "trial_ends_at") is not None and d <= ca(c, "trial_ends_at") < d + DAY,
    )


@pytest.mark.parametrize("op", [">=", "<=", "!=", "IN", "NIN"])
@pytest.mark.parametrize(
    "field", ["updated_at", "created_at", "last_seen_at", "custom_attributes.trial_ends_at"]
)
def test_contact_date_operators_rejected(s, op, field):
    value = [1700000000] if op in ("IN", "NIN") else 1700000000
    r = s.search("contacts", gt(field, op, value))
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == "parameter_invalid"


def test_workspace_timezone_moves_day_boundaries(make_fake):
    fake = make_fake(seed=1)
    tie = fake.dataset.contact_tie  # 15:20 UTC; neighbours 5 h earlier and 1 h later
    with api(fake.base_url) as s:
        utc = ids(s.search_all("contacts", gt("updated_at", "=", tie)))
        fake.control(workspace_timezone="Pacific/Auckland")  # UTC+13 in January
        assert s.get("/me").json()["app"]["timezone"] == "Pacific/Auckland"
        akl = ids(s.search_all("contacts", gt("updated_at", "=", tie)))
    early = {
        c["id"]
        for c in fake.ground_truth("contacts")["records"]
        if tie - 6 * 3600 < c["updated_at"] <= tie - 5 * 3600 + 10
    }
    assert early and early <= utc
    assert not early & akl
    local = datetime.fromtimestamp(tie, ZoneInfo("Pacific/Auckland"))
    start = local.replace(hour=0, minute=0, second=0).timestamp()
    end = (local.replace(hour=0, minute=0, second=0) + timedelta(days=1)).timestamp()
    want = {
        c["id"] for c in fake.ground_truth("contacts")["records"] if start <= c["updated_at"] < end
    }
    assert akl == want and akl != utc


def test_conversation_and_ticket_dates_are_exact_seconds(s, fake_intercom):
    tie = fake_intercom.dataset.conversation_tie
    convs = fake_intercom.ground_truth("conversations")["records"]
    for op, pred in (
        (">", lambda u: u > tie),
        ("=", lambda u: u == tie),
        ("<", lambda u: u < tie),
        (">=", lambda u: u >= tie),
        ("<=", lambda u: u <= tie),
        ("!=", lambda u: u != tie),
    ):
        got = s.search_all("conversations", gt("updated_at", op, tie))
        assert ids(got) == {c["id"] for c in convs if pred(c["updated_at"])}, op
    tickets = fake_intercom.ground_truth("tickets")["records"]
    t = sorted(x["updated_at"] for x in tickets)[len(tickets) // 2]
    got = s.search_all("tickets", gt("updated_at", ">=", t))
    assert ids(got) == {x["id"] for x in tickets if x["updated_at"] >= t}
    got = s.search_all("tickets", gt("created_at", "<=", 1600000000))
    assert all(x["created_at"] <= 1600000000 for x in got)


def test_stitch_conversation_query_shape(s, fake_intercom):
    b = 1577836800.0
    q = all_of(any_of(gt("id", ">", ""), gt("id", "=", "")), since(b))
    got = s.search_all("conversations", q, sort={"field": "id", "order": "ascending"})
    assert [c["id"] for c in got] == sorted(c["id"] for c in got)
    want = {c["id"] for c in fake_intercom.ground_truth("conversations", int(b))["records"]}
    assert ids(got) == want
    mid = sorted(want)[len(want) // 2]
    q = all_of(any_of(gt("id", ">", mid), gt("id", "=", mid)), since(b))
    got = s.search_all("conversations", q, sort={"field": "id", "order": "ascending"})
    assert ids(got) == {i for i in want if i >= mid}


@pytest.mark.parametrize("resource", ["contacts", "conversations", "tickets"])
@pytest.mark.parametrize("order", ["ascending", "descending"])
@pytest.mark.parametrize("field", ["updated_at", "created_at", "id"])
def test_sort(s, resource, order, field):
    got = s.search_all(
        resource, gt("updated_at", ">", 0), per_page=70, sort={"field": field, "order": order}
    )
    keys = [(r[field], r["id"]) for r in got]
    assert keys == sorted(keys, reverse=order == "descending")
    assert len(keys) == len(set(keys))


def test_sort_by_other_field(s, contacts):
    got = s.search_all(
        "contacts",
        gt("role", "=", "user"),
        per_page=40,
        sort={"field": "custom_attributes.seats", "order": "descending"},
    )
    vals = [ca(c, "seats") for c in got if ca(c, "seats") is not None]
    assert vals == sorted(vals, reverse=True)
    assert ids(got) == {c["id"] for c in contacts if c["role"] == "user"}


def test_cursor_in_query_string_is_ignored(s):
    body = {"query": gt("updated_at", ">", 0), "pagination": {"per_page": 20}}
    first = s.post("/contacts/search", json=body).json()
    cursor = first["pages"]["next"]["starting_after"]
    again = s.post(f"/contacts/search?starting_after={cursor}", json=body).json()
    assert [c["id"] for c in again["data"]] == [c["id"] for c in first["data"]]
    assert again["pages"]["page"] == 1
    body["pagination"]["starting_after"] = cursor
    second = s.post("/contacts/search", json=body).json()
    assert second["pages"]["page"] == 2
    assert ids(second["data"]).isdisjoint(ids(first["data"]))
    assert set(first["pages"]["next"]) == {"page", "starting_after"}
    bad = s.post("/contacts/search", json={**body, "pagination": {"starting_after": "zzz"}})
    assert bad.status_code == 400


def test_tie_cluster_straddles_page_boundaries_without_loss(s, fake_intercom):
    body = {
        "query": since(946684800),
        "sort": {"field": "updated_at", "order": "ascending"},
        "pagination": {"per_page": 150},
    }
    pages = []
    while True:
        j = s.post("/contacts/search", json=body).json()
        pages.append(j["data"])
        if not j["pages"].get("next"):
            break
        body["pagination"]["starting_after"] = j["pages"]["next"]["starting_after"]
        assert j["pages"]["total_pages"] == -(-j["total_count"] // 150)
    flat = [c for p in pages for c in p]
    truth = fake_intercom.ground_truth("contacts", 946684800)["records"]
    assert [c["id"] for c in flat] == [r["id"] for r in truth]  # order (updated_at, id)
    tie = fake_intercom.dataset.contact_tie
    assert sum(c["updated_at"] == tie for c in flat) > 150
    assert any(
        pages[k][-1]["updated_at"] == pages[k + 1][0]["updated_at"] == tie
        for k in range(len(pages) - 1)
    )
    assert any(r["updated_at"] < 1000000000 for r in truth)


def test_conversation_tie_cluster(s, fake_intercom):
    tie = fake_intercom.dataset.conversation_tie
    got = s.search_all(
        "conversations", since(0), per_page=150, sort={"field": "updated_at", "order": "ascending"}
    )
    assert sum(c["updated_at"] == tie for c in got) >= 100
    assert len(got) == len(ids(got)) == len(fake_intercom.ground_truth("conversations")["records"])


def test_cursor_does_not_snapshot(make_fake):
    fake = make_fake(seed=2, contacts=200, companies=20, conversations=20)
    with api(fake.base_url) as s:
        body = {
            "query": since(0),
            "sort": {"field": "updated_at", "order": "ascending"},
            "pagination": {"per_page": 50},
        }
        first = s.post("/contacts/search", json=body).json()
        body["pagination"]["starting_after"] = first["pages"]["next"]["starting_after"]
        mutated = fake.mutate(contacts=200)["contacts"]
        assert len(mutated) == 200
        rest = []
        while True:
            j = s.post("/contacts/search", json=body).json()
            rest.extend(j["data"])
            if not j["pages"].get("next"):
                break
            body["pagination"]["starting_after"] = j["pages"]["next"]["starting_after"]
    # every record moved behind the cursor, so page-1 records show up again (no snapshot)
    assert ids(first["data"]) <= ids(rest)
    assert len(rest) == 200


def test_source_body_token_match(s):
    conv = s.get("/conversations/1000000010").json()
    word = conv["source"]["body"].replace("<p>", "").replace("</p>", "").split()[0]
    got = s.search_all("conversations", gt("source.body", "=", word))
    assert conv["id"] in ids(got)
    assert not s.search_all("conversations", gt("source.body", "=", "zzzz qqqq"))
