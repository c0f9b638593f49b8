"""Payments confirmed at the same moment on PostgreSQL: the case lock makes them count one after
the other, so the amount due is never overshot and a webhook delivered twice at once pays once."""
from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.cases.intake import today_ist
from portal.cases.models import Case, Invoice, Payment
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.errors import DomainError
from portal.extensions import db
from portal.payments.models import PaymentReport, ReportStatus
from portal.payments.services import confirm_report
from tests.audit.test_concurrency import HOLD, committing_app, run_together  # noqa: F401  (fixture)
from tests.factories import CaseFactory, CreditorFactory

pytestmark = pytest.mark.postgres


def two_reports(app) -> tuple[int, list[int], int]:
    """A served 40,000 claim with two reports of 30,000 each; returns (case, reports, creditor) ids."""
    with app.app_context():
        creditor = CreditorFactory()
        case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.NOTICE_SERVED, invoices=[Invoice(
            number="INV-9", invoice_date=date(2026, 3, 2), due_date=date(2026, 4, 1),
            taxable_value=Decimal("40000.00"), gst_amount=Decimal("0.00"), total=Decimal("40000.00"))])
        reports = [PaymentReport(case_id=case.id, amount=Decimal("30000.00"), utr=f"41234567890{n}",
                                 paid_on=today_ist(), status=ReportStatus.REPORTED) for n in (1, 2)]
        db.session.add_all(reports)
        commit()
        ids = case.id, [r.id for r in reports], creditor.id
        db.session.remove()
    return ids


def test_two_confirmations_at_once_never_exceed_the_due(committing_app):  # noqa: F811
    case_id, report_ids, creditor_id = two_reports(committing_app)

    def confirm(report_id):
        def job(barrier):
            actor = db.session.get(User, creditor_id)
            report = db.session.get(PaymentReport, report_id)
            barrier.wait()
            payment = confirm_report(actor, report, today_ist())
            time.sleep(HOLD)
            commit()
            return payment.id
        return job

    results = run_together(committing_app, [confirm(r) for r in report_ids])
    assert sum(isinstance(r, int) for r in results) == 1, results
    assert sum(isinstance(r, DomainError) for r in results) == 1, results
    with committing_app.app_context():
        paid = db.session.scalar(select(func.sum(Payment.amount)).where(Payment.case_id == case_id))
        assert paid == Decimal("30000.00")
        assert db.session.get(Case, case_id).status == CaseStatus.NOTICE_SERVED
        db.session.remove()
