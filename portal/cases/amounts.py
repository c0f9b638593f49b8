"""The amount due on a claim on a given day: principal after part payments, interest and the total,
as a line-by-line computation an advocate can check and a notice can quote verbatim.

Pure Python (no Flask, no database); money is Decimal throughout. The definitions, exactly:

1. Interest runs from the day after the due date (the "start") for every day up to and including
   the computation date `today`. A payment received on a day carries that day's interest on the
   balance before it and is applied at the end of that day.
2. Months (MSMED s.16 and the contractual compound option). Month k runs from
   add_months(start, k-1) up to the day before add_months(start, k): the start's day-of-month each
   time, or the month's last day where that day does not exist (start 31 Jan: months open 28 Feb,
   31 Mar, 30 Apr...). At the end of each month (the monthly rest) the month's interest joins the
   balance on which interest runs: P_k = P_(k-1) + round(P_(k-1) x 3.BR_k / 1200).
3. MSMED rate: three times the RBI Bank Rate from the dated table (portal.rates). FLOATING:
   BR_k is the rate in force on the day month k opens (month 1: the start), so a change in the
   Bank Rate takes effect from the next month opening on or after it. FROZEN: the rate in force
   on the due date, for every month. A date before the table's first row raises RateMissing.
4. Part months. A payment inside a month splits it: each part carries the month's rate x (days in
   the part / days in that month, i.e. the month's length as defined in 2, 28 to 31), and the
   parts' interest joins the balance at the month's rest. A month is complete when its last day
   is on or before `today`. The month still running on `today`: PRO_RATA_DAYS charges its days so
   far the same way; IGNORE charges nothing for it (nor for any part of it before a payment).
5. Simple interest (claims outside the MSMED Act): principal outstanding x rate x days / 365 for
   each run of days between payments; actual days, 365 even in a leap year; never capitalised.
6. Part payments. Indian Contract Act s.59-61: a payment goes to the debt the payer names (s.59),
   otherwise, as the creditor may and as s.61 would, to the debts in order of time: here the
   invoices oldest due date first (ties: in the order given). Within an invoice it goes to interest
   before principal, the rule the Supreme Court applies absent a contrary agreement (e.g.
   Industrial Credit & Development Syndicate v. Smithaben H. Patel, (1999) 3 SCC 80): first interest
   already added at earlier rests, then interest accrued since the last rest, then principal. Money
   left after everything owed at that date is paid is reported as `unapplied` (a credit), never
   netted against later interest.
7. Rounding (the case's `Rounding` setting). EACH_REST, the default: each line's interest is worked
   out to 50 significant digits from paisa-exact balances and rounded once, to the paisa, half away
   from zero (ROUND_HALF_UP). The rounded figure is what joins the balance, so every balance shown
   is exact, every line satisfies closing = opening + interest - payment applied, and every total
   is exactly the sum of its lines. Against the unrounded product P_0.(1+r_1)...(1+r_n) the result
   differs by at most half a paisa a month. AT_END: interest is carried to 50 significant digits
   through every rest and payment, and each invoice's amounts due are rounded to the paisa once, at
   the end (principal outstanding and the total each rounded; interest outstanding is their
   difference, so the parts still add up). Lines are printed rounded and may differ from the total
   by a paisa.
3a. Rate basis FROZEN_FIRST_DAY: the rate in force on the start (the first day of interest).
4a. Part month THIRTY_DAY: a part carries the month's rate x days / 30, and the days counted in one
   month never exceed 30 (a month split by payments carries at most one month's interest).
Payments dated after `today` are left out (with a note): the computation is as known on `today`.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from decimal import Decimal

from portal.cases.interest import (
    ZERO,
    ComputationError,
    ComputationLine,
    InterestScheme,
    InterestSettings,
    InterestTerms,
    InvoiceLedger,
    LineKind,
    PartMonth,
    RateBasis,
    Rounding,
    paisa,
    percent,
    rupees,
)
from portal.rates import RateMissing, RatePoint, RateTable

__all__ = ["AllocationPart", "Computation", "ComputationError", "ComputationLine",
           "DEFAULT_SETTINGS", "InterestScheme", "InterestSettings", "InterestTerms",
           "InvoiceComputation", "InvoiceDebt", "LineKind", "PartMonth", "PaymentAllocation",
           "PaymentMade", "RateBasis", "RateMissing", "Rounding", "compute"]

DEFAULT_SETTINGS = InterestSettings()
UNCONFIRMED_MARK = "to be confirmed"


@dataclass(frozen=True)
class InvoiceDebt:
    number: str
    amount: Decimal  # the invoice total the buyer owes, GST included
    due_date: date


@dataclass(frozen=True)
class PaymentMade:
    amount: Decimal
    paid_on: date
    invoice_number: str | None = None  # the invoice the payer named, if any
    reference: str = ""


@dataclass(frozen=True)
class AllocationPart:
    invoice_number: str
    to_interest: Decimal
    to_principal: Decimal


@dataclass(frozen=True)
class PaymentAllocation:
    """Where one payment went, invoice by invoice."""

    paid_on: date
    amount: Decimal
    reference: str
    named_invoice: str | None
    parts: tuple[AllocationPart, ...]
    unapplied: Decimal


@dataclass(frozen=True)
class InvoiceComputation:
    number: str
    amount: Decimal
    due_date: date
    interest_from: date
    lines: tuple[ComputationLine, ...]
    interest: Decimal  # all interest charged, paid or not
    paid_to_interest: Decimal
    paid_to_principal: Decimal
    principal_outstanding: Decimal
    interest_outstanding: Decimal
    total_due: Decimal
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Computation:
    as_of: date
    terms: InterestTerms
    settings: InterestSettings
    invoices: tuple[InvoiceComputation, ...]
    payments: tuple[PaymentAllocation, ...]
    rates_used: tuple[RatePoint, ...]
    principal: Decimal  # invoiced
    interest: Decimal  # charged
    paid_to_interest: Decimal
    paid_to_principal: Decimal
    principal_outstanding: Decimal
    interest_outstanding: Decimal
    total_due: Decimal
    unapplied: Decimal
    notes: tuple[str, ...]

    @property
    def lines(self) -> tuple[ComputationLine, ...]:
        return tuple(line for inv in self.invoices for line in inv.lines)

    def bank_rate_from(self, line: ComputationLine) -> date | None:
        """The date from which the Bank Rate behind `line` was in force (its notification's
        effective date), printed beside each month so the debtor can check it against the RBI."""
        if line.bank_rate_on is None:
            return None
        points = [p for p in self.rates_used if p.effective_from <= line.bank_rate_on]
        return max(points, key=lambda p: p.effective_from).effective_from if points else None

    def as_dict(self) -> dict:
        """JSON-ready (Decimal and dates as strings) for freezing into a notice's record."""
        return _plain(self)


