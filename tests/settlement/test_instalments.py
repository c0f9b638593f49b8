"""Instalment tracking: payments allocated in due-date order, outstanding, reminders once inside the
contact window, default after the grace period, cure when arrears are paid, paid in full."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from arbitration.settlement import instalment_tracking, instalments
from arbitration.settlement.instalments import InstalmentStatus
from arbitration.settlement.models import AgreementStatus
from portal.cases.models import ContactKind, PartyContact, Payment, PaymentMethod
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.payments.signals import payment_confirmed
from portal.types import IST
from tests.settlement.helpers import agreement_for, room_case

D = Decimal
DUE = (date(2026, 12, 10), date(2027, 1, 10), date(2027, 2, 10))


def settled_case():
    """A case settled on three instalments of ₹30,000 (signatures skipped: tested elsewhere)."""
    case, staff = room_case()
    agreement = agreement_for(case, staff)
    agreement.status = AgreementStatus.SIGNED
    agreement.created_at = datetime(2026, 11, 23, 6, tzinfo=IST)  # payments count from this day on
    instalments.create_rows(agreement)
    case._status = CaseStatus.SETTLED
    db.session.flush()
    return case, staff, agreement


def pay(case, staff, amount, paid_on=date(2026, 11, 25)):
    payment = Payment(amount=D(amount), paid_on=paid_on, method=PaymentMethod.UPI, recorded_by_id=staff.id)
    case.payments.append(payment)
    db.session.flush()
    payment_confirmed.send(case, payment=payment, actor=staff)
    return payment


def ist(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=IST)


def test_allocation_with_part_payments(db_session):
    case, staff, agreement = settled_case()
    assert instalments.outstanding(case) == D("90000.00")
    pay(case, staff, "20000")
    pay(case, staff, "25000.50")
    pay(case, staff, "999", paid_on=date(2026, 1, 1))  # before the agreement: not under it
    states = instalments.schedule(agreement, date(2026, 12, 1))
    assert [(s.paid, s.status) for s in states] == [
        (D("30000.00"), InstalmentStatus.PAID), (D("15000.50"), InstalmentStatus.PART_PAID),
        (D("0.00"), InstalmentStatus.UPCOMING)]
    assert instalments.outstanding(case) == D("44999.50")
    assert instalments.schedule(agreement, date(2027, 1, 12))[1].status == InstalmentStatus.OVERDUE
    assert instalments.schedule(agreement, date(2027, 1, 18))[1].status == InstalmentStatus.IN_DEFAULT


def test_outstanding_is_none_without_a_signed_settlement(db_session):
    case, staff = room_case()
    assert instalments.outstanding(case) is None
    agreement_for(case, staff)
    assert instalments.outstanding(case) is None


def test_reminder_once_and_only_inside_the_contact_window(db_session, outbox):
    case, staff, agreement = settled_case()
    evening = ist(date(2026, 12, 8), 21)
    assert instalment_tracking.run(evening) == {"reminded": 0, "defaulted": 0, "held": 1, "failed": 0}
    morning = ist(date(2026, 12, 9), 9)
    assert instalment_tracking.run(morning)["reminded"] == 1
    assert instalment_tracking.run(morning + timedelta(hours=2))["reminded"] == 0
    mails = [m for m in outbox() if "instalment 1 due" in m["Subject"]]
    assert len(mails) == 1 and "debtor@example.in" in mails[0]["To"]
    assert "₹30,000.00" in mails[0].get_body(("plain",)).get_content()
    assert agreement.instalments[0].reminded_at is not None and agreement.instalments[1].reminded_at is None


def test_reminder_by_sms_to_the_debtors_mobile(app, db_session):
    import json
    from pathlib import Path

    case, staff, agreement = settled_case()
    case.debtor.contacts.append(PartyContact(kind=ContactKind.MOBILE, value="+919876543210", source="test"))
    folder = Path(app.config["OUTBOX_PATH"]) / "sms"
    before = set(folder.glob("*.json")) if folder.exists() else set()
    assert instalment_tracking.run(ist(date(2026, 12, 9), 9))["reminded"] == 1
    sent = [json.loads(p.read_text()) for p in set(folder.glob("*.json")) - before]
    mine = [m for m in sent if m["template"] == "settlement_reminder"]
    assert len(mine) == 1 and mine[0]["to"] == "+919876543210"
    assert case.reference in mine[0]["text"] and "30,000.00" in mine[0]["text"]


def test_paid_instalment_gets_no_reminder(db_session):
    case, staff, agreement = settled_case()
    pay(case, staff, "30000")
    assert instalments.due_for_reminder(date(2026, 12, 8), 3) == []


def test_default_after_grace_then_cure(db_session, outbox, monkeypatch):
    case, staff, agreement = settled_case()
    pay(case, staff, "10000")
    within_grace = ist(date(2026, 12, 17), 10)   # due 10 Dec + 7 days: still within grace
    assert instalment_tracking.run(within_grace)["defaulted"] == 0 and case.status == CaseStatus.SETTLED
    report = instalment_tracking.run(ist(date(2026, 12, 18), 10))
    assert report["defaulted"] == 1
    db.session.refresh(case)
    assert case.status == CaseStatus.DEFAULTED and agreement.instalments[0].defaulted_at is not None
    to = [m["To"] for m in outbox() if "in default" in m["Subject"]]
    assert any("debtor@example.in" in t for t in to) and len(to) == 2
    assert instalment_tracking.run(ist(date(2026, 12, 19), 10))["defaulted"] == 0  # once only
    monkeypatch.setattr("arbitration.settlement.instalments.today_ist", lambda: date(2026, 12, 20))
    pay(case, staff, "19999.99", paid_on=date(2026, 12, 20))
    assert case.status == CaseStatus.DEFAULTED
    pay(case, staff, "0.01", paid_on=date(2026, 12, 20))
    assert case.status == CaseStatus.SETTLED


def test_everything_paid_marks_the_case_paid(db_session):
    case, staff, agreement = settled_case()
    pay(case, staff, "60000")
    assert case.status == CaseStatus.SETTLED
    pay(case, staff, "30000")
    assert case.status == CaseStatus.PAID and instalments.outstanding(case) == D("0.00")


@pytest.mark.parametrize("status", [CaseStatus.IN_NEGOTIATION, CaseStatus.PAID])
def test_payment_on_other_cases_changes_nothing(db_session, status):
    case, staff = room_case(status)
    pay(case, staff, "100")
    assert case.status == status


def test_the_beat_task_is_registered_and_runs(app, db_session):
    celery = app.extensions["celery"]
    assert celery.conf.beat_schedule["settlement-instalments"]["task"] == "arbitration.track_instalments"
    result = celery.tasks["arbitration.track_instalments"].apply().get()
    assert set(result) == {"reminded", "defaulted", "held", "failed"} and result["failed"] == 0
