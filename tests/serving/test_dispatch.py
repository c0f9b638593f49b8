"""Serving a signed notice by e-mail: exactly once, with the PDF, the personal link and the
pixel; the contact window and the daily cap; permanent and transient SMTP failures."""
from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from evidence.checkpoints import AuditCheckpoint
from notices.serving import dispatch as dispatching
from notices.serving import dispatch_runner
from notices.serving.models import (
    ChannelKind,
    DeliveryEvent,
    DeliveryProof,
    Dispatch,
    EventKind,
    ServiceTerms,
)
from notices.serving.states import DispatchStatus
from portal.audit import AuditEvent
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.errors import DomainError
from portal.extensions import db
from tests.fakes.smtp_servers import MisbehavingSmtp
from tests.serving.helpers import signed_notice

LINK = re.compile(r"http://[^/\s]+/n/([A-Za-z0-9_-]{20,})")


def kinds(notice) -> list[str]:
    return [e.kind.value for e in db.session.scalars(
        select(DeliveryEvent).where(DeliveryEvent.notice_id == notice.id).order_by(DeliveryEvent.id))]


def serve(creditor, notice, *channels, escalate=False):
    created = dispatching.serve(creditor, notice, set(channels) or {ChannelKind.EMAIL},
                                escalate_to_odr=escalate)
    commit()  # eager Celery: the tasks run here, after the commit, as in production
    return created


def test_email_goes_out_once_with_pdf_link_and_pixel(db_session, outbox):
    creditor, _adv, case, notice = signed_notice(mobile=None)
    (dispatch,) = serve(creditor, notice)
    mails = [m for m in outbox() if "debtor@example.in" in m["To"]]
    assert len(mails) == 1
    raw = mails[0]
    pdfs = [p for p in raw.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert hashlib.sha256(pdfs[0].get_content()).hexdigest() == notice.signed_pdf_sha256
    body = raw.get_body(("plain",)).get_content()
    assert LINK.search(body) and f"/verify/{notice.verification_code}" in body
    assert f"/t/{dispatch.pixel_token}.gif" in raw.get_body(("html",)).get_content()
    db.session.refresh(dispatch)
    assert dispatch.status == DispatchStatus.SENT and dispatch.provider == "smtp"
    assert dispatch.provider_message_id == raw["Message-ID"]
    assert kinds(notice) == ["queued", "dispatched"]
    dispatched = db.session.scalar(select(DeliveryEvent).where(DeliveryEvent.kind == EventKind.DISPATCHED))
    assert b"250" in dispatched.raw and dispatched.payload_sha256 == hashlib.sha256(dispatched.raw).hexdigest()
    assert case.status == CaseStatus.NOTICE_SERVED
    terms = db.session.get(ServiceTerms, notice.id)
    # Dispatch is not receipt (IT Act s.13): the relay's 250 starts no period to pay.
    assert terms.first_dispatched_at is not None and terms.received_at is None and terms.respond_by is None
    ledger = {e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id))}
    assert {"delivery.queued", "delivery.dispatched", "case.serve_notice", "delivery.proof_issued"} <= ledger
    # The served notice sealed the ledger's head once its transaction committed.
    served_seq = db.session.scalar(select(AuditEvent.seq).where(AuditEvent.case_id == case.id,
                                                                 AuditEvent.action == "case.serve_notice"))
    assert any(c.reason == "notice served" and c.seq >= served_seq
               for c in db.session.scalars(select(AuditCheckpoint)))
    assert db.session.scalar(select(DeliveryProof).where(DeliveryProof.notice_id == notice.id))
    # Running the task again (a retry, a duplicate delivery by the broker) sends nothing.
    assert dispatch_runner.run(dispatch.id).result == "done"
    assert len([m for m in outbox() if "debtor@example.in" in m["To"]]) == 1


def test_serving_again_skips_addresses_already_served(db_session, outbox):
    creditor, _adv, _case, notice = signed_notice(mobile=None)
    serve(creditor, notice)
    with pytest.raises(DomainError, match="already been served"):
        dispatching.serve(creditor, notice, {ChannelKind.EMAIL})


@pytest.mark.parametrize("channels, message", [
    ({ChannelKind.WHATSAPP}, "never sent alone"),
    (set(), "at least one"),
])
def test_refused_service_requests(db_session, channels, message):
    creditor, _adv, _case, notice = signed_notice()
    with pytest.raises(DomainError, match=message):
        dispatching.serve(creditor, notice, channels)


def test_no_mobile_no_sms(db_session):
    creditor, _adv, _case, notice = signed_notice(mobile=None)
    with pytest.raises(DomainError, match="no mobile number"):
        dispatching.serve(creditor, notice, {ChannelKind.EMAIL, ChannelKind.SMS})
    assert db.session.scalars(select(Dispatch)).all() == []


def test_unsigned_notice_is_not_served(db_session):
    from notices.drafting import workflow as services
    from portal.cases.intake import today_ist
    from tests.factories import CaseFactory, CreditorFactory

    creditor = CreditorFactory()
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED)
    notice = services.start_notice(creditor, case, today_ist())
    with pytest.raises(DomainError, match="Only a signed notice"):
        dispatching.serve(creditor, notice, {ChannelKind.EMAIL})


def _at(monkeypatch, when: datetime):
    monkeypatch.setattr(dispatch_runner, "utcnow", lambda: when)