def _plain(value):
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal | date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


def _is_money(value) -> bool:
    return isinstance(value, Decimal) and value > 0 and value == paisa(value)


def _check_inputs(invoices: Sequence[InvoiceDebt], payments: Sequence[PaymentMade]) -> None:
    if not invoices:
        raise ComputationError("There are no invoices to compute.")
    numbers = [i.number for i in invoices]
    if len(set(numbers)) != len(numbers):
        raise ComputationError("Each invoice number may appear only once.")
    for inv in invoices:
        if not _is_money(inv.amount):
            raise ComputationError(f"Invoice {inv.number}: the amount must be a positive Decimal "
                                   "in whole paise.")
    for p in payments:
        if not _is_money(p.amount):
            raise ComputationError(f"The payment of {p.paid_on:%d %b %Y} must be a positive "
                                   "Decimal in whole paise.")
        if p.invoice_number is not None and p.invoice_number not in numbers:
            raise ComputationError(f"The payment of {p.paid_on:%d %b %Y} names invoice "
                                   f"{p.invoice_number}, which is not in this claim.")


def _allocate(ledgers: list[InvoiceLedger], p: PaymentMade) -> PaymentAllocation:
    named = [lg for lg in ledgers if lg.number == p.invoice_number]
    others = sorted((lg for lg in ledgers if lg.number != p.invoice_number),
                    key=lambda lg: lg.due_date)  # sorted() is stable: ties keep the given order
    remaining, parts = p.amount, []
    for ledger in named + others:
        if remaining == 0:
            break
        ledger.accrue_to(p.paid_on)
        if ledger.balance == 0:
            continue
        to_interest, to_principal = ledger.pay(p.paid_on, remaining, p.reference)
        remaining -= to_interest + to_principal
        parts.append(AllocationPart(ledger.number, to_interest, to_principal))
    return PaymentAllocation(p.paid_on, p.amount, p.reference, p.invoice_number, tuple(parts),
                             remaining)


