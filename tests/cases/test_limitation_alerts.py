"""Limitation alerts 90, 30 and 7 days before an invoice's last day to file: who is told, once per
threshold, and not for cases where limitation no longer runs."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.cases import limitation_alerts as la
from portal.cases.limitation import LimitationState
from portal.cases.models import Invoice
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.notifications.models import AttentionItem
from tests.factories import AdvocateFactory, CaseFactory, CreditorFactory, OrganizationFactory

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize("days_left,threshold", [
    (120, None), (91, None), (90, 90), (31, 90), (30, 30), (8, 30), (7, 7), (0, 7), (-1, None)])
def test_threshold_reached(days_left, threshold):
    assert la.threshold_for(days_left) == threshold


def _case(due: date, status=CaseStatus.NOTICE_SERVED):
    org = OrganizationFactory()
    filer = CreditorFactory(organization=org, name="Meera Kulkarni")
    advocate = AdvocateFactory(name="Adv. Nandini Rao")
    # A commercial invoice with a credit period agreed in the case: Art. 15, three years from the
    # due date, so the last day to file is the same date three years on.
    return CaseFactory(creditor=org, created_by_id=filer.id, advocate_id=advocate.id,
                       _status=status, agreed_credit_days=30, invoices=[Invoice(
                           number="KT/1", invoice_date=due - timedelta(days=30), due_date=due,
                           taxable_value=Decimal("50000.00"), gst_amount=Decimal("0.00"),
                           total=Decimal("50000.00"))]), filer, advocate


def _alerts(case):
    return [e.data for e in (
        la.db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                       AuditEvent.action == la.ACTION)))]


def test_each_threshold_alerts_once_and_tells_creditor_and_advocate(app, db_session, outbox):
    # Due 10 Feb 2024: the three years end on 10 Feb 2027, 66 days after 6 Dec 2026.
    case, filer, advocate = _case(date(2024, 2, 10))
    assert la.candidate_ids(TODAY) == [case.id]
    sent = la.alert_case(case.id, TODAY)
    commit()
    assert [(a.invoice, a.threshold, a.deadline, a.days_left) for a in sent] == [
        ("KT/1", 90, date(2027, 2, 10), 66)]
    assert la.alert_case(case.id, TODAY) == []  # the same day again: nothing new
    assert la.alert_case(case.id, TODAY + timedelta(days=20)) == []  # 46 days left: still 90
    later = la.alert_case(case.id, date(2027, 1, 11))  # 30 days left
    commit()
    assert [a.threshold for a in later] == [30]
    assert [a["threshold"] for a in _alerts(case)] == [90, 30]
    items = list(db_session.scalars(select(AttentionItem).where(
        AttentionItem.case_id == case.id, AttentionItem.resolved_at.is_(None))))
    assert {i.user_id for i in items} >= {filer.id, advocate.id}
    assert all(i.kind == "limitation_near" for i in items)
    assert "Invoice KT/1" in items[0].what and "30 days are left" in items[0].what
    mailed = {m["To"] for m in outbox()}
    assert filer.email in mailed and advocate.email in mailed


def test_not_for_a_time_barred_or_far_invoice_or_a_case_in_arbitration(app, db_session):
    barred, _, _ = _case(date(2023, 1, 10))  # ended 10 Jan 2026
    far, _, _ = _case(date(2025, 6, 1))
    arbitration, _, _ = _case(date(2024, 2, 10), status=CaseStatus.IN_ARBITRATION)
    ids = la.candidate_ids(TODAY)
    assert far.id not in ids and arbitration.id not in ids
    assert la.alert_case(barred.id, TODAY) == []
    assert la.alert_case(arbitration.id, TODAY) == []


def test_pure_selection_skips_alerts_already_sent():
    from portal.cases.limitation import limitation_status

    status = limitation_status(date(2024, 2, 10), [], TODAY)
    assert status.state == LimitationState.NEAR
    assert [a.threshold for a in la.alerts_due({"A": status}, set())] == [90]
    assert la.alerts_due({"A": status}, {("A", 90, "2027-02-10")}) == []
    # A fresh deadline (an acknowledgement moved it) alerts again when it comes near.
    assert la.alerts_due({"A": status}, {("A", 90, "2026-12-30")}) != []


def test_the_daily_task_runs_through_celery(app, db_session):
    from portal.cases.intake import today_ist
    from portal.cases.tasks import alert_limitation

    case, _, _ = _case(today_ist().replace(year=today_ist().year - 3) + timedelta(days=10))
    commit()
    result = alert_limitation.apply().get()
    assert result["alerts"] >= 1
    assert [a["threshold"] for a in _alerts(case)] == [30]
