"""The s.21 notice: drafted from the case only on a basis in force, reviewed and signed through the
notices pipeline without moving the case through the demand-notice statuses, served with the case
moving into arbitration, and the commencement date read from its receipt (IT Act s.13(2))."""
from __future__ import annotations

import hashlib
import subprocess
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from arbitration.invocation import basis as bases
from arbitration.invocation import notice as invocation
from notices.models import NoticeKind
from notices.serving import receipt, receipts, timeline
from notices.serving.bounces import Bounce
from notices.serving.models import ChannelKind, DeliveryEvent, DeliveryProof, EventKind, ServiceTerms
from notices.serving.states import DispatchStatus
from notices.states import NoticeStatus
from portal.audit import AuditEvent
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.errors import DomainError
from portal.extensions import db
from tests.invocation.helpers import clause_basis, disputed_case, signed_invocation
from tests.serving.helpers import delivered

S = CaseStatus


def test_no_notice_without_an_agreement_in_force(db_session):
    creditor, _adv, case = disputed_case()
    with pytest.raises(DomainError, match="Record the arbitration agreement first"):
        invocation.draft_notice(creditor, case, today_ist())
    bases.propose_submission_agreement(creditor, case, seat="Mumbai")  # not yet accepted by both
    with pytest.raises(DomainError, match="Record the arbitration agreement first"):
        invocation.draft_notice(creditor, case, today_ist())


def test_no_notice_from_a_case_not_in_dispute(db_session):
    creditor, _adv, case = disputed_case(S.FILED)
    with pytest.raises(DomainError, match="open dispute"):
        invocation.draft_notice(creditor, case, today_ist())


def test_no_notice_without_an_advocate(db_session):
    creditor, _adv, case = disputed_case()
    clause_basis(creditor, case)
    case.advocate_id = None
    with pytest.raises(DomainError, match="Assign an advocate"):
        invocation.draft_notice(creditor, case, today_ist())


def test_the_notice_names_parties_agreement_dispute_relief_and_proposal(db_session, tmp_path):
    from notices.drafting.rendering import render_notice_pdf

    creditor, advocate, case = disputed_case()
    clause_basis(creditor, case)
    notice = invocation.draft_notice(creditor, case, today_ist())
    assert notice.kind == NoticeKind.ARBITRATION_INVOCATION and notice.status == NoticeStatus.DRAFTING
    (tmp_path / "n.pdf").write_bytes(render_notice_pdf(notice.current.body_html))
    text = " ".join(subprocess.run(["pdftotext", str(tmp_path / "n.pdf"), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "Section 21 of the Arbitration and Conciliation Act" in text
    assert case.creditor.legal_name in text and case.debtor.legal_name in text
    assert "page 4 of “supply-agreement.pdf”" in text and "sole arbitrator under the Arbitration" in text
    assert "The seat of arbitration is Pune" in text and "INV-" in text
    assert "The relief claimed" in text and "Total due" in text
    assert "appointed by the Sulah platform acting as the arbitral institution" in text
    assert "will not appoint the arbitrator alone" in text
    with pytest.raises(DomainError, match="already has a notice invoking arbitration"):
        invocation.draft_notice(creditor, case, today_ist())


def test_review_and_signature_leave_the_case_status_alone(db_session):
    creditor, advocate, case = disputed_case()
    clause_basis(creditor, case)
    notice = signed_invocation(creditor, advocate, case)
    assert notice.status == NoticeStatus.SIGNED and notice.signed_pdf_sha256
    assert case.status == S.IN_NEGOTIATION
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)))
    assert {"notice.submitted", "notice.approved", "notice.signed", "arbitration.invocation_drafted"} <= actions
    assert not actions & {"case.submit_notice", "case.sign_notice"}


def test_invoking_serves_the_notice_and_commencement_follows_receipt(db_session, outbox):
    creditor, advocate, case = disputed_case()
    clause_basis(creditor, case)
    notice = signed_invocation(creditor, advocate, case)
    assert invocation.commenced_on(case) is None
    invocation.invoke(creditor, case, {ChannelKind.EMAIL})
    commit()  # eager Celery: the dispatch goes out after the commit
    assert case.status == S.IN_ARBITRATION
    # The served request itself (the debtor is also told, separately, to agree on the arbitrator).
    mails = [m for m in outbox() if "debtor@example.in" in m["To"] and "arbitration" in m["Subject"]
             and m["Subject"].startswith("Request to refer")]
    assert len(mails) == 1
    pdf = next(p for p in mails[0].iter_attachments() if p.get_content_type() == "application/pdf")
    assert hashlib.sha256(pdf.get_content()).hexdigest() == notice.signed_pdf_sha256
    assert db.session.scalar(select(DeliveryProof).where(DeliveryProof.notice_id == notice.id))
    # Our relay's 250 is dispatch (IT Act s.13(1)), not receipt: nothing has commenced yet.
    assert db.session.scalar(select(DeliveryEvent).where(
        DeliveryEvent.notice_id == notice.id, DeliveryEvent.kind == EventKind.DISPATCHED)) is not None
    assert invocation.received_at(case) is None and invocation.commenced_on(case) is None
    # The debtor's only address is not designated, and none is: the DSN saying it entered its mailbox
    # is receipt (s.13(2)(b)).
    report = delivered(notice)
    assert invocation.received_at(case) == report.occurred_at
    assert invocation.commenced_on(case) == today_ist()
    ledger = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.invoke_arbitration"))
    assert ledger.data["notice_id"] == notice.id and ledger.data["basis_kind"] == "clause"


def test_invoking_needs_the_signed_notice(db_session):
    creditor, _adv, case = disputed_case()
    clause_basis(creditor, case)
    invocation.draft_notice(creditor, case, today_ist())
    with pytest.raises(DomainError, match="signed by the advocate first"):
        invocation.invoke(creditor, case, {ChannelKind.EMAIL})
    assert case.status == S.IN_NEGOTIATION


