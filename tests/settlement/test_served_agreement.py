"""The completed settlement agreement served on the debtor as a document in its own right (kind
"settlement"): made and dispatched by e-mail when the last party agrees, its receipt recorded from a
delivery event, its delivery page for the creditor's side and no one else, its personal link named
for what it is; no address, no served document, and the agreement still completes."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from arbitration.settlement import serving, signing
from arbitration.settlement.models import AgreementStatus
from notices.serving import dispatch as dispatching
from notices.serving.documents import DocumentKind
from notices.serving.models import ChannelKind
from notices.serving.states import DispatchStatus, ServedDocumentStatus
from portal.audit import AuditEvent
from portal.cases.models import ContactKind
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.extensions import db
from tests.conftest import csrf_from
from tests.factories import CreditorFactory, DebtorUserFactory
from tests.serving.helpers import ALWAYS, delivered
from tests.settlement.helpers import agreement_for, room_case

CODE = "123456"


@pytest.fixture
def fixed_code(monkeypatch):
    """Codes are kept only as an HMAC; fix the one generated so the test can type it."""
    monkeypatch.setattr("portal.onetime_codes.secrets.randbelow", lambda n: int(CODE))


def settled(*, neutral: bool = False):
    """A case whose agreement both parties (and the neutral, when one took part) accepted by code; the
    creditor may be contacted at any hour, so the dispatch goes at once."""
    case, staff = room_case(CaseStatus.IN_CONCILIATION if neutral else CaseStatus.IN_NEGOTIATION,
                            neutral=neutral)
    for key, value in ALWAYS.items():
        setattr(case.creditor, key, value)
    case.created_by_id = staff.id
    agreement = agreement_for(case, staff)
    debtor = DebtorUserFactory()
    case.debtor.user_id = debtor.id
    db.session.flush()
    for actor in (debtor, staff) + ((case.neutral,) if neutral else ()):
        signing.send_code(agreement, actor, 0, "203.0.113.7")
        signing.accept_with_code(agreement, actor, CODE, "203.0.113.7")
    assert agreement.status == AgreementStatus.SIGNED
    return case, staff, debtor, agreement


def events(case, action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                            AuditEvent.action == action)))


def test_served_on_the_debtor_by_email_and_received_on_proof(db_session, outbox, fixed_code):
    case, staff, _debtor, agreement = settled()
    document = serving.document_for(agreement)
    assert document.kind == DocumentKind.SETTLEMENT and document.status == ServedDocumentStatus.SERVING
    assert document.signed_pdf_sha256 == agreement.final_pdf_sha256 and document.signed_at == agreement.completed_at
    assert document.sender == "the parties to the settlement"
    assert document.signatory == f"{case.creditor.legal_name} and {case.debtor.legal_name}"
    assert document.pdf_name == f"settlement-agreement-{case.reference}.pdf"
    # Served by the system on completion, not by a person; the creditor's signer hears of a failure.
    (created,) = events(case, "served_document.created")
    assert created.actor_id is None and json.loads(created.payload)["kind"] == "settlement"
    assert events(case, "served_document.serve")[0].actor_id is None
    commit()  # the dispatch goes after the commit
    (sent,) = dispatching.dispatches_for(document)
    assert sent.channel == ChannelKind.EMAIL and sent.address == "debtor@example.in"
    assert sent.status == DispatchStatus.SENT and sent.notice_id is None and sent.created_by_id == staff.id
    mail = next(m for m in outbox() if m["To"] == "debtor@example.in"
                and m["Subject"].startswith("Settlement agreement"))
    assert mail["Subject"] == (f"Settlement agreement {case.reference} with {case.creditor.legal_name}, "
                               "agreed by both parties and sealed")
    [attachment] = mail.iter_attachments()
    assert attachment.get_filename() == document.pdf_name
    from evidence.services import store

    with store().open(agreement.final_pdf_sha256) as fh:
        assert attachment.get_content() == fh.read()
    text = mail.get_body(("plain",)).get_content()
    assert f"/verify/{document.verification_code}" in text and "/n/" in text
    assert "legal notice" not in text.lower() and "arbitral" not in text.lower()
    sent.designated = True
    delivered(document)
    assert document.status == ServedDocumentStatus.RECEIVED and document.received_at is not None
    assert events(case, "served_document.received")


def test_the_neutral_authenticating_last_completes_and_serves_it(db_session, outbox, fixed_code):
    case, _staff, _debtor, agreement = settled(neutral=True)
    document = serving.document_for(agreement)
    assert document is not None and document.signatory.endswith(f"authenticated by {case.neutral.name}")
    assert serving.serve_on_debtor(agreement) is document  # one served document per agreement


def test_no_address_to_serve_on_no_served_document_and_still_complete(db_session, outbox, fixed_code):
    case, staff = room_case()
    case.debtor.contacts = [c for c in case.debtor.contacts if c.kind != ContactKind.EMAIL]
    case.debtor.postal_address = ""
    assert serving.channels_for(case) == set()
    agreement = agreement_for(case, staff)
    debtor = DebtorUserFactory()
    case.debtor.user_id = debtor.id
    db.session.flush()
    for actor in (debtor, staff):
        signing.send_code(agreement, actor, 0, "10.0.0.1")
        signing.accept_with_code(agreement, actor, CODE, "10.0.0.1")
    assert agreement.status == AgreementStatus.SIGNED and case.status == CaseStatus.SETTLED
    assert serving.document_for(agreement) is None and not events(case, "served_document.created")


def test_post_when_the_debtor_has_only_a_postal_address(db_session):
    case, _staff = room_case()
    case.debtor.contacts = [c for c in case.debtor.contacts if c.kind != ContactKind.EMAIL]
    case.debtor.postal_address = "22 Residency Road, Bengaluru 560025"
    assert serving.channels_for(case) == {ChannelKind.POST}


def test_the_creditor_sees_its_delivery_page_and_no_one_else_does(client, auth, db_session, outbox, fixed_code):
    case, staff, debtor, agreement = settled()
    commit()
    document = serving.document_for(agreement)
    auth.login_as(staff)
    body = client.get(f"/odr/{case.reference}/settlement").get_data(as_text=True)
    assert f"/served/{document.id}/delivery" in body and "Served on the debtor" in body
    page = client.get(f"/served/{document.id}/delivery")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Service of the settlement agreement" in text
    assert "the parties to the settlement" in text
    proof = client.get(f"/served/{document.id}/delivery-proof.pdf")
    assert proof.status_code == 200 and proof.mimetype == "application/pdf"
    for intruder in (CreditorFactory(), debtor):  # another organisation's staff; the debtor itself
        auth.login_as(intruder)
        assert client.get(f"/served/{document.id}/delivery").status_code in (403, 404)
        assert client.get(f"/served/{document.id}/delivery-proof.pdf").status_code in (403, 404)
    body = client.get(f"/odr/{case.reference}/settlement").get_data(as_text=True)
    assert f"/served/{document.id}/delivery" not in body  # the debtor's own page has no delivery record


def test_its_personal_link_names_the_settlement_agreement(client, db_session, outbox, fixed_code):
    _case, _staff, _debtor, agreement = settled()
    commit()
    mail = next(m for m in outbox() if m["Subject"].startswith("Settlement agreement"))
    token = mail.get_body(("plain",)).get_content().split("/n/")[1].split()[0]
    page = client.get(f"/n/{token}")
    body = " ".join(page.get_data(as_text=True).split())
    assert page.status_code == 200
    assert "The parties to the settlement have sent you the settlement agreement" in body
    sent = client.post(f"/n/{token}/code", data={"csrf_token": csrf_from(page), "destination": "0"})
    assert sent.status_code == 302
    code_mail = outbox()[-1]
    assert f"open the settlement agreement {agreement.case.reference}" in code_mail.get_body(("plain",)).get_content()
