"""Keyset pagination of every list other than the case list (issue 22): a case's evidence, audit trail
and payments, a notice's and a served document's dispatches and delivery timeline, on their pages
and in /api/v1. Walking `next` to the end and `prev` back visits every row exactly once even when all
rows share their sort value; a junk, tampered or foreign cursor is a 400, never a 500; another
organisation gets a 403 or 404 whatever the cursor."""
from __future__ import annotations

import base64
import html
import json
import re

import pytest

import evidence
from notices.serving.dispatch import dispatches_page
from notices.serving.timeline import events_page
from portal import audit
from portal.paging import BadCursor, PageArgs, decode_cursor, encode_cursor, page_size
from portal.payments import payments_page
from tests.factories import CreditorFactory
from tests.keyset_world import LISTS, KeysetWorld, T

V1 = "/api/v1"


@pytest.fixture
def w(db_session, outbox, monkeypatch) -> KeysetWorld:
    return KeysetWorld(monkeypatch)


def fetch(w: KeysetWorld, name: str, args: PageArgs):
    return {"documents": lambda: evidence.documents_page(w.case, args, viewer=w.creditor),
            "audit": lambda: audit.events_page(w.case.id, args),
            "payments": lambda: payments_page(w.case, args),
            "notice_dispatches": lambda: dispatches_page(w.notice, args),
            "document_dispatches": lambda: dispatches_page(w.document, args),
            "notice_events": lambda: events_page(w.notice, args),
            "document_events": lambda: events_page(w.document, args)}[name]()


def row_id(row) -> int:
    return row.id if hasattr(row, "id") else row[0].id


def walk(get_page, size: int) -> tuple[list[int], list[int]]:
    """Every row's id going forward by `next`, then going back by `prev` from the last page."""
    forward, page = [], get_page(PageArgs(size=size))
    pages = 0
    while True:
        pages += 1
        assert pages < 100
        forward += [row_id(r) for r in page.rows]
        if page.next_cursor is None:
            break
        page = get_page(PageArgs(after=page.next_cursor, size=size))
    backward = [row_id(r) for r in page.rows]
    while page.prev_cursor is not None:
        page = get_page(PageArgs(before=page.prev_cursor, size=size))
        backward = [row_id(r) for r in page.rows] + backward
    return forward, backward


@pytest.mark.parametrize("name", LISTS)
def test_walking_next_then_prev_visits_every_row_once_newest_first_with_ties(w, name):
    w.add(name, 8)
    everything = [row_id(r) for r in fetch(w, name, PageArgs(size=200)).rows]
    assert len(everything) >= 8 and len(set(everything)) == len(everything)
    forward, backward = walk(lambda args: fetch(w, name, args), 3)
    assert forward == everything, "next visits every row once, in the list's order"
    assert backward == everything, "prev walks back over the same rows"


def test_ties_on_the_sort_value_come_newest_id_first(w):
    w.add("payments", 5)
    w.add("audit", 4)
    ids = [p.id for p, _receipt in payments_page(w.case, PageArgs()).rows]
    assert ids == sorted(ids, reverse=True)
    events = audit.events_page(w.case.id, PageArgs()).rows
    tied = [e.id for e in events if e.created_at == T]
    assert len(tied) == 4 and tied == sorted(tied, reverse=True)


def test_a_cursor_is_refused_unless_made_for_the_same_list(w):
    w.add("documents", 3)
    page = fetch(w, "documents", PageArgs(size=1))
    assert decode_cursor(page.next_cursor, "documents")[1] == page.rows[0].id
    for token in ("junk", "", "a" * 401, encode_cursor("audit", T, 1), encode_cursor("documents", "x", 1),
                  encode_cursor("documents", T.replace(tzinfo=None), 1), encode_cursor("documents", T, True),
                  base64.urlsafe_b64encode(json.dumps(["documents", T.isoformat()]).encode()).decode(),
                  base64.urlsafe_b64encode(b"\xff\xfe").decode()):
        with pytest.raises(BadCursor, match="not valid"):
            fetch(w, "documents", PageArgs(after=token or "=", size=1))
    with pytest.raises(BadCursor, match="not both"):
        PageArgs.of({"after": page.next_cursor, "before": page.next_cursor})
    for bad in ("0", "201", "-1", "x", "1.5"):
        with pytest.raises(BadCursor, match="limit"):
            page_size(bad)
    assert page_size(None) == 50 and page_size("200") == 200


# --- the pages ------------------------------------------------------------------------------------

def pages(w: KeysetWorld) -> dict[str, tuple[str, str, str]]:
    """list -> (path, the pager's label, a pattern that finds one row of it in the page)."""
    ref = w.case.reference
    return {"documents": (f"/cases/{ref}/evidence", "Pages of documents", r">inv-(\d+)\.pdf</a>"),
            "audit": (f"/cases/{ref}/audit", "Pages of the audit trail", r'<td data-label="#">(\d+)</td>'),
            "payments": (f"/cases/{ref}/payments", "Pages of payments received", r">UTR(\d+)<"),
            "notice_dispatches": (f"/notices/{w.notice.id}/delivery", "Pages of dispatches", r">d(\d+)@example\.in<"),
            "notice_events": (f"/notices/{w.notice.id}/delivery", "Pages of the timeline", r"<code>ref-(\d+)</code>"),
            "document_dispatches": (f"/served/{w.document.id}/delivery", "Pages of dispatches",
                                    r">d(\d+)@example\.in<"),
            "document_events": (f"/served/{w.document.id}/delivery", "Pages of the timeline",
                                r"<code>ref-(\d+)</code>")}


