"""A case's rows read into the amount and limitation computations, and the computation partial."""
from datetime import date
from decimal import Decimal as D

import pytest
from flask import render_template_string

from portal.cases.amounts import InterestScheme, InterestSettings, PartMonth
from portal.cases.limitation import LimitationState
from portal.cases.models import Acknowledgement, ClaimType, Invoice, Payment, PaymentMethod
from portal.cases.reckoning import case_limitation, compute_case, interest_terms
from portal.rates import services as rates
from tests.factories import CaseFactory, UserFactory

TODAY = date(2025, 4, 15)


@pytest.fixture
def case(db_session):
    # Two MSMED invoices, no written agreement: due 15 days after delivery.
    case = CaseFactory(claim_type=ClaimType.MSMED_INVOICE, invoices=[
        Invoice(number="A", invoice_date=date(2025, 1, 31), acceptance_date=date(2025, 1, 31),
                due_date=date(2025, 2, 15), taxable_value=D("100000.00"), total=D("100000.00")),
        Invoice(number="B", invoice_date=date(2025, 3, 1), acceptance_date=date(2025, 3, 1),
                due_date=date(2025, 3, 16), taxable_value=D("50000.00"), total=D("50000.00"))])
    clerk = UserFactory()
    case.payments.append(Payment(amount=D("2000.00"), paid_on=date(2025, 3, 15),
                                 method=PaymentMethod.NEFT, reference="UTR 9",
                                 recorded_by_id=clerk.id,
                                 payer_acknowledgement="the buyer's signed remittance advice"))
    db_session.flush()
    case.acknowledgements.append(Acknowledgement(
        acknowledged_on=date(2025, 4, 1), invoice_id=case.invoices[1].id,
        description="signed ledger confirmation", recorded_by_id=clerk.id))
    db_session.flush()
    return case


def test_compute_case_reads_invoices_payments_and_the_rate_table(case):
    c = compute_case(case, TODAY, InterestSettings(), rates.rate_table())
    a, b = c.invoices
    # A as in test_amounts (c): month 1 1,625.00; ₹2,000 on 15 Mar → 1,625.00 interest,
    # 375.00 principal; month 2 on 99,625.00 = 1,618.91 → 1,01,243.91.
    assert (a.paid_to_interest, a.paid_to_principal, a.total_due) == (
        D("1625.00"), D("375.00"), D("101243.91"))
    # B from 17 Mar: 30 of the 31 days of 17 Mar–16 Apr at 1.625%: 812.50 × 30/31 = 786.29.
    assert (b.interest, b.total_due) == (D("786.29"), D("50786.29"))
    assert c.total_due == D("152030.20")
    assert c.payments[0].reference == "UTR 9"
    ignore = compute_case(case, TODAY, InterestSettings(part_month=PartMonth.IGNORE),
                          rates.rate_table())
    assert ignore.total_due == D("151243.91")


def test_interest_terms_follow_the_claim(case):
    assert interest_terms(case).scheme == InterestScheme.MSMED_S16
    case.claim_type = ClaimType.COMMERCIAL_INVOICE
    assert interest_terms(case).scheme == InterestScheme.NONE
    case.stated_interest_rate = D("18.00")
    terms = interest_terms(case)
    assert (terms.scheme, terms.annual_rate) == (InterestScheme.SIMPLE, D("18.00"))


def test_limitation_per_invoice_counts_its_own_payments_and_acknowledgements(case):
    c = compute_case(case, TODAY, rate_table=rates.rate_table())
    status = case_limitation(case, TODAY, c)
    # No credit period agreed in writing: Art. 14, three years from delivery.
    # A: delivery 31 Jan 2025 → 31 Jan 2028; the part payment of 15 Mar 2025 (applied to A)
    # restarts it → 15 Mar 2028. B: delivery 1 Mar 2025 → 1 Mar 2028; its acknowledgement of
    # 1 Apr 2025 → 1 Apr 2028. The payment did not touch B, the acknowledgement not A.
    assert status["A"].deadline == date(2028, 3, 15)
    assert status["B"].deadline == date(2028, 4, 1)
    assert "Art. 14" in status["A"].steps[0].text
    assert "signed ledger confirmation" in status["B"].steps[1].text
    later = case_limitation(case, date(2028, 3, 20))
    assert later["A"].state == LimitationState.TIME_BARRED
    assert later["B"].state == LimitationState.NEAR


def test_a_part_payment_without_the_payers_writing_does_not_extend_limitation(case):
    # Limitation Act s.19 proviso: the same payment, with no written acknowledgement by the payer,
    # leaves A's period at three years from delivery, 31 Jan 2028, and says why.
    case.payments[0].payer_acknowledgement = None
    status = case_limitation(case, TODAY, compute_case(case, TODAY, rate_table=rates.rate_table()))
    assert status["A"].deadline == date(2028, 1, 31)
    assert not status["A"].steps[1].extends
    assert "s.19 counts a part payment only when the payer acknowledges it" in status["A"].steps[1].text


def test_the_partial_shows_every_line_and_the_totals(app, case):
    c = compute_case(case, TODAY, rate_table=rates.rate_table())
    with app.test_request_context():
        html = render_template_string('{% include "cases/_computation.html" %}', computation=c,
                                      limitation=case_limitation(case, TODAY, c))
    assert "Amount due on 15 Apr 2025" in html
    assert "₹1,52,030.20" in html and "₹1,618.91" in html and "₹786.29" in html
    for line in c.lines:
        assert line.description in html
    assert "MSMED Act s.16" in html and "In time until 15 Mar 2028" in html
