"""Reads a case's rows (Invoice, Payment, Acknowledgement) into the pure amount and limitation
computations. It runs no queries of its own; the caller loads the case and the rate table."""
from __future__ import annotations

from datetime import date

from portal.cases.amounts import (
    Computation,
    InterestScheme,
    InterestSettings,
    InterestTerms,
    InvoiceDebt,
    PaymentMade,
    compute,
)
from portal.cases.limitation import (
    DEFAULT_NEAR_DAYS,
    EventKind,
    LimitationEvent,
    LimitationStatus,
    limitation_status,
    period_start,
)
from portal.cases.models import Case, ClaimType
from portal.formatting import rupees
from portal.rates import RateTable


def interest_terms(case: Case) -> InterestTerms:
    """MSMED s.16 for MSMED claims; otherwise simple interest at the creditor's stated rate."""
    if case.claim_type == ClaimType.MSMED_INVOICE:
        return InterestTerms(InterestScheme.MSMED_S16)
    if case.stated_interest_rate is not None:
        return InterestTerms(InterestScheme.SIMPLE, case.stated_interest_rate,
                             "rate stated by the creditor")
    return InterestTerms(InterestScheme.NONE)


def case_settings(case: Case) -> InterestSettings:
    """The case's own choice where courts differ (rate basis, part months, rounding)."""
    return InterestSettings(rate_basis=case.rate_basis, part_month=case.part_month,
                            rounding=case.rounding)


def compute_case(case: Case, today: date, settings: InterestSettings | None = None,
                 rate_table: RateTable | None = None, *,
                 terms: InterestTerms | None = None) -> Computation:
    """The case's amount due on `today` (get the table from portal.rates.services.rate_table())."""
    settings = settings or case_settings(case)
    number_of = {i.id: i.number for i in case.invoices}
    return compute(
        [InvoiceDebt(i.number, i.total, i.due_date) for i in case.invoices],
        [PaymentMade(p.amount, p.paid_on, number_of.get(p.invoice_id) if p.invoice_id else None,
                     p.reference or "") for p in case.payments],
        today, terms=terms or interest_terms(case), settings=settings, rate_table=rate_table)


def credit_period_agreed(case: Case, inv) -> bool:
    """Whether Limitation Act Art. 15 (a fixed period of credit, from its expiry) applies rather
    than Art. 14 (from delivery). The period must be agreed by both parties: a credit period the
    seller printed on its own invoice is not an agreement (so it is only agreed when the case
    records an agreed period, or a written agreement stands behind the invoice's). Under MSMED
    s.15 an agreed date counts only when it is in writing, as the due date itself does."""
    if case.claim_type == ClaimType.MSMED_INVOICE:
        return case.has_written_agreement and (
            inv.credit_days is not None or case.agreed_credit_days is not None)
    return case.agreed_credit_days is not None or (
        case.has_written_agreement and inv.credit_days is not None)


def case_limitation(case: Case, today: date, computation: Computation | None = None, *,
                    near_days: int = DEFAULT_NEAR_DAYS) -> dict[str, LimitationStatus]:
    """Each invoice's limitation status, keyed by invoice number.

    A part payment counts for the invoices it was applied to in `computation` (pass the case's
    own); without one, payments are allocated ignoring interest. An acknowledgement counts for
    its invoice, or for every invoice when it names none.
    """
    if computation is None and case.payments:
        # Without payments there is nothing to allocate (the rollup reckons thousands of imported
        # cases that have none).
        computation = compute_case(case, today, terms=InterestTerms(InterestScheme.NONE))
    paid: dict[str, list[LimitationEvent]] = {}
    # Which payments the payer acknowledged in writing (s.19), matched to the computation's own
    # allocations by date, amount and reference.
    written: dict[tuple, list[bool]] = {}
    for p in sorted(case.payments, key=lambda p: (p.paid_on, p.id or 0)):
        written.setdefault((p.paid_on, p.amount, p.reference or ""), []).append(
            bool(p.payer_acknowledgement))
    for allocation in computation.payments if computation is not None else ():
        label = rupees(allocation.amount) + (f", {allocation.reference}"
                                             if allocation.reference else "")
        flags = written.get((allocation.paid_on, allocation.amount, allocation.reference), [])
        is_written = flags.pop(0) if flags else False
        for part in allocation.parts:
            paid.setdefault(part.invoice_number, []).append(
                LimitationEvent(allocation.paid_on, EventKind.PART_PAYMENT, label,
                                written=is_written))
    statuses = {}
    for inv in case.invoices:
        start = period_start(inv.due_date, delivery_date=inv.acceptance_date or inv.invoice_date,
                             credit_period_fixed=credit_period_agreed(case, inv))
        acks = [LimitationEvent(a.acknowledged_on, EventKind.ACKNOWLEDGEMENT, a.description or "")
                for a in case.acknowledgements if a.invoice_id in (None, inv.id)]
        statuses[inv.number] = limitation_status(start, acks + paid.get(inv.number, []), today,
                                                 near_days=near_days)
    return statuses
