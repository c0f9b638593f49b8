"""The case's payments received, a page at a time (portal.paging), for the creditor's payments page
and the API."""
from __future__ import annotations

from sqlalchemy import select

from portal.cases import Case, Payment
from portal.extensions import db
from portal.paging import Page, PageArgs, keyset_page
from portal.payments.models import Receipt


def payments_page(case: Case, args: PageArgs) -> Page:
    """A page of the case's payments, newest first (by the day paid, ties broken by id), each row
    (payment, its receipt or None): one statement, read from the index on (case_id, paid_on, id)."""
    stmt = (select(Payment, Receipt).outerjoin(Receipt, Receipt.payment_id == Payment.id)
            .where(Payment.case_id == case.id))
    return keyset_page(db.session, stmt, Payment.paid_on, Payment.id, tag="payments", kind="date", args=args)
