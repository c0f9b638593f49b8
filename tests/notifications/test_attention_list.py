"""The "Needs your attention" list on each role's home page, and that an item is seen and dismissed
only by its addressee."""
from __future__ import annotations

import html
from datetime import timedelta

import pytest

from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.notifications.models import AttentionItem
from portal.types import utcnow
from tests.conftest import csrf_for
from tests.debtor.claims import as_account, as_guest
from tests.notifications.helpers import items, record, world

SOON = (utcnow() + timedelta(days=3)).isoformat()
LATER = (utcnow() + timedelta(days=9)).isoformat()


def page(client, path="/dashboard") -> str:
    resp = client.get(path, follow_redirects=True)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


@pytest.mark.parametrize(("role", "action", "payload", "words"), [
    ("filer", "payment.reported", {"report_id": 1}, "The debtor reported a payment"),
    ("org_admin", "payment.reported", {"report_id": 1}, "The debtor reported a payment"),
    ("advocate", "debtor.dispute", {"response_id": 1}, "disputed the claim"),
    ("advocate", "case.advocate_assigned", {"advocate_id": 0}, "assigned you"),
    ("filer", "case.advocate_declined", {"advocate_id": 0, "reason": "A conflict."}, "The reason given: A conflict."),
    ("neutral", "arbitration.arbitrator_challenged", {"appointment_id": 1}, "challenges your appointment"),
    ("admin", "odr.conciliation_requested", {"request_id": 1}, "A conciliator is requested"),
])
def test_each_roles_dashboard_lists_its_items(client, auth, db_session, outbox, role, action, payload, words):
    w = world(CaseStatus.IN_NEGOTIATION)
    record(action, w.case, None, **payload)
    auth.login_as(w.user(role))
    html = page(client)
    assert "Needs your attention" in html and words in html and w.case.reference in html
    auth.login_as(w.staff)  # creditor staff not addressed: the list is empty
    html = page(client)
    assert "Nothing waits for you right now." in html and words not in html


def test_the_debtor_sees_its_items_on_its_cases_page(client, auth, db_session, outbox):
    w = world(CaseStatus.IN_NEGOTIATION)
    record("offer.made", w.case, w.filer, offer=1, side="creditor", parent=None, valid_until=SOON)
    as_account(auth, w.case)
    html = page(client, "/d/")
    assert "Needs your attention" in html and "made an offer in " + w.case.reference in html
    assert f'href="/odr/{w.case.reference}/offers"' in html and "IST" in html


def test_a_debtor_reading_hindi_sees_its_items_in_hindi(client, auth, db_session, outbox):
    w = world(CaseStatus.IN_NEGOTIATION)
    record("offer.made", w.case, w.filer, offer=1, side="creditor", parent=None, valid_until=SOON)
    as_account(auth, w.case)
    creditor, reference = w.case.creditor.legal_name, w.case.reference
    hindi = html.unescape(page(client, "/d/?lang=hi"))
    assert f"{reference} में {creditor} ने एक प्रस्ताव दिया है।" in hindi and "made an offer" not in hindi
    assert "इसे स्वीकार करें, प्रति-प्रस्ताव दें या अस्वीकार करें" in hindi and "Accept it" not in hindi
    english = html.unescape(page(client, "/d/?lang=en"))  # stored in English, shown as stored
    [item] = [i for i in items(w.case) if i.party_id]
    assert item.what == f"{creditor} made an offer in {reference}." and item.what in english


def test_the_debtor_through_its_link_sees_the_items_of_that_case_only(client, db_session, outbox):
    w = world(CaseStatus.IN_NEGOTIATION)
    other = world(CaseStatus.IN_NEGOTIATION)
    record("bidding.proposed", w.case, w.filer, agreement=1, side="creditor")
    record("bidding.proposed", other.case, other.filer, agreement=2, side="creditor")
    as_guest(client, w.case, outbox)
    html = page(client, "/d/")
    assert f"blind bidding in {w.case.reference}" in html and other.case.reference not in html


def test_soonest_due_first_and_lapsed_windows_left_out(client, auth, db_session, outbox):
    w = world(CaseStatus.IN_ARBITRATION)
    record("arbitration.hearing_scheduled", w.case, w.neutral, hearing_id=1, starts_at=LATER)
    record("arbitration.arbitrator_accepted", w.case, w.neutral, appointment_id=1, challenge_deadline=SOON)
    record("arbitration.procedural_order", w.case, w.neutral, order_id=1, number=1)
    auth.login_as(w.advocate)
    html = page(client)
    order = [html.index(t) for t in ("tribunal in", "set a hearing", "Procedural Order No. 1")]
    assert order == sorted(order)
    hearing = next(i for i in items(w.case) if i.kind == "hearing_set" and i.user_id == w.advocate.id)
    hearing.due_at = utcnow() - timedelta(hours=1)  # the hearing is over: nothing waits any more
    html = page(client)
    assert "set a hearing" not in html and "Procedural Order No. 1" in html


def test_the_addressee_dismisses_an_item(client, auth, db_session, outbox):
    w = world(CaseStatus.RESPONDED)
    record("debtor.dispute", w.case, None, response_id=1)
    item = next(i for i in items(w.case) if i.user_id == w.advocate.id)
    auth.login_as(w.advocate)
    resp = client.post(f"/attention/{item.id}/dismiss", data={"csrf_token": csrf_for(client), "next": "/dashboard"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/dashboard")
    db.session.refresh(item)
    assert item.resolved_by == "dismissed"
    assert "disputed the claim" not in page(client)


@pytest.mark.parametrize("intruder", ["staff", "filer", "neutral", "admin"])
def test_no_one_else_may_dismiss_it(client, auth, db_session, outbox, intruder):
    w = world(CaseStatus.RESPONDED)
    record("debtor.dispute", w.case, None, response_id=1)
    item = next(i for i in items(w.case) if i.user_id == w.advocate.id)
    auth.login_as(w.user(intruder))
    resp = client.post(f"/attention/{item.id}/dismiss", data={"csrf_token": csrf_for(client)})
    assert resp.status_code == 404
    assert db.session.get(AttentionItem, item.id).resolved_at is None


def test_a_debtor_may_not_dismiss_another_debtors_item(client, auth, db_session, outbox):
    w, other = world(CaseStatus.IN_NEGOTIATION), world(CaseStatus.IN_NEGOTIATION)
    record("offer.made", other.case, other.filer, offer=1, side="creditor", parent=None)
    theirs = next(i for i in items(other.case) if i.party_id)
    as_account(auth, w.case)
    resp = client.post(f"/attention/{theirs.id}/dismiss", data={"csrf_token": csrf_for(client)})
    assert resp.status_code == 404


def test_dismiss_needs_a_login_a_post_and_a_token(client, auth, db_session, outbox):
    w = world(CaseStatus.RESPONDED)
    record("debtor.dispute", w.case, None, response_id=1)
    item = next(i for i in items(w.case) if i.user_id == w.advocate.id)
    assert client.post(f"/attention/{item.id}/dismiss").status_code in (302, 400, 401)
    auth.login_as(w.advocate)
    assert client.get(f"/attention/{item.id}/dismiss").status_code == 405
    assert client.post(f"/attention/{item.id}/dismiss").status_code == 400
    assert client.post("/attention/999999/dismiss", data={"csrf_token": csrf_for(client)}).status_code == 404
    assert db.session.get(AttentionItem, item.id).resolved_at is None
