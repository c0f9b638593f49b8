"""The reminder run: the level due for each open invoice, produced once however often it runs."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from portal.cases.models import Payment, PaymentMethod
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.receivables import evaluation, policies
from portal.receivables.evaluation import LevelPoint, level_due
from portal.receivables.models import InvoiceHold, Mode, Reminder, ReminderLevel
from portal.receivables.tasks import run_once
from tests.receivables.helpers import creditor_with_reminders, debtor_case, invoice

TODAY = date(2026, 12, 7)


def reminders_for(case) -> list[tuple[str, int]]:
    rows = db.session.execute(select(Reminder.invoice_id, ReminderLevel.offset_days)
                              .join(ReminderLevel, ReminderLevel.id == Reminder.level_id)
                              .where(Reminder.case_id == case.id).order_by(Reminder.id)).all()
    numbers = {i.id: i.number for i in case.invoices}
    return [(numbers[i], offset) for i, offset in rows]


def test_the_latest_level_whose_day_has_come():
    levels = [LevelPoint(1, -3), LevelPoint(2, 1), LevelPoint(3, 7), LevelPoint(4, 15), LevelPoint(5, 30)]
    assert level_due(levels, -4) is None
    assert level_due(levels, -3).offset_days == -3
    assert level_due(levels, 0).offset_days == -3
    assert level_due(levels, 8).offset_days == 7
    assert level_due(levels, 400).offset_days == 30


def test_the_seeded_default_levels(db_session):
    creditor, policy = creditor_with_reminders(enabled=False)
    assert [lv.offset_days for lv in policy.levels] == [-3, 1, 7, 15, 30]
    assert policy.levels[3].include_interest and policy.levels[4].last_before_notice
    assert all(lv.body_hi and lv.subject_hi for lv in policy.levels)
    assert policies.policy_for(creditor.org_id).id == policy.id  # seeded once


def test_each_due_reminder_is_produced_once(db_session):
    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("A-1", TODAY - timedelta(days=8)),
                       invoice("A-2", TODAY + timedelta(days=2)), invoice("A-3", TODAY + timedelta(days=10)))
    first = run_once(TODAY, queue_sending=False)
    assert first["created"] == 2
    assert reminders_for(case) == [("A-1", 7), ("A-2", -3)]
    again = run_once(TODAY, queue_sending=False)
    assert again["created"] == 0 and again["due"] == 0
    # A week later A-1 reaches +15 and A-2 +1 (due date passed by 5 days), A-3 its friendly -3.
    later = run_once(TODAY + timedelta(days=7), queue_sending=False)
    assert later["created"] == 3
    assert sorted(reminders_for(case)) == [("A-1", 7), ("A-1", 15), ("A-2", -3), ("A-2", 1), ("A-3", -3)]


def test_the_unique_constraint_is_the_guard_even_if_a_plan_is_stale(db_session):
    creditor, _ = creditor_with_reminders()
    debtor_case(creditor, invoice("B-1", TODAY - timedelta(days=1)))
    plan = evaluation.plan(TODAY)
    assert evaluation.produce(plan, TODAY) == 1
    assert evaluation.produce(plan, TODAY) == 0  # a second beat with the same plan inserts nothing
    assert db_session.scalar(select(func.count(Reminder.id))) == 1


def test_nothing_for_paid_disputed_paused_manual_or_noticed_invoices(db_session):
    creditor, _ = creditor_with_reminders()
    overdue = TODAY - timedelta(days=2)
    paid = debtor_case(creditor, invoice("P-1", overdue, "5000.00"))
    db_session.add(Payment(case_id=paid.id, amount=Decimal("5000.00"), paid_on=TODAY,
                           method=PaymentMethod.NEFT, recorded_by_id=creditor.id))
    disputed = debtor_case(creditor, invoice("D-1", overdue))
    db_session.flush()
    db_session.add(InvoiceHold(org_id=creditor.org_id, party_id=disputed.debtor_party_id,
                               invoice_id=disputed.invoices[0].id, kind="dispute", made_how="test"))
    paused = debtor_case(creditor, invoice("Z-1", overdue))
    policies.setting_for(creditor.org_id, paused.debtor_party_id).paused_until = TODAY
    manual = debtor_case(creditor, invoice("M-1", overdue))
    policies.setting_for(creditor.org_id, manual.debtor_party_id).mode = Mode.MANUAL
    debtor_case(creditor, invoice("N-1", overdue), status=CaseStatus.NOTICE_DRAFTING)
    part = debtor_case(creditor, invoice("Q-1", overdue, "5000.00"))
    db_session.add(Payment(case_id=part.id, amount=Decimal("4000.00"), paid_on=TODAY,
                           method=PaymentMethod.NEFT, recorded_by_id=creditor.id))
    db_session.flush()
    plan = evaluation.plan(TODAY)
    assert [d.case_id for d in plan] == [part.id]


def test_a_creditor_with_reminders_off_gets_none(db_session):
    creditor, _ = creditor_with_reminders(enabled=False)
    debtor_case(creditor, invoice("C-1", TODAY - timedelta(days=3)))
    assert evaluation.plan(TODAY) == []


def test_an_invoice_imported_long_overdue_gets_only_the_last_level(db_session):
    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("L-1", TODAY - timedelta(days=90)))
    run_once(TODAY, queue_sending=False)
    run_once(TODAY + timedelta(days=1), queue_sending=False)
    assert reminders_for(case) == [("L-1", 30)]
