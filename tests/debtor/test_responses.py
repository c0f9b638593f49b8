"""The debtor's answers: dispute (with counter-evidence), admit part, propose a plan, pay in full,
ask for a call back. Each is recorded, audited, moves the case and tells the creditor; bad input
is refused with a message and nothing kept; only the case's own debtor may answer, and only while
the claim is open."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from evidence.models import Audience, Document, DocumentKind, Side
from evidence.services import add_document
from notices.serving.models import ServiceTerms
from portal.audit import AuditEvent
from portal.cases.models import Payment, PaymentMethod
from portal.cases.states import CaseStatus
from portal.debtor.models import DisputeReason, ResponseKind
from portal.debtor.responses import dues
from portal.extensions import db
from portal.web.filters import inr
from tests.conftest import csrf_from
from tests.debtor.claims import as_account, as_guest, post_form, responses, served_claim
from tests.debtor.guest import signed_notice_record

S = CaseStatus


def actions(case) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)
                                   .order_by(AuditEvent.id)))


def mails_to(outbox, address: str) -> list:
    return [m for m in outbox() if address in m["To"]]


@pytest.fixture
def claim(db_session):
    return served_claim()


@pytest.fixture(params=["guest", "account"])
def debtor_in(request, client, auth, outbox, claim):
    """The debtor of `claim`, signed in through its personal link or with its account."""
    _creditor, case = claim
    if request.param == "guest":
        as_guest(client, case, outbox)
    else:
        as_account(auth, case)
    return request.param


def dispute_form(case, **over) -> dict:
    return {"reason": "goods_not_received",
            "explanation": "The second consignment never reached our Peenya godown; no challan was signed.",
            "invoices": [str(case.invoices[1].id)], "file_kind": "delivery_proof", **over}


def test_the_debtor_page_shows_dues_deadlines_verification_and_the_answers(client, claim, debtor_in):
    creditor, case = claim
    notice = signed_notice_record(case)
    db.session.add(ServiceTerms(notice_id=notice.id, respond_by=date(2026, 12, 8), requested_by_id=creditor.id))
    shared = add_document(creditor, case, io.BytesIO(b"Delivery challan 42, signed at the gate.\n"),
                          "challan-42.txt", DocumentKind.DELIVERY_PROOF)
    private = add_document(creditor, case, io.BytesIO(b"Note to our advocate.\n"), "note.txt",
                           DocumentKind.CORRESPONDENCE, audience=Audience.CREDITOR)
    page = client.get(f"/d/{case.reference}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "₹1,77,000.00" in text  # the amount due: both invoices, no interest stated
    assert "Invoice INV-2" in text and "08 December 2026" in text
    assert "Is it genuine?" in text and f"/verify/{notice.verification_code}" in text
    for endpoint in ("pay-in-full", "dispute", "admit", "plan", "call-back"):
        assert f"/d/{case.reference}/{endpoint}" in text
    assert "challan-42.txt" in text and "note.txt" not in text
    download = client.get(f"/cases/{case.reference}/evidence/{shared.id}")
    assert download.status_code == 200 and download.data.startswith(b"Delivery challan 42")
    download.close()
    assert client.get(f"/cases/{case.reference}/evidence/{private.id}").status_code == 404


def test_a_dispute_with_counter_evidence_goes_to_odr(client, claim, debtor_in, outbox):
    creditor, case = claim
    data = dispute_form(case, files=[(io.BytesIO(b"Gate register, 12 March: no vehicle from Kaveri.\n"),
                                      "gate-register.txt"),
                                     (io.BytesIO(b"E-mail to Kaveri asking where the goods are.\n"),
                                      "follow-up.txt")])
    resp = post_form(client, f"/d/{case.reference}/dispute", data, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    room = "odr.room" in client.application.view_functions
    assert resp.headers["Location"].endswith(f"/odr/{case.reference}" if room else f"/d/{case.reference}")
    (answer,) = responses(case)
    assert answer.kind == ResponseKind.DISPUTE and answer.reason == DisputeReason.GOODS_NOT_RECEIVED
    assert answer.disputed_ids == [case.invoices[1].id] and "Peenya" in answer.text
    assert (answer.by_id is None) == (debtor_in == "guest")
    assert (answer.link_id is not None) == (debtor_in == "guest")
    db.session.refresh(case)
    assert case.status == S.IN_NEGOTIATION
    docs = db.session.scalars(select(Document).where(Document.case_id == case.id)).all()
    assert sorted(d.filename for d in docs) == ["follow-up.txt", "gate-register.txt"]
    assert all(d.side == Side.DEBTOR and d.audience == Audience.ALL for d in docs)
    log = actions(case)
    assert log.index("debtor.dispute") < log.index("case.record_response") < log.index("case.open_negotiation")
    assert log.count("evidence.uploaded") == 2
    (mail,) = mails_to(outbox, creditor.email)
    body = mail.get_body(("plain",)).get_content()
    assert "Goods or services not received" in body and "INV-2" in body and "Peenya" in body
    shown = client.get(f"/d/{case.reference}").get_data(as_text=True)
    assert "Disputed the claim" in shown and "gate-register.txt" in shown
    assert (f"/odr/{case.reference}" in shown) == room


@pytest.mark.parametrize("change,message", [
    ({"reason": ""}, "Choose why you dispute the claim."),
    ({"reason": "i_just_dont_want_to"}, "Not a valid choice"),
    ({"explanation": "No."}, "at least 20 characters"),
    ({"explanation": "x" * 4001}, "4000"),
    ({"invoices": []}, "Choose at least one invoice you dispute."),
    ({"invoices": ["999999"]}, "not a valid choice"),
    ({"invoices": ["abc"]}, "Invalid choice"),
    ({"file_kind": "weapon"}, "Not a valid choice"),
])
def test_bad_disputes_are_refused_with_a_message(client, claim, debtor_in, outbox, change, message):
    creditor, case = claim
    resp = post_form(client, f"/d/{case.reference}/dispute", dispute_form(case, **change))
    assert resp.status_code == 422 and message.lower() in resp.get_data(as_text=True).lower()
    db.session.refresh(case)
    assert responses(case) == [] and case.status == S.NOTICE_SERVED
    assert mails_to(outbox, creditor.email) == []


def test_a_refused_file_keeps_nothing(client, claim, debtor_in):
    _creditor, case = claim
    data = dispute_form(case, files=[(io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200), "invoice.exe")])
    resp = post_form(client, f"/d/{case.reference}/dispute", data, content_type="multipart/form-data")
    assert resp.status_code == 422
    db.session.refresh(case)
    assert responses(case) == [] and case.status == S.NOTICE_SERVED
    assert db.session.scalars(select(Document).where(Document.case_id == case.id)).all() == []


def test_too_many_files_are_refused(client, claim, debtor_in):
    _creditor, case = claim
    files = [(io.BytesIO(f"page {i}\n".encode()), f"page-{i}.txt") for i in range(6)]
    resp = post_form(client, f"/d/{case.reference}/dispute", dispute_form(case, files=files),
                     content_type="multipart/form-data")
    assert resp.status_code == 422 and "at most 5 documents" in resp.get_data(as_text=True)
    assert responses(case) == []


def test_admitting_part_sends_only_the_rest_to_odr(client, claim, debtor_in, outbox):
    creditor, case = claim
    first, second = case.invoices
    resp = post_form(client, f"/d/{case.reference}/admit", {
        "admitted": [str(first.id)], "reason": "quality",
        "explanation": "Half the bales of INV-2 were water-damaged; photos were sent on 20 April."})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    (answer,) = responses(case)
    assert answer.kind == ResponseKind.ADMIT_PART and answer.admitted_amount == Decimal("118000.00")
    assert answer.disputed_ids == [second.id] and answer.reason == DisputeReason.QUALITY
    db.session.refresh(case)
    assert case.status == S.IN_NEGOTIATION
    assert "debtor.admit_part" in actions(case)
    assert "₹1,18,000.00" in mails_to(outbox, creditor.email)[0].get_body(("plain",)).get_content()
    shown = client.get(f"/d/{case.reference}").get_data(as_text=True)
    assert "Amount accepted" in shown
    if "payments.pay" in client.application.view_functions:  # the pay link for the accepted amount
        assert f"/d/{case.reference}/pay?amount=118000.00" in shown


@pytest.mark.parametrize("admitted,message", [
    ([], "Choose at least one invoice you accept."),
    (["both"], "accepted every invoice"),
])
def test_admitting_everything_or_nothing_is_refused(client, claim, debtor_in, admitted, message):
    _creditor, case = claim
    ids = [str(i.id) for i in case.invoices] if admitted == ["both"] else admitted
    resp = post_form(client, f"/d/{case.reference}/admit", {
        "admitted": ids, "reason": "quality", "explanation": "The goods on the other invoice were damaged."})
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    assert responses(case) == []


@pytest.mark.parametrize("status", [S.SETTLED, S.PAID, S.AWARDED, S.IN_ARBITRATION, S.CLOSED])
def test_answering_after_the_claim_is_decided_is_a_conflict(client, auth, db_session, status):
    _creditor, case = served_claim(status)
    as_account(auth, case)
    for path, data in ((f"/d/{case.reference}/dispute", dispute_form(case)),
                       (f"/d/{case.reference}/pay-in-full", {}),
                       (f"/d/{case.reference}/call-back", {"day": "2030-01-07", "slot": "10:00",
                                                          "phone": "9812345678"})):
        resp = post_form(client, path, data)
        assert resp.status_code == 409 and "can no longer be answered" in resp.get_data(as_text=True), path
    assert "can no longer be answered" in client.get(f"/d/{case.reference}").get_data(as_text=True)
    assert responses(case) == []


def test_another_cases_debtor_gets_404(client, auth, outbox, claim):
    _creditor, case = claim
    _other_creditor, other = served_claim()
    as_guest(client, case, outbox)
    for path in ("dispute", "admit", "plan", "call-back"):
        assert client.get(f"/d/{other.reference}/{path}").status_code == 404
    assert post_form(client, f"/d/{other.reference}/dispute", dispute_form(other)).status_code == 404
    as_account(auth, other)  # an account for the other party sees its own, not this one
    assert post_form(client, f"/d/{case.reference}/pay-in-full", {}).status_code == 404
    assert responses(case) == [] and responses(other) == []


def test_the_creditor_cannot_answer_for_the_debtor(client, auth, claim):
    creditor, case = claim
    auth.login_as(creditor)
    for path in ("dispute", "admit", "plan", "call-back"):
        assert client.get(f"/d/{case.reference}/{path}").status_code == 403
    assert post_form(client, f"/d/{case.reference}/dispute", dispute_form(case)).status_code == 403
    assert post_form(client, f"/d/{case.reference}/pay-in-full", {}).status_code == 403
    assert responses(case) == []


def test_a_post_without_csrf_is_refused(client, claim, debtor_in):
    _creditor, case = claim
    assert client.post(f"/d/{case.reference}/dispute", data=dispute_form(case)).status_code == 400
    assert client.post(f"/d/{case.reference}/pay-in-full").status_code == 400
    assert responses(case) == []


def test_acknowledging_receipt_is_recorded_but_answers_nothing(client, claim, debtor_in):
    _creditor, case = claim
    notice = signed_notice_record(case)
    path = f"/d/{case.reference}/notices/{notice.id}/acknowledge"
    assert post_form(client, path, {}).status_code == 302
    assert post_form(client, path, {}).status_code == 302  # a second press changes nothing
    (answer,) = responses(case)
    assert answer.kind == ResponseKind.ACKNOWLEDGE and "debtor.acknowledge" in actions(case)
    db.session.refresh(case)
    assert case.status == S.NOTICE_SERVED  # the period to pay, and its escalation to ODR, run on


def test_documents_over_the_request_limit_are_refused_with_a_message(client, app, claim, debtor_in, monkeypatch):
    _creditor, case = claim
    page = client.get(f"/d/{case.reference}/dispute")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    data = dispute_form(case, csrf_token=csrf_from(page), files=[(io.BytesIO(b"x" * 8192), "scan.txt")])
    resp = client.post(f"/d/{case.reference}/dispute", data=data, content_type="multipart/form-data")
    assert resp.status_code == 413 and "Nothing was recorded" in resp.get_data(as_text=True)
    assert responses(case) == []


def test_the_debtor_sees_the_same_computation_as_the_creditor(client, auth, outbox, db_session):
    creditor, case = served_claim(stated_interest_rate=Decimal("18.00"))
    case.payments.append(Payment(amount=Decimal("20000.00"), paid_on=date(2026, 3, 1), method=PaymentMethod.NEFT,
                                 reference="UTR 4471", recorded_by_id=creditor.id))
    db.session.flush()
    due = dues(case)
    assert due.interest_outstanding > 0 and due.paid_to_principal + due.paid_to_interest == Decimal("20000.00")
    figures = [inr(due.total_due), inr(due.interest_outstanding), inr(due.principal_outstanding), "UTR 4471"]
    auth.login_as(creditor)
    creditors_page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    as_guest(client, case, outbox)
    debtors_page = client.get(f"/d/{case.reference}").get_data(as_text=True)
    for figure in figures:
        assert figure in creditors_page and figure in debtors_page, figure


def test_answers_are_capped_per_hour(client, claim, debtor_in):
    _creditor, case = claim
    token = csrf_from(client.get(f"/d/{case.reference}/dispute"))
    bad = dispute_form(case, csrf_token=token, explanation="Too short.")
    statuses = [client.post(f"/d/{case.reference}/dispute", data=bad).status_code for _ in range(31)]
    assert statuses[:30] == [422] * 30 and statuses[30] == 429
