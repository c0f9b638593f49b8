"""Promises to pay: the invoice waits; kept when the money arrives by the date plus grace, broken
otherwise, and a broken promise resumes the cadence at once at the next level."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.cases.models import Payment, PaymentMethod
from portal.extensions import db
from portal.receivables import evaluation, promises
from portal.receivables.models import Reminder, ReminderLevel
from portal.receivables.states import PromiseStatus, ReminderStatus
from portal.receivables.tasks import run_once
from tests.receivables.helpers import creditor_with_reminders, debtor_case, invoice

TODAY = date(2026, 12, 7)


def levels_of(invoice_id: int) -> list[tuple[int, ReminderStatus]]:
    rows = db.session.execute(select(ReminderLevel.offset_days, Reminder._status)
                              .join(ReminderLevel, ReminderLevel.id == Reminder.level_id)
                              .where(Reminder.invoice_id == invoice_id).order_by(Reminder.id)).all()
    return [(o, ReminderStatus(s)) for o, s in rows]


def promised(db_session, amount="50000", days=5):
    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("P-1", TODAY - timedelta(days=8)))
    run_once(TODAY, queue_sending=False)  # the +7 reminder, pending
    inv = case.invoices[0]
    promise = promises.make(creditor, inv, amount, TODAY + timedelta(days=days), made_how="staff after a call",
                            today=TODAY)
    return creditor, case, inv, promise


def test_a_promise_sets_the_invoice_aside(db_session):
    _, _, inv, promise = promised(db_session)
    assert levels_of(inv.id) == [(7, ReminderStatus.SKIPPED)]
    assert evaluation.plan(TODAY + timedelta(days=8)) == []  # +15 has come, but the promise is open
    assert promise.status == PromiseStatus.OPEN


def test_kept_when_the_money_arrives_in_time(db_session):
    creditor, case, inv, promise = promised(db_session)
    db_session.add(Payment(case_id=case.id, amount=Decimal("50000.00"), paid_on=TODAY + timedelta(days=6),
                           method=PaymentMethod.NEFT, recorded_by_id=creditor.id))
    db_session.flush()
    assert promises.decide_due(TODAY + timedelta(days=6)) == {"kept": 1, "broken": 0}
    assert promise.status == PromiseStatus.KEPT
    assert promises.record_of(creditor.org_id, case.debtor_party_id)["kept"] == 1


def test_open_until_the_grace_ends_then_broken_and_the_next_level_goes(db_session):
    creditor, case, inv, promise = promised(db_session)
    assert promises.decide_due(TODAY + timedelta(days=5 + promises.GRACE_DAYS)) == {"kept": 0, "broken": 0}
    assert promises.decide_due(TODAY + timedelta(days=6 + promises.GRACE_DAYS)) == {"kept": 0, "broken": 1}
    assert promise.status == PromiseStatus.BROKEN
    assert levels_of(inv.id) == [(7, ReminderStatus.SKIPPED), (15, ReminderStatus.PENDING)]
    assert promises.record_of(creditor.org_id, case.debtor_party_id)["broken"] == 1
    assert promises.decide_due(TODAY + timedelta(days=20)) == {"kept": 0, "broken": 0}  # decided once


def test_a_part_payment_does_not_keep_it(db_session):
    creditor, case, inv, promise = promised(db_session)
    db_session.add(Payment(case_id=case.id, amount=Decimal("10000.00"), paid_on=TODAY,
                           method=PaymentMethod.NEFT, recorded_by_id=creditor.id))
    db_session.flush()
    promises.decide_due(TODAY + timedelta(days=30))
    assert promise.status == PromiseStatus.BROKEN
