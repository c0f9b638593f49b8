"""A case's stored sums (invoiced, outstanding principal) follow every change to its invoices and
payments, whichever service flushes it, and a bulk writer's refresh sets them from the rows."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from portal.cases import intake, services, totals
from portal.cases.facts import PaymentFacts
from portal.cases.models import Case, Invoice, PaymentMethod
from portal.extensions import db
from tests.factories import CaseFactory, CreditorFactory


def stored(case) -> tuple[Decimal, Decimal]:
    """The sums as the database holds them (not the loaded object)."""
    row = db.session.execute(sa.select(Case.invoiced_sum, Case.outstanding_sum)
                             .where(Case.id == case.id)).one()
    return Decimal(row[0]), Decimal(row[1])


def test_sums_follow_invoices_and_payments_through_the_services(db_session):
    staff = CreditorFactory()
    case = CaseFactory(creditor=staff.organization, created_by_id=staff.id, invoices=[
        Invoice(number=f"I-{k}", invoice_date=date(2026, 1, 10), due_date=date(2026, 2, 24),
                taxable_value=Decimal("1000.00"), gst_amount=Decimal("180.55"), total=Decimal("1180.55"))
        for k in range(2)])
    db.session.flush()
    assert stored(case) == (Decimal("2361.10"), Decimal("2361.10"))
    assert (case.invoiced_sum, case.outstanding_sum) == stored(case)  # the loaded object too

    services.record_payment(staff, case, Decimal("361.10"), date(2026, 3, 1), PaymentMethod.NEFT)
    assert stored(case) == (Decimal("2361.10"), Decimal("2000.00"))
    assert case.outstanding_sum == Decimal("2000.00")

    facts = intake.facts_from_case(case)  # an edit drops one invoice and the payment
    intake.update_case(staff, case, replace(facts, invoices=facts.invoices[:1], payments=[]))
    db.session.flush()
    assert stored(case) == (Decimal("1180.55"), Decimal("1180.55"))
    intake.update_case(staff, case, replace(intake.facts_from_case(case), payments=[
        PaymentFacts(amount=Decimal("1180.55"), paid_on=date(2026, 3, 2))]))
    db.session.flush()
    assert stored(case) == (Decimal("1180.55"), Decimal("0.00"))


def test_refresh_sets_the_sums_of_rows_written_in_bulk(db_session):
    staff = CreditorFactory()
    case = CaseFactory(creditor=staff.organization, created_by_id=staff.id, invoices=[])
    db.session.flush()
    db.session.execute(sa.insert(Invoice), [
        {"case_id": case.id, "number": f"B-{k}", "invoice_date": date(2026, 1, 1), "due_date": date(2026, 2, 1),
         "taxable_value": Decimal("10.00"), "gst_amount": Decimal("0.00"), "total": Decimal("10.01")}
        for k in range(3)])
    assert stored(case) == (Decimal("0.00"), Decimal("0.00"))  # a bulk insert bypasses the flush
    totals.refresh(db.session, [case.id])
    assert stored(case) == (Decimal("30.03"), Decimal("30.03"))
    assert case.invoiced_sum == Decimal("30.03")
