"""Interest on one invoice, period by period: MSMED s.16 monthly rests, contractual rates, payments.

Pure Python (no Flask, no database). `amounts.compute` drives one `InvoiceLedger` per invoice and
decides which invoice each payment goes to; the rules for a single invoice live here. The exact
definitions (periods, rates, part months, rounding) are in `portal.cases.amounts`' docstring.
"""
from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from portal.formatting import rupees
from portal.rates import RatePoint, RateTable

ZERO = Decimal("0.00")
PAISA = Decimal("0.01")
# Enough digits that nothing is lost before the single rounding of each line to the paisa.
CTX = Context(prec=50, rounding=ROUND_HALF_UP)
MSMED_MULTIPLIER = 3
DAYS_IN_YEAR = 365


class ComputationError(ValueError):
    """The inputs cannot give a sound figure; the message says what to fix."""


class InterestScheme(enum.StrEnum):
    MSMED_S16 = "msmed_s16"  # compound, monthly rests, 3 × RBI Bank Rate
    SIMPLE = "simple"  # simple interest at a stated or contractual rate, actual days / 365
    COMPOUND_MONTHLY = "compound_monthly"  # contractual rate compounded with monthly rests
    NONE = "none"  # no interest claimed


class RateBasis(enum.StrEnum):
    """Which day's Bank Rate MSMED s.16 multiplies. The Act says "the bank rate notified by the
    Reserve Bank" without fixing the day; councils and courts use each of these."""

    FLOATING = "floating"  # the Bank Rate in force on the day each monthly period opens
    FROZEN = "frozen"  # the Bank Rate in force on the due date, for every month
    FROZEN_FIRST_DAY = "frozen_first_day"  # in force on the first day of interest (due date + 1)


class PartMonth(enum.StrEnum):
    PRO_RATA_DAYS = "pro_rata_days"  # an incomplete month: month's rate × days / days in it
    THIRTY_DAY = "thirty_day"  # an incomplete month: month's rate × days / 30 (at most 30 a month)
    IGNORE = "ignore"  # only complete months carry interest


class Rounding(enum.StrEnum):
    EACH_REST = "each_rest"  # each line's interest rounded to the paisa; the rounded figure compounds
    AT_END = "at_end"  # carried unrounded; the amounts due rounded to the paisa once, at the end


THIRTY = 30

_BASIS_TEXT = {
    RateBasis.FLOATING: "Floating rate: each month uses the Bank Rate in force on the day that "
                        "month opens.",
    RateBasis.FROZEN: "Frozen rate: every month uses the Bank Rate in force on the due date.",
    RateBasis.FROZEN_FIRST_DAY: "Frozen rate: every month uses the Bank Rate in force on the "
                                "first day of interest (the day after the due date).",
}
_PART_TEXT = {
    PartMonth.PRO_RATA_DAYS: "Part month: an incomplete month carries that month's rate for the "
                             "days elapsed out of the actual days in that month (28 to 31).",
    PartMonth.THIRTY_DAY: "Part month: an incomplete month carries that month's rate for the days "
                          "elapsed out of a 30-day month (at most 30 days in any month).",
    PartMonth.IGNORE: "Part month: only complete months carry interest; an incomplete month "
                      "carries none.",
}
_ROUNDING_TEXT = {
    Rounding.EACH_REST: "Rounding: each line's interest is rounded to the paisa (half up) and the "
                        "rounded figure joins the balance at the monthly rest.",
    Rounding.AT_END: "Rounding: interest is carried unrounded and the amounts due are rounded to "
                     "the paisa (half up) once, at the end; lines are shown rounded, so they may "
                     "differ from the totals by a paisa.",
}


@dataclass(frozen=True)
class InterestSettings:
    """The choices on which courts differ; each is a per-case setting printed with every
    computation (issue: interest treatments as explicit settings)."""

    rate_basis: RateBasis = RateBasis.FLOATING
    part_month: PartMonth = PartMonth.PRO_RATA_DAYS
    rounding: Rounding = Rounding.EACH_REST

    def describe(self) -> tuple[str, str, str]:
        return (_BASIS_TEXT[self.rate_basis], _PART_TEXT[self.part_month],
                _ROUNDING_TEXT[self.rounding])


@dataclass(frozen=True)
class InterestTerms:
    """Which interest applies to the claim: the statute's, or a rate stated by the creditor."""

    scheme: InterestScheme
    annual_rate: Decimal | None = None  # % a year, for SIMPLE and COMPOUND_MONTHLY
    rate_source: str = ""  # e.g. "contractual rate (clause 7 of the agreement)"

    def __post_init__(self) -> None:
        needs_rate = self.scheme in (InterestScheme.SIMPLE, InterestScheme.COMPOUND_MONTHLY)
        if needs_rate and (not isinstance(self.annual_rate, Decimal) or self.annual_rate < 0):
            raise ComputationError("State the annual interest rate as a non-negative Decimal.")


