"""How much the debtor owes on a case today: what the pay page asks for and what a payment may not
exceed. The figure is the case's position (portal.cases.position), the one every page shows: under a
signed settlement what the settlement still asks for, otherwise the claim."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.cases import Case, Position, case_position
from portal.errors import DomainError

ZERO = Decimal("0.00")


class DuesUnknown(DomainError):
    """The amount due cannot be worked out (no invoices, or a Bank Rate missing for a date)."""


def known(pos: Position) -> Decimal:
    """The position's amount due, or DuesUnknown saying why there is none."""
    if pos.due is None:
        raise DuesUnknown(f"The amount due cannot be worked out: {pos.problem}")
    return pos.due


def amount_due(case: Case, today: date) -> Decimal:
    """The case's total due on `today`, interest included, never below zero; under a signed
    settlement, what the settlement still asks for (it replaces the claim).

    The reckoning already applies every Payment row of the case (the creditor's own records and
    every confirmed report or gateway payment), interest first, then principal. Reported payments
    not yet confirmed count for nothing. Money paid beyond the claim is a credit, not a negative due.
    """
    return known(case_position(case, today))
