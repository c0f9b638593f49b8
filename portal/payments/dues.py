"""How much the debtor owes on a case today: what the pay page asks for and what a payment may not
exceed. Under a signed settlement that is what the settlement still asks for; otherwise the claim."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.cases.models import Case
from portal.errors import DomainError
from portal.types import to_paisa

ZERO = Decimal("0.00")


class DuesUnknown(DomainError):
    """The amount due cannot be worked out (no invoices, or a Bank Rate missing for a date)."""


def amount_due(case: Case, today: date) -> Decimal:
    """The case's total due on `today`, interest included, never below zero; under a signed
    settlement, what the settlement still asks for (it replaces the claim).

    The reckoning already applies every Payment row of the case (the creditor's own records and
    every confirmed report or gateway payment), interest first, then principal. Reported payments
    not yet confirmed count for nothing. Money paid beyond the claim is a credit, not a negative due.
    """
    from portal.cases.due_dates import DueDateError
    from portal.cases.interest import ComputationError
    from portal.cases.reckoning import compute_case
    from portal.payments.hooks import settlement_outstanding as outstanding
    from portal.rates.services import rate_table
    from portal.rates.table import RateMissing

    settled = outstanding(case)
    if settled is not None:
        return settled
    if not case.invoices:
        raise DuesUnknown("The case has no invoices, so no amount is due on it.")
    try:
        computation = compute_case(case, today, rate_table=rate_table())
    except (ComputationError, DueDateError, RateMissing) as exc:
        raise DuesUnknown(f"The amount due cannot be worked out: {exc}") from exc
    return max(to_paisa(computation.total_due), ZERO)