def _summarise(ledger: InvoiceLedger, notes: list[str]) -> InvoiceComputation:
    lines = tuple(ledger.lines)
    interest = sum((ln.interest for ln in lines), ZERO)
    to_interest = sum((ln.to_interest for ln in lines), ZERO)
    to_principal = sum((ln.to_principal for ln in lines), ZERO)
    if ledger.start > ledger.today:
        notes.append(f"Not yet due on {ledger.today:%d %b %Y}: interest runs from "
                     f"{ledger.start:%d %b %Y}.")
    if ledger.settings.rounding == Rounding.AT_END:
        # Rule 7, AT_END: one rounding of the exact figures; the parts are then made to add up.
        total_due = paisa(ledger.amount - to_principal + interest - to_interest)
        principal_outstanding = paisa(ledger.amount - to_principal)
        interest, to_interest = paisa(interest), paisa(to_interest)
        to_principal = ledger.amount - principal_outstanding
        interest_outstanding = total_due - principal_outstanding
        to_interest = interest - interest_outstanding
    else:
        principal_outstanding = ledger.amount - to_principal
        interest_outstanding = interest - to_interest
        total_due = principal_outstanding + interest_outstanding
    return InvoiceComputation(
        number=ledger.number, amount=ledger.amount, due_date=ledger.due_date,
        interest_from=ledger.start, lines=lines, interest=interest, paid_to_interest=to_interest,
        paid_to_principal=to_principal, principal_outstanding=principal_outstanding,
        interest_outstanding=interest_outstanding, total_due=total_due, notes=tuple(notes))


def _basis_notes(terms: InterestTerms, settings: InterestSettings) -> list[str]:
    basis, part, rounding = settings.describe()
    match terms.scheme:
        case InterestScheme.MSMED_S16:
            return ["MSMED Act s.16: compound interest with monthly rests at three times the RBI "
                    "Bank Rate, from the day after the due date.", basis, part, rounding]
        case InterestScheme.COMPOUND_MONTHLY:
            return [f"Compound interest with monthly rests at {percent(terms.annual_rate)} a year "
                    f"({terms.rate_source or 'contractual rate'}).", part, rounding]
        case InterestScheme.SIMPLE:
            return [f"Simple interest at {percent(terms.annual_rate)} a year "
                    f"({terms.rate_source or 'stated rate'}), actual days / 365.", rounding]
    return ["No interest is claimed."]


def compute(invoices: Iterable[InvoiceDebt], payments: Iterable[PaymentMade], today: date, *,
            terms: InterestTerms, settings: InterestSettings = DEFAULT_SETTINGS,
            rate_table: RateTable | None = None) -> Computation:
    """The amount due on `today`. Raises RateMissing or ComputationError rather than guess."""
    invoices, payments = list(invoices), list(payments)
    _check_inputs(invoices, payments)
    if terms.scheme == InterestScheme.MSMED_S16 and rate_table is None:
        raise ComputationError("MSMED interest needs the bank-rate table.")
    ledgers = [InvoiceLedger(i.number, paisa(i.amount), i.due_date, terms, settings, rate_table,
                             today) for i in invoices]
    notes = _basis_notes(terms, settings)
    allocations = []
    for p in sorted(payments, key=lambda p: p.paid_on):
        if p.paid_on > today:
            notes.append(f"The payment of {rupees(p.amount)} dated {p.paid_on:%d %b %Y} is after "
                         f"{today:%d %b %Y} and is not counted.")
            continue
        allocation = _allocate(ledgers, PaymentMade(paisa(p.amount), p.paid_on, p.invoice_number,
                                                    p.reference))
        if allocation.unapplied:
            notes.append(f"{rupees(allocation.unapplied)} of the payment of {p.paid_on:%d %b %Y} "
                         "exceeded everything then owed and is shown as unapplied.")
        allocations.append(allocation)
    for ledger in ledgers:
        ledger.accrue_to(today)
    per_invoice = tuple(_summarise(lg, []) for lg in ledgers)
    used = {d: p for lg in ledgers for d, p in lg.rates_used.items()}
    rates_used = tuple(used[d] for d in sorted(used))
    notes += [f"The Bank Rate of {p.rate_percent}% from {p.effective_from:%d %b %Y} is marked "
              f"“{p.source_note}”." for p in rates_used if UNCONFIRMED_MARK in p.source_note]

    def total(attr: str) -> Decimal:
        return sum((getattr(i, attr) for i in per_invoice), ZERO)

    return Computation(
        as_of=today, terms=terms, settings=settings, invoices=per_invoice,
        payments=tuple(allocations), rates_used=rates_used, principal=total("amount"),
        interest=total("interest"), paid_to_interest=total("paid_to_interest"),
        paid_to_principal=total("paid_to_principal"),
        principal_outstanding=total("principal_outstanding"),
        interest_outstanding=total("interest_outstanding"), total_due=total("total_due"),
        unapplied=paisa(sum((a.unapplied for a in allocations), ZERO)), notes=tuple(notes))