class LineKind(enum.StrEnum):
    MONTH = "month"  # a whole monthly period
    MONTH_PART = "month_part"  # part of a monthly period (ended by a payment or by today)
    DAYS = "days"  # simple interest for a run of days
    PAYMENT = "payment"  # a payment with no interest period before it


@dataclass(frozen=True)
class ComputationLine:
    """One checkable step: opening + interest − payment applied = closing (all to the paisa)."""

    invoice_number: str
    kind: LineKind
    period_from: date | None
    period_to: date | None
    days: int
    month_no: int | None
    days_in_month: int | None
    annual_rate: Decimal | None  # % a year actually applied
    bank_rate: Decimal | None  # the RBI Bank Rate behind it (MSMED only)
    bank_rate_on: date | None  # the day whose Bank Rate was used
    interest_on: Decimal  # the amount interest ran on
    opening_balance: Decimal
    interest: Decimal
    payment_applied: Decimal
    to_interest: Decimal
    to_principal: Decimal
    closing_balance: Decimal
    description: str


def add_months(day: date, months: int) -> date:
    """The same day-of-month `months` later; the month's last day where that day does not exist."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def paisa(value: Decimal) -> Decimal:
    return value.quantize(PAISA, rounding=ROUND_HALF_UP)


def percent(value: Decimal) -> str:
    """6.5 → '6.50%', 1.5625 → '1.5625%'; a figure with more than 6 decimals shows as ≈ 4 places."""
    exponent = value.normalize().as_tuple().exponent
    if exponent >= -2:
        return f"{value.quantize(PAISA)}%"
    if exponent >= -6:
        return f"{value.normalize():f}%"
    return f"≈{value.quantize(Decimal('0.0001'))}%"


def _d(day: date) -> str:
    return day.strftime("%d %b %Y")


@dataclass
class InvoiceLedger:
    """Runs one invoice's balance forward in time; `amounts.compute` calls accrue_to and pay."""

    number: str
    amount: Decimal
    due_date: date
    terms: InterestTerms
    settings: InterestSettings
    rate_table: RateTable | None
    today: date
    principal: Decimal = ZERO
    capitalised: Decimal = ZERO  # interest added to the balance at monthly rests, unpaid
    accrued: Decimal = ZERO  # interest since the last rest (or all interest, when simple), unpaid
    month: int = 1
    lines: list[ComputationLine] = field(default_factory=list)
    rates_used: dict[date, RatePoint] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.principal = self.amount
        self.start = self.due_date + timedelta(days=1)
        self.cursor = self.start  # the next day that has not yet carried interest

    @property
    def balance(self) -> Decimal:
        return self.principal + self.capitalised + self.accrued

    @property
    def interest_unpaid(self) -> Decimal:
        return self.capitalised + self.accrued

    def accrue_to(self, end: date) -> None:
        """Carry interest for every day from the cursor through `end` (inclusive)."""
        with localcontext(CTX):
            while self.cursor <= end:
                if self.balance == 0 or self.terms.scheme == InterestScheme.NONE:
                    self.cursor = end + timedelta(days=1)
                elif self.terms.scheme == InterestScheme.SIMPLE:
                    self._simple(end)
                else:
                    self._monthly(end)

    def _round(self, value: Decimal) -> Decimal:
        """A line's interest: to the paisa now (EACH_REST), or kept exact until the end."""
        return paisa(value) if self.settings.rounding == Rounding.EACH_REST else +value

    def _simple(self, end: date) -> None:
        days = (end - self.cursor).days + 1
        rate = self.terms.annual_rate
        interest = self._round(self.principal * rate / 100 * days / DAYS_IN_YEAR)
        text = (f"{_d(self.cursor)} to {_d(end)}: {days} days at {percent(rate)} a year "
                f"({self.terms.rate_source or 'stated rate'}), simple interest on principal "
                f"{rupees(self.principal)} × {days}/{DAYS_IN_YEAR}")
        self._line(LineKind.DAYS, end, days, None, None, rate, None, None, self.principal,
                   interest, text)
        self.accrued += interest

    def _month_rate(self, opens: date) -> tuple[Decimal, RatePoint | None, date | None]:
        if self.terms.scheme == InterestScheme.COMPOUND_MONTHLY:
            return self.terms.annual_rate, None, None
        if self.rate_table is None:
            raise ComputationError("MSMED interest needs the bank-rate table.")
        on = {RateBasis.FLOATING: opens, RateBasis.FROZEN: self.due_date,
              RateBasis.FROZEN_FIRST_DAY: self.start}[self.settings.rate_basis]
        point = self.rate_table.rate_on(on)
        self.rates_used[point.effective_from] = point
        return point.rate_percent * MSMED_MULTIPLIER, point, on

    def _monthly(self, end: date) -> None:
        opens, closes = add_months(self.start, self.month - 1), add_months(self.start, self.month)
        last_day = closes - timedelta(days=1)
        seg_end = min(end, last_day)
        days, month_days = (seg_end - self.cursor).days + 1, (closes - opens).days
        annual, point, on = self._month_rate(opens)
        base = self.principal + self.capitalised
        whole = self.cursor == opens and seg_end == last_day
        if point is not None:
            when = {RateBasis.FROZEN: "on the due date, ",
                    RateBasis.FROZEN_FIRST_DAY: "on the first day of interest, "}.get(
                self.settings.rate_basis, "on ")
            rate_text = (f"Bank Rate {percent(point.rate_percent)} (in force {when}{_d(on)}) × "
                         f"{MSMED_MULTIPLIER} = {percent(annual)} a year")
        else:
            rate_text = f"{percent(annual)} a year ({self.terms.rate_source or 'contractual rate'})"
        head = (f"Month {self.month}{'' if whole else ' (part)'}, {_d(self.cursor)} to "
                f"{_d(seg_end)}: {rate_text}")
        if whole:
            interest = self._round(base * annual / 1200)
            text = f"{head}; {percent(annual / 12)} for the month on {rupees(base)}"
        elif self.settings.part_month == PartMonth.IGNORE and last_day > self.today:
            interest = ZERO
            text = (f"{head}; {days} of {month_days} days of a month not complete on "
                    f"{_d(self.today)}: no interest (complete months only)")
        elif self.settings.part_month == PartMonth.THIRTY_DAY:
            # Each day is 1/30 of the month; a month split by payments counts at most 30 days.
            counted = max(0, min(days, THIRTY - (self.cursor - opens).days))
            interest = self._round(base * annual / 1200 * counted / THIRTY)
            text = (f"{head}; {percent(annual / 12)} for the month × {counted}/{THIRTY} days "
                    f"on {rupees(base)}")
        else:
            interest = self._round(base * annual / 1200 * days / month_days)
            text = (f"{head}; {percent(annual / 12)} for the month × {days}/{month_days} days "
                    f"on {rupees(base)}")
        self._line(LineKind.MONTH if whole else LineKind.MONTH_PART, seg_end, days, self.month,
                   month_days, annual, point.rate_percent if point else None, on, base,
                   interest, text)
        self.accrued += interest
        if seg_end == last_day:  # the monthly rest: interest joins the balance that earns interest
            self.capitalised += self.accrued
            self.accrued = ZERO
            self.month += 1

    def _line(self, kind, seg_end, days, month_no, month_days, annual, bank_rate, bank_on,
              base, interest, text) -> None:
        opening = self.balance
        self.lines.append(ComputationLine(
            invoice_number=self.number, kind=kind, period_from=self.cursor, period_to=seg_end,
            days=days, month_no=month_no, days_in_month=month_days, annual_rate=annual,
            bank_rate=bank_rate, bank_rate_on=bank_on, interest_on=base, opening_balance=opening,
            interest=interest, payment_applied=ZERO, to_interest=ZERO, to_principal=ZERO,
            closing_balance=opening + interest, description=text + "."))
        self.cursor = seg_end + timedelta(days=1)

    def pay(self, paid_on: date, available: Decimal,
            reference: str = "") -> tuple[Decimal, Decimal]:
        """Apply up to `available` received on `paid_on`: oldest unpaid interest, then principal.

        Call accrue_to(paid_on) first. Returns (to_interest, to_principal).
        """
        take = min(available, self.balance)
        to_interest = min(take, self.interest_unpaid)
        from_capitalised = min(to_interest, self.capitalised)
        self.capitalised -= from_capitalised
        self.accrued -= to_interest - from_capitalised
        to_principal = take - to_interest
        self.principal -= to_principal
        ref = f" ({reference})" if reference else ""
        text = (f"Payment of {rupees(take)} received on {_d(paid_on)}{ref}: {rupees(to_interest)} "
                f"to interest, then {rupees(to_principal)} to principal.")
        last = self.lines[-1] if self.lines else None
        if last is not None and last.period_to == paid_on and last.payment_applied == 0:
            self.lines[-1] = _with_payment(last, take, to_interest, to_principal, text)
        else:
            opening = self.balance + take
            self.lines.append(ComputationLine(
                invoice_number=self.number, kind=LineKind.PAYMENT, period_from=paid_on,
                period_to=paid_on, days=0, month_no=None, days_in_month=None, annual_rate=None,
                bank_rate=None, bank_rate_on=None, interest_on=ZERO, opening_balance=opening,
                interest=ZERO, payment_applied=take, to_interest=to_interest,
                to_principal=to_principal, closing_balance=opening - take, description=text))
        return to_interest, to_principal


def _with_payment(line: ComputationLine, take: Decimal, to_interest: Decimal,
                  to_principal: Decimal, text: str) -> ComputationLine:
    return replace(line, payment_applied=take, to_interest=to_interest, to_principal=to_principal,
                   closing_balance=line.closing_balance - take,
                   description=f"{line.description} {text}")
