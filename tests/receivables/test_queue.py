"""The Today queue: calls after a reminder at a call level, the last reminder before a notice,
limitation alerts, promises due; one owner per debtor."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from portal.receivables import promises, queue, sending
from portal.receivables.tasks import run_once
from tests.factories import CreditorFactory
from tests.receivables.helpers import creditor_with_reminders, debtor_case, invoice

NOON = datetime(2026, 12, 7, 6, 30, tzinfo=UTC)
TODAY = date(2026, 12, 7)


def test_calls_notice_level_limitation_and_promises(db_session, outbox):
    creditor, _ = creditor_with_reminders()
    at_notice = debtor_case(creditor, invoice("N-1", TODAY - timedelta(days=31)))
    old = debtor_case(creditor, invoice("OLD-1", date(2024, 1, 10)))  # limitation ends in early 2027
    run_once(TODAY, queue_sending=False)
    # Inside the contact window at noon IST; the reminder is stamped sent at the real time.
    assert sending.send_for(creditor.org_id, at_notice.debtor_party_id, NOON) == "sent"
    promised = debtor_case(creditor, invoice("P-1", TODAY - timedelta(days=3)))
    promises.make(creditor, promised.invoices[0], "1000", TODAY, made_how="staff after a call", today=TODAY)
    q = queue.today_for(creditor.organization, creditor, TODAY)
    assert [(r.name, ref, filed) for r, ref, filed in q.notice_level] == [
        (at_notice.debtor.legal_name, at_notice.reference, True)]
    assert [r.party_id for r, _, _ in q.limitation] == [old.debtor_party_id]
    assert [p.invoice_id for _, p in q.promises_due] == [promised.invoices[0].id]
    assert [(r.party_id, call.why) for r, call in q.calls] == [
        (at_notice.debtor_party_id, "after the reminder +30 days from the due date")]
    top = q.ranked[0]
    assert top.party_id == old.debtor_party_id and any("limitation ends" in r for r in top.score.reasons)


def test_allocation_is_audited_and_only_to_the_organisations_staff(db_session):
    from sqlalchemy import select

    from portal.audit import AuditEvent

    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("A-1", TODAY))
    colleague = CreditorFactory(organization=creditor.organization, is_org_admin=False)
    queue.allocate(creditor, creditor.org_id, case.debtor_party_id, colleague)
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "receivables.debtor_allocated")
                               .order_by(AuditEvent.seq.desc())).first()
    assert f'"to":{colleague.id}' in event.payload.replace(" ", "")
    stranger = CreditorFactory()
    try:
        queue.allocate(creditor, creditor.org_id, case.debtor_party_id, stranger)
    except queue.AllocationInvalid as exc:
        assert "member of your organisation" in str(exc)
    else:
        raise AssertionError("a stranger was given the debtor")


def test_a_broken_promise_leaves_the_queue_once_its_invoice_is_paid(db_session):
    from decimal import Decimal

    from portal.cases.models import Payment, PaymentMethod

    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("P-1", TODAY - timedelta(days=8), "50000.00"),
                       invoice("Q-1", TODAY - timedelta(days=2), "20000.00"))
    run_once(TODAY, queue_sending=False)
    promise = promises.make(creditor, case.invoices[0], "50000", TODAY + timedelta(days=2),
                            made_how="staff after a call", today=TODAY)
    assert promises.decide_due(TODAY + timedelta(days=2 + promises.GRACE_DAYS + 1))["broken"] == 1
    q = queue.today_for(creditor.organization, creditor, TODAY)
    assert [p.id for _, p in q.promises_broken] == [promise.id]
    # Paid since (a payment to the claim, applied to its oldest invoice first): nothing to chase,
    # though the debtor still owes the other invoice.
    db_session.add(Payment(case_id=case.id, amount=Decimal("50000.00"), paid_on=TODAY,
                           method=PaymentMethod.NEFT, recorded_by_id=creditor.id))
    db_session.flush()
    q = queue.today_for(creditor.organization, creditor, TODAY)
    assert q.promises_broken == []
    assert [r.party_id for r in q.ranked] == [case.debtor_party_id]
