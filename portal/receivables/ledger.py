"""What is still owed on each invoice, without interest: payments named for an invoice go to it,
the rest to the invoices in order of due date (Contract Act s.59 and s.61, as portal.cases.amounts
applies them). Pure Python; the interest itself is portal.cases.reckoning's work."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    due_date: date
    total: Decimal


def outstanding(invoices: Iterable[InvoiceRow], named: Mapping[int, Decimal],
                unnamed: Decimal) -> dict[int, Decimal]:
    """Each invoice's principal still unpaid. `named`: payments per invoice id; `unnamed`: the
    case's payments that name no invoice (or one not in `invoices`)."""
    rows = sorted(invoices, key=lambda r: (r.due_date, r.id))
    left: dict[int, Decimal] = {}
    spare = unnamed
    for r in rows:
        direct = named.get(r.id, ZERO)
        remaining = r.total - direct
        if remaining < ZERO:
            spare += -remaining  # paid beyond the invoice: the surplus goes to the next ones
            remaining = ZERO
        left[r.id] = remaining
    for r in rows:
        if spare <= ZERO:
            break
        take = min(spare, left[r.id])
        left[r.id] -= take
        spare -= take
    return left
