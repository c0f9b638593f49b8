"""Recording later facts on a case page: payments, acknowledgements, time-bar justifications."""
import pytest
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.cases.models import Acknowledgement, Payment
from portal.cases.states import CaseStatus
from tests.conftest import csrf_from
from tests.factories import (
    AdvocateFactory,
    CaseFactory,
    CreditorFactory,
    DebtorUserFactory,
    EngagementFactory,
)


@pytest.fixture
def setup(db_session, auth, client):
    creditor = CreditorFactory()
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED)
    auth.login_as(creditor)
    page = client.get(f"/cases/{case.reference}")
    assert page.status_code == 200
    return creditor, case, csrf_from(page)


def n(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_record_payment(client, setup, db_session):
    _, case, csrf = setup
    resp = client.post(f"/cases/{case.reference}/payments", data={
        "csrf_token": csrf, "amount": "5000.50", "paid_on": "2026-03-01", "method": "upi",
        "reference": "UTR99", "invoice_id": str(case.invoices[0].id)})
    assert resp.status_code == 302
    pay = db_session.scalar(select(Payment).where(Payment.case_id == case.id))
    assert str(pay.amount) == "5000.50" and pay.invoice_id == case.invoices[0].id
    page = client.get(f"/cases/{case.reference}")
    assert "₹5,000.50" in page.get_data(as_text=True)


@pytest.mark.parametrize("data,message", [
    ({"amount": "0", "paid_on": "2026-03-01"}, "must be more than zero"),
    ({"amount": "", "paid_on": "2026-03-01"}, "Give the amount"),
    ({"amount": "100", "paid_on": "2099-03-01"}, "cannot be in the future"),
    ({"amount": "100", "paid_on": "01-03-2026x"}, "Not a valid date"),
    ({"amount": "100", "paid_on": "2026-03-01", "invoice_id": "999999"}, "Not a valid choice"),
    ({"amount": "1e400", "paid_on": "2026-03-01"}, "not with an exponent"),
    ({"amount": "100.555", "paid_on": "2026-03-01"}, "at most two decimal places"),
])
def test_bad_payment_is_refused(client, setup, db_session, data, message):
    _, case, csrf = setup
    before = (n(db_session, Payment), n(db_session, AuditEvent))
    resp = client.post(f"/cases/{case.reference}/payments",
                       data={"csrf_token": csrf, "method": "upi", **data})
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert (n(db_session, Payment), n(db_session, AuditEvent)) == before


def test_acknowledgement(client, setup, db_session):
    _, case, csrf = setup
    resp = client.post(f"/cases/{case.reference}/acknowledgements", data={
        "csrf_token": csrf, "acknowledged_on": "2026-04-01", "description": "Signed ledger confirmation",
        "invoice_id": ""})
    assert resp.status_code == 302
    assert n(db_session, Acknowledgement) == 1
    bad = client.post(f"/cases/{case.reference}/acknowledgements", data={
        "csrf_token": csrf, "acknowledged_on": "2099-04-01", "description": "x"})
    assert bad.status_code == 422 and n(db_session, Acknowledgement) == 1


def test_justification(client, setup, db_session):
    _, case, csrf = setup
    inv = case.invoices[0]
    short = client.post(f"/cases/{case.reference}/justifications", data={
        "csrf_token": csrf, "invoice_id": str(inv.id), "justification": "too short"})
    assert short.status_code == 422
    resp = client.post(f"/cases/{case.reference}/justifications", data={
        "csrf_token": csrf, "invoice_id": str(inv.id),
        "justification": "Debtor acknowledged in a signed e-mail of 2 May 2025; see exhibit C."})
    assert resp.status_code == 302
    db_session.refresh(inv)
    assert inv.time_bar_justification.startswith("Debtor acknowledged")


@pytest.mark.parametrize("who", ["other_creditor", "debtor", "advocate"])
def test_wrong_party_cannot_record(client, auth, db_session, who):
    creditor = CreditorFactory()
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED)
    if who == "other_creditor":
        user, expected = CreditorFactory(), 404
    elif who == "debtor":
        user, expected = DebtorUserFactory(), 404
    else:
        user = AdvocateFactory()
        EngagementFactory(org_id=creditor.org_id, advocate_id=user.id)
        expected = 403
    auth.login_as(user)
    page = client.get("/dashboard", follow_redirects=True)
    resp = client.post(f"/cases/{case.reference}/payments", data={
        "csrf_token": csrf_from(page), "amount": "10", "paid_on": "2026-03-01", "method": "upi"})
    assert resp.status_code == expected


def test_the_payers_acknowledgement_of_a_payment_is_recorded_once(client, setup, db_session):
    _, case, csrf = setup
    client.post(f"/cases/{case.reference}/payments", data={
        "csrf_token": csrf, "amount": "5000.00", "paid_on": "2026-03-01", "method": "neft",
        "reference": "UTR7"})
    pay = db_session.scalar(select(Payment).where(Payment.case_id == case.id))
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "does not extend limitation (s.19)" in page
    assert "written acknowledgement of a payment</summary>" in page
    url = f"/cases/{case.reference}/payment-acknowledgements"
    short = client.post(url, data={"csrf_token": csrf, "payment_id": str(pay.id), "document": "ok"})
    assert short.status_code == 422 and "Describe the document" in short.get_data(as_text=True)
    wrong = client.post(url, data={"csrf_token": csrf, "payment_id": "999999",
                                   "document": "Signed letter of 2 Mar 2026"})
    assert wrong.status_code == 422
    assert db_session.get(Payment, pay.id).payer_acknowledgement is None
    done = client.post(url, data={"csrf_token": csrf, "payment_id": str(pay.id),
                                  "document": "Buyer's signed letter of 2 Mar 2026 confirming it"})
    assert done.status_code == 302
    assert db_session.get(Payment, pay.id).payer_acknowledgement.startswith("Buyer's signed letter")
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "case.payment_acknowledged"))
    assert event.data["payment_id"] == pay.id
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Acknowledged by the payer in writing: Buyer&#39;s signed letter" in page
    again = client.post(url, data={"csrf_token": csrf, "payment_id": str(pay.id),
                                   "document": "Another signed letter of 3 Mar 2026"})
    assert again.status_code == 422  # no longer offered: the choice is refused
