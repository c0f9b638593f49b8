"""Builders for the debtor's answer tests: a served claim with two invoices, the debtor's way in
(its personal link, or an account linked to the debtor party), and a helper to post a form."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.cases.intake import today_ist
from portal.cases.models import Invoice
from portal.cases.states import CaseStatus
from portal.debtor.models import DebtorResponse
from portal.extensions import db
from tests.conftest import csrf_for, csrf_from
from tests.debtor.guest import login_guest, signed_notice_record
from tests.factories import CaseFactory, CreditorFactory, DebtorUserFactory


def two_invoices() -> list[Invoice]:
    return [Invoice(number="INV-1", invoice_date=date(2026, 1, 10), due_date=date(2026, 2, 24),
                    taxable_value=Decimal("100000.00"), gst_amount=Decimal("18000.00"),
                    total=Decimal("118000.00")),
            Invoice(number="INV-2", invoice_date=date(2026, 3, 5), due_date=date(2026, 4, 19),
                    taxable_value=Decimal("50000.00"), gst_amount=Decimal("9000.00"),
                    total=Decimal("59000.00"))]


def served_claim(status: CaseStatus = CaseStatus.NOTICE_SERVED, **case_kw):
    """(creditor user, case) with a served notice's status and two invoices (₹1,18,000 + ₹59,000)."""
    creditor = CreditorFactory()
    case_kw.setdefault("invoices", two_invoices())
    case = CaseFactory(creditor=creditor.organization, _status=status, created_by_id=creditor.id, **case_kw)
    return creditor, case


def as_guest(client, case, outbox):
    """Come in through the personal link (the one-time code by e-mail)."""
    login_guest(client, case, outbox)


def as_account(auth, case):
    """A debtor account linked to the case's debtor party, signed in (the case has its notice)."""
    signed_notice_record(case)
    user = DebtorUserFactory()
    case.debtor.user_id = user.id
    db.session.flush()
    auth.login_as(user)
    return user


def post_form(client, path: str, data: dict, **kw):
    """GET the form page for its CSRF token as a browser would (a token for the session when the
    page itself is refused), then POST."""
    page = client.get(path)
    token = csrf_from(page) if page.status_code == 200 else csrf_for(client)
    return client.post(path, data={"csrf_token": token, **data}, **kw)


def responses(case) -> list[DebtorResponse]:
    return list(db.session.scalars(select(DebtorResponse).where(DebtorResponse.case_id == case.id)
                                   .order_by(DebtorResponse.id)))


def next_weekday(days_ahead: int = 2) -> date:
    """A day at least `days_ahead` from today (IST) that is not a Sunday."""
    day = today_ist() + timedelta(days=days_ahead)
    return day + timedelta(days=1) if day.weekday() == 6 else day