def test_outside_the_contact_window_waits_for_eight_ist(db_session, outbox, monkeypatch):
    creditor, _adv, _case, notice = signed_notice(
        mobile=None, window={"contact_from_minute": 8 * 60, "contact_until_minute": 19 * 60,
                             "daily_contact_cap": 4})
    _at(monkeypatch, datetime(2026, 11, 23, 14, 0, tzinfo=UTC))  # 19:30 IST
    (dispatch,) = serve(creditor, notice)
    assert outbox() == []
    db.session.refresh(dispatch)
    assert dispatch.status == DispatchStatus.QUEUED
    assert dispatch.not_before == datetime(2026, 11, 24, 2, 30, tzinfo=UTC)  # 08:00 IST next day
    assert "deferred" in kinds(notice)
    _at(monkeypatch, datetime(2026, 11, 24, 2, 30, tzinfo=UTC))
    assert dispatch_runner.run(dispatch.id).result == "sent"
    assert len(outbox()) >= 1


def test_daily_cap_defers_the_rest_to_tomorrow(db_session, outbox, monkeypatch):
    creditor, _adv, _case, notice = signed_notice(
        mobile=None, window={"contact_from_minute": 0, "contact_until_minute": 1440, "daily_contact_cap": 1})
    notice.case.debtor.contacts[0].designated = True
    from portal.cases.models import ContactKind, PartyContact

    notice.case.debtor.contacts.append(PartyContact(kind=ContactKind.EMAIL, value="accounts@example.in",
                                                    source="test"))
    first, second = serve(creditor, notice)
    statuses = sorted([db.session.get(Dispatch, first.id).status, db.session.get(Dispatch, second.id).status])
    assert statuses == [DispatchStatus.QUEUED, DispatchStatus.SENT]
    # (The creditor's own mail, "the notice is signed: serve it", is no contact with the debtor.)
    assert len([m for m in outbox() if creditor.email not in m["To"]]) == 1


@pytest.fixture
def smtp(app, monkeypatch):
    server = MisbehavingSmtp().start()
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    yield server
    server.stop()


def test_unknown_recipient_fails_permanently_and_tells_the_creditor(db_session, smtp, outbox):
    smtp.behaviour.refuse["debtor@example.in"] = "550 5.1.1 No such user here"
    creditor, _adv, _case, notice = signed_notice(mobile=None)
    (dispatch,) = serve(creditor, notice)
    db.session.refresh(dispatch)
    assert dispatch.status == DispatchStatus.FAILED and "550" in dispatch.last_error
    assert kinds(notice)[-1] == "failed"
    told = [m for m in smtp.behaviour.received if creditor.email in m[1]]
    assert len(told) == 1 and b"could not be served" in told[0][2]
    assert dispatch_runner.run(dispatch.id).result == "done"


def test_temporary_failure_retries_then_sends_once(db_session, smtp, app, monkeypatch):
    monkeypatch.setitem(app.config, "DISPATCH_RETRY_BASE_SECONDS", 10)
    smtp.behaviour.temp_fail_next = 2
    creditor, _adv, _case, notice = signed_notice(mobile=None)
    before = datetime.now(UTC)
    (dispatch,) = serve(creditor, notice)
    after = datetime.now(UTC)
    db.session.refresh(dispatch)
    assert dispatch.status == DispatchStatus.QUEUED and "451" in dispatch.last_error
    # 10 s with jitter (5 to 10 s) from the failed attempt, which happened between before and after.
    assert (dispatch.not_before - before).total_seconds() >= 5
    assert (dispatch.not_before - after).total_seconds() <= 10
    assert dispatch_runner.run(dispatch.id).result == "retry"
    assert dispatch_runner.run(dispatch.id).result == "sent"
    assert len(smtp.behaviour.messages_to("debtor@example.in")) == 1
    assert kinds(notice).count("retry") == 2
    db.session.refresh(dispatch)
    assert dispatch.attempts == 3


def test_server_down_then_back(db_session, smtp, app):
    smtp.stop()
    creditor, _adv, _case, notice = signed_notice(mobile=None)
    (dispatch,) = serve(creditor, notice)
    assert db.session.get(Dispatch, dispatch.id).status == DispatchStatus.QUEUED
    smtp.start()
    assert dispatch_runner.run(dispatch.id).result == "sent"
    assert dispatch_runner.run(dispatch.id).result == "done"
    assert len(smtp.behaviour.messages_to("debtor@example.in")) == 1


def test_gives_up_after_the_attempt_limit(db_session, smtp, app, monkeypatch):
    monkeypatch.setitem(app.config, "DISPATCH_MAX_ATTEMPTS", 2)
    smtp.behaviour.busy["debtor@example.in"] = 5
    creditor, _adv, _case, notice = signed_notice(mobile=None)
    (dispatch,) = serve(creditor, notice)
    assert dispatch_runner.run(dispatch.id).result == "retry"
    outcome = dispatch_runner.run(dispatch.id)
    assert outcome.result == "failed" and "Gave up after 2 attempts" in outcome.detail


def test_a_live_claim_is_not_sent_twice(db_session, outbox):
    creditor, _adv, _case, notice = signed_notice(mobile=None)
    (dispatch,) = dispatching.serve(creditor, notice, {ChannelKind.EMAIL})
    db.session.commit()  # no after-commit hooks: the task is not run
    dispatch.status = DispatchStatus.SENDING
    dispatch.claimed_until = datetime(2099, 1, 1, tzinfo=UTC)
    db.session.commit()
    assert dispatch_runner.run(dispatch.id).result == "busy"
    assert outbox() == []