def pager_link(body: str, label: str, rel: str) -> str | None:
    nav = re.search(rf'<nav class="pager" aria-label="{label}">(.*?)</nav>', body, re.S)
    if nav is None:
        return None
    link = re.search(rf'<a rel="{rel}" href="([^"]+)"', nav.group(1))
    return html.unescape(link.group(1)) if link else None


@pytest.mark.parametrize("name", LISTS)
def test_each_page_walks_its_list_by_plain_links_without_javascript(client, auth, w, name):
    w.add(name, 53)
    path, label, pattern = pages(w)[name]
    auth.login_as(w.creditor)
    seen, url, visits = [], path, 0
    while url:
        visits += 1
        resp = client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        body = resp.get_data(as_text=True)
        found = re.findall(pattern, body)
        assert len(found) <= 50
        seen += found
        url = pager_link(body, label, "next")
    assert visits >= 2
    assert len(seen) == len(set(seen)) and len(seen) >= 53
    back = pager_link(body, label, "prev")
    assert back is not None
    earlier = re.findall(pattern, client.get(back).get_data(as_text=True))
    assert len(earlier) == 50 and set(earlier) <= set(seen) and not set(earlier) & set(found)


@pytest.mark.parametrize("name", LISTS)
def test_a_junk_cursor_on_a_page_is_a_400_that_says_so(client, auth, w, name):
    path, _label, _pattern = pages(w)[name]
    prefix = "dispatches_" if name.endswith("dispatches") else ""
    auth.login_as(w.creditor)
    foreign = encode_cursor("cases-of-someone-else", T, 1)
    for query in (f"{prefix}after=junk", f"{prefix}before=%00%ff", f"{prefix}after={foreign}",
                  f"{prefix}after=eyJ4Ijoi&{prefix}before=eyJ4Ijoi"):
        resp = client.get(f"{path}?{query}")
        assert resp.status_code == 400, (query, resp.status_code)
        assert "not valid" in resp.get_data(as_text=True) or "not both" in resp.get_data(as_text=True)


# --- the API --------------------------------------------------------------------------------------

def api_lists(w: KeysetWorld) -> dict[str, tuple[str, str, str]]:
    """list -> (path, the answer's key, each row's identity)."""
    ref, n = w.case.reference, w.notice.id
    return {"documents": (f"{V1}/cases/{ref}/evidence", "documents", "id"),
            "audit": (f"{V1}/cases/{ref}/audit-events", "events", "case_seq"),
            "payments": (f"{V1}/cases/{ref}/payments", "payments", "id"),
            "notice_dispatches": (f"{V1}/notices/{n}/dispatches", "dispatches", "id"),
            "notice_events": (f"{V1}/notices/{n}/delivery-events", "events", "id")}


API_LISTS = ("documents", "audit", "payments", "notice_dispatches", "notice_events")


@pytest.mark.parametrize("name", API_LISTS)
def test_the_api_walks_next_to_the_end_and_prev_back_visiting_each_row_once(client, auth, w, name):
    w.add(name, 7)
    path, key, ident = api_lists(w)[name]
    auth.login_as(w.creditor)
    everything = [r[ident] for r in client.get(f"{path}?limit=200").get_json()[key]]
    forward, url = [], f"{path}?limit=3"
    while url:
        got = client.get(url)
        assert got.status_code == 200, got.get_json()
        data = got.get_json()
        assert len(data[key]) <= 3
        forward += [r[ident] for r in data[key]]
        url = data["next"]
    assert forward == everything and len(everything) >= 7
    backward = [r[ident] for r in data[key]]
    url = data["prev"]
    while url:
        data = client.get(url).get_json()
        backward = [r[ident] for r in data[key]] + backward
        url = data["prev"]
    assert backward == everything


@pytest.mark.parametrize("name", API_LISTS)
def test_a_junk_cursor_or_size_in_the_api_is_a_400_problem(client, auth, w, name):
    path, _key, _ident = api_lists(w)[name]
    auth.login_as(w.creditor)
    foreign = encode_cursor("cases-of-someone-else", T, 1)
    for query in ("after=junk", "before=%E2%9C%93", f"after={foreign}", "after=eyJ4&before=eyJ4", "limit=0",
                  "limit=201", "limit=x", "after=" + "a" * 501, "page=2"):
        resp = client.get(f"{path}?{query}")
        assert resp.status_code == 400, (query, resp.status_code)
        assert resp.mimetype == "application/problem+json"


@pytest.mark.parametrize("where, name", [("page", n) for n in LISTS] + [("api", n) for n in API_LISTS])
def test_another_organisation_gets_no_page_of_the_list_whatever_the_cursor(client, auth, w, where, name):
    w.add(name, 2)
    path = (pages(w) if where == "page" else api_lists(w))[name][0]
    cursor = fetch(w, name, PageArgs(size=1)).next_cursor
    auth.login_as(CreditorFactory())
    for query in ("", f"?after={cursor}", "?after=junk"):
        assert client.get(path + query).status_code in (403, 404), (path, query)


def test_the_service_answer_carries_the_newest_page_and_links_to_the_rest(client, auth, w):
    w.add("notice_dispatches", 51)
    w.add("notice_events", 3)
    auth.login_as(w.creditor)
    data = client.get(f"{V1}/notices/{w.notice.id}/service").get_json()
    assert len(data["dispatches"]) == 50 and data["more_dispatches"] and data["more_events"] is None
    rest = client.get(data["more_dispatches"]).get_json()
    assert len(rest["dispatches"]) == 1 and rest["next"] is None and rest["prev"]
    assert {d["id"] for d in rest["dispatches"]}.isdisjoint({d["id"] for d in data["dispatches"]})