def _dispatch(notice, *, designated: bool):
    from notices.serving.models import Dispatch

    d = Dispatch(notice_id=notice.id, channel=ChannelKind.EMAIL, address="other@example.in",
                 idempotency_key=hashlib.sha256(str(designated).encode()).hexdigest(), designated=designated,
                 created_by_id=notice.created_by_id, bounce_token=f"b{designated}", pixel_token=f"p{designated}")
    db.session.add(d)
    db.session.flush()
    return d


def test_mail_to_an_undesignated_address_is_received_only_when_retrieved(db_session):
    creditor, advocate, case = disputed_case()
    case.debtor.contacts[0].designated = True  # the debtor designated another address
    clause_basis(creditor, case)
    notice = signed_invocation(creditor, advocate, case)
    elsewhere = _dispatch(notice, designated=False)
    timeline.record(notice, EventKind.DISPATCHED, source="smtp", dispatch=elsewhere, raw=b"250 ok",
                    occurred_at=datetime(2026, 11, 24, 20, 0, tzinfo=UTC))
    assert invocation.commenced_on(case) is None
    # Opened through its personal link after midnight IST: received on the 25th (IST), not the 24th.
    timeline.record(notice, EventKind.VIEWED, source="debtor_link", dispatch=elsewhere, raw=b"viewed",
                    occurred_at=datetime(2026, 11, 24, 19, 0, tzinfo=UTC))
    assert invocation.commenced_on(case) == date(2026, 11, 25)


def test_mail_entering_the_designated_address_is_received_when_delivered_there(db_session):
    creditor, advocate, case = disputed_case()
    case.debtor.contacts[0].designated = True
    clause_basis(creditor, case)
    notice = signed_invocation(creditor, advocate, case)
    designated = _dispatch(notice, designated=True)
    timeline.record(notice, EventKind.DISPATCHED, source="smtp", dispatch=designated, raw=b"250 ok",
                    occurred_at=datetime(2026, 11, 26, 5, 0, tzinfo=UTC))
    assert invocation.commenced_on(case) is None  # dispatch only (s.13(1))
    # Delivered into the designated mailbox at 23:50 IST on the 26th, unread: received that day (s.13(2)(a)(i)).
    timeline.record(notice, EventKind.DELIVERED, source="dsn", dispatch=designated, raw=b"delivered 2.0.0",
                    occurred_at=datetime(2026, 11, 26, 18, 20, tzinfo=UTC))
    assert invocation.commenced_on(case) == date(2026, 11, 26)


def test_a_bounced_email_with_no_other_channel_is_not_received_and_starts_no_clock(db_session, outbox):
    """Issue 17.1: served by e-mail only on 24 Nov 2026; the relay accepted it (250) at 10:00 IST and a
    permanent DSN (5.1.1) came back at 10:05 IST. The respondent never received the s.21 notice: the
    arbitration has not commenced and limitation is not stopped (s.43)."""
    creditor, advocate, case = disputed_case()
    clause_basis(creditor, case)
    notice = signed_invocation(creditor, advocate, case)
    only = _dispatch(notice, designated=False)
    timeline.record(notice, EventKind.DISPATCHED, source="smtp", dispatch=only, raw=b"250 2.0.0 queued",
                    occurred_at=datetime(2026, 11, 24, 4, 30, tzinfo=UTC))
    only.status = DispatchStatus.SENT
    dsn = Bounce(token=only.bounce_token, action="failed", status="5.1.1", recipient="other@example.in",
                 diagnostic="smtp; 550 5.1.1 no such user", message_id="<dsn-1@mx.example.in>")
    assert receipts.bounce(dsn, b"multipart/report 5.1.1")
    db.session.refresh(only)
    assert only.status == DispatchStatus.FAILED
    found = invocation.receipt_of(case)
    assert found.state == receipt.State.FAILED and found.failed == ((ChannelKind.EMAIL, "other@example.in"),)
    assert invocation.received_at(case) is None and invocation.commenced_on(case) is None
    assert db.session.get(ServiceTerms, notice.id) is None or \
        db.session.get(ServiceTerms, notice.id).received_at is None
    assert "notice.service_failed" in set(db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.case_id == case.id)))


def test_an_unsigned_draft_has_no_commencement(db_session):
    creditor, _adv, case = disputed_case()
    clause_basis(creditor, case)
    notice = invocation.draft_notice(creditor, case, today_ist())
    timeline.record(notice, EventKind.ACKNOWLEDGED, source="test", raw=b"ack")
    assert invocation.commenced_on(case) is None


def test_once_the_notice_is_signed_its_basis_cannot_be_replaced(db_session):
    creditor, advocate, case = disputed_case()
    clause_basis(creditor, case)
    signed_invocation(creditor, advocate, case)
    with pytest.raises(DomainError, match="can no longer be replaced"):
        bases.propose_submission_agreement(creditor, case, seat="Delhi")


def test_a_notice_already_served_from_its_delivery_page_is_not_served_twice(db_session, outbox):
    from notices.serving import dispatch

    creditor, advocate, case = disputed_case()
    clause_basis(creditor, case)
    notice = signed_invocation(creditor, advocate, case)
    dispatch.serve(creditor, notice, {ChannelKind.EMAIL})
    commit()
    assert case.status == S.IN_NEGOTIATION  # serving alone does not move the case
    invocation.invoke(creditor, case, set())
    commit()
    assert case.status == S.IN_ARBITRATION
    assert len([m for m in outbox() if "debtor@example.in" in m["To"]
                and m["Subject"].startswith("Request to refer")]) == 1
