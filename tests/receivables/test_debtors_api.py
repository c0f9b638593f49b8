"""/api/v1/debtors: the organisation's debtors by name, keyset paged as the other /api/v1 lists are
(after/before/limit, `next`/`prev` URLs), with each debtor's rolled-up position; the same page
function serves /collections/. A junk or foreign cursor is a 400 problem; anyone who is not the
creditor's staff gets a 403, and another organisation never sees these debtors whatever the cursor."""
from __future__ import annotations

import base64
import json
from datetime import date, timedelta

import pytest

from portal.accounts import Organization
from portal.extensions import db
from portal.paging import PageArgs, encode_cursor
from portal.receivables import debtors_page
from portal.receivables.rollup import refresh_debtors
from tests.api_v1.test_v1 import bearer
from tests.conftest import StatementCount
from tests.factories import AdvocateFactory, CreditorFactory, DebtorUserFactory, PartyFactory
from tests.receivables.helpers import debtor_case, invoice

V1 = "/api/v1/debtors"
TODAY = date.today()


@pytest.fixture
def creditor(db_session):
    return CreditorFactory()


def add_debtors(creditor, n: int, *, same_name: bool = False) -> list[int]:
    ids = []
    for k in range(n):
        party = PartyFactory(created_by_org_id=creditor.org_id,
                             legal_name="Same Name Traders" if same_name else f"Debtor {k:03d} Pvt Ltd")
        debtor_case(creditor, invoice(f"D-{party.id}", TODAY - timedelta(days=10 + k), f"{1000 + k}.00"),
                    party=party)
        ids.append(party.id)
    db.session.flush()
    return ids


def walk(client, url: str, headers=None) -> tuple[list[int], list[int], dict]:
    forward, pages = [], 0
    while url:
        pages += 1
        assert pages < 50
        got = client.get(url, headers=headers)
        assert got.status_code == 200, got.get_json()
        data = got.get_json()
        forward += [d["id"] for d in data["debtors"]]
        url = data["next"]
    backward = [d["id"] for d in data["debtors"]]
    url = data["prev"]
    while url:
        data = client.get(url, headers=headers).get_json()
        backward = [d["id"] for d in data["debtors"]] + backward
        url = data["prev"]
    return forward, backward, data


def test_walking_next_then_prev_visits_every_debtor_once_by_name(client, auth, creditor):
    add_debtors(creditor, 7)
    auth.login_as(creditor)
    everything = client.get(f"{V1}?limit=200").get_json()["debtors"]
    names = [d["legal_name"] for d in everything]
    assert len(everything) == 7 and names == sorted(names)
    forward, backward, _last = walk(client, f"{V1}?limit=3")
    assert forward == [d["id"] for d in everything] == backward


def test_debtors_that_share_a_name_are_each_visited_once(client, auth, creditor):
    ids = add_debtors(creditor, 5, same_name=True)
    auth.login_as(creditor)
    forward, backward, _last = walk(client, f"{V1}?limit=2")
    assert forward == sorted(ids) == backward


def test_each_row_carries_its_rolled_up_position_and_a_link_to_its_cases(client, auth, creditor):
    ids = add_debtors(creditor, 2)
    refresh_debtors(db.session.get(Organization, creditor.org_id), TODAY, {ids[0]})
    auth.login_as(creditor)
    rows = {d["id"]: d for d in client.get(V1).get_json()["debtors"]}
    position = rows[ids[0]]["position"]
    assert position["outstanding"] == "1000.00" and position["open_invoices"] == 1
    assert position["oldest_due"] == (TODAY - timedelta(days=10)).isoformat()
    assert rows[ids[1]]["position"] is None  # not rolled up yet: no figure rather than a wrong ₹0
    cases = client.get(rows[ids[0]]["cases_url"]).get_json()["cases"]
    assert len(cases) == 1 and cases[0]["debtor"]["legal_name"] == rows[ids[0]]["legal_name"]


def test_a_page_is_one_statement_whatever_its_size(client, auth, creditor):
    add_debtors(creditor, 3)
    with StatementCount() as small:
        debtors_page(creditor.org_id, PageArgs(size=50))
    add_debtors(creditor, 40)
    with StatementCount() as large:
        page = debtors_page(creditor.org_id, PageArgs(size=50))
    assert len(page.rows) == 43 and small.n == large.n == 1


def test_a_junk_or_foreign_cursor_or_size_is_a_400_problem(client, auth, creditor):
    add_debtors(creditor, 2)
    auth.login_as(creditor)
    foreign = encode_cursor("documents", "Debtor 000 Pvt Ltd", 1)
    wrong_kind = base64.urlsafe_b64encode(json.dumps(["debtors", 5, 1]).encode()).decode()
    for query in ("after=junk", "before=%E2%9C%93", f"after={foreign}", f"after={wrong_kind}",
                  "after=eyJ4&before=eyJ4", "limit=0", "limit=201", "limit=x", "after=" + "a" * 501, "page=2"):
        resp = client.get(f"{V1}?{query}")
        assert resp.status_code == 400, (query, resp.status_code)
        assert resp.mimetype == "application/problem+json"


def test_another_organisation_never_sees_these_debtors_whatever_the_cursor(client, auth, creditor):
    add_debtors(creditor, 3)
    auth.login_as(creditor)
    cursor = client.get(f"{V1}?limit=1").get_json()["next"].split("after=")[1].split("&")[0]
    other = CreditorFactory()
    add_debtors(other, 1)
    auth.login_as(other)
    mine = {p.id for p, _pos in debtors_page(creditor.org_id, PageArgs(size=200)).rows}
    for query in ("", f"?after={cursor}", f"?before={cursor}"):
        resp = client.get(V1 + query)
        assert resp.status_code == 200
        assert not {d["id"] for d in resp.get_json()["debtors"]} & mine, query


@pytest.mark.parametrize("who", [AdvocateFactory, DebtorUserFactory])
def test_anyone_but_the_creditors_staff_is_refused(client, auth, creditor, who):
    add_debtors(creditor, 1)
    auth.login_as(who())
    resp = client.get(V1)
    assert resp.status_code == 403 and resp.mimetype == "application/problem+json"


def test_a_key_needs_the_read_scope(client, creditor):
    add_debtors(creditor, 1)
    assert client.get(V1, headers=bearer(creditor, "write", "notices")).status_code == 403
    got = client.get(V1, headers=bearer(creditor, "read"))
    assert got.status_code == 200 and len(got.get_json()["debtors"]) == 1


def test_the_route_is_in_the_published_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/api/v1/debtors"]["get"]
    assert op["x-scope"] == "read" and {"400", "403"} <= set(op["responses"])
    assert {p["name"] for p in op["parameters"]} >= {"after", "before", "limit"}


def test_the_collections_page_walks_the_same_pages(client, auth, creditor):
    add_debtors(creditor, 3, same_name=True)
    auth.login_as(creditor)
    assert client.get("/collections/?after=junk").status_code == 400
    assert client.get(f"/collections/?after={encode_cursor('debtors', 'Same Name Traders', 0)}").status_code == 200
