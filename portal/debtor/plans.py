"""The debtor's instalment plan: from what the debtor chose (how many instalments, when the first
falls due, monthly or weekly, an optional down payment today) to `SettlementTerms`.

Pure Python, so every edge (the paise left over, the last allowed day) is tested without a database.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from arbitration import SettlementTerms, TermsError, add_months
from portal.formatting import day, rupees
from portal.i18n import gettext, language
from portal.types import to_paisa

MIN_INSTALMENTS = 2
MAX_INSTALMENTS = 12
# The first instalment may start at most this far ahead: a plan should begin soon to be credible.
FIRST_DUE_WITHIN_DAYS = 60


class Frequency(enum.StrEnum):
    MONTHLY = "monthly"
    WEEKLY = "weekly"


@dataclass(frozen=True)
class PlanRequest:
    count: int
    first_due: date
    frequency: Frequency = Frequency.MONTHLY
    down_payment: Decimal | None = None


def check(plan: PlanRequest, today: date) -> None:
    """Raise TermsError (a message safe to show) for a plan outside the limits."""
    if not MIN_INSTALMENTS <= plan.count <= MAX_INSTALMENTS:
        raise TermsError(gettext("Choose between %(min)s and %(max)s instalments.", min=MIN_INSTALMENTS,
                                 max=MAX_INSTALMENTS))
    if plan.first_due < today:
        raise TermsError(gettext("The first instalment cannot be due in the past."))
    if plan.first_due > today + timedelta(days=FIRST_DUE_WITHIN_DAYS):
        raise TermsError(gettext("The first instalment must fall due within %(days)s days (by %(day)s).",
                                 days=FIRST_DUE_WITHIN_DAYS,
                                 day=day(today + timedelta(days=FIRST_DUE_WITHIN_DAYS), language())))
    if plan.down_payment is not None and plan.down_payment > 0 and plan.first_due == today:
        raise TermsError(gettext("The down payment is due today: start the instalments from tomorrow."))


def due_dates(plan: PlanRequest) -> list[date]:
    if plan.frequency == Frequency.WEEKLY:
        return [plan.first_due + timedelta(weeks=i) for i in range(plan.count)]
    return [add_months(plan.first_due, i) for i in range(plan.count)]


def build_terms(total: Decimal, plan: PlanRequest, today: date) -> SettlementTerms:
    """Equal instalments of `total` (less any down payment, due today), each rounded to the paisa;
    the last takes up the rounding difference so the schedule adds up to the total exactly."""
    check(plan, today)
    total = to_paisa(total)
    if total <= 0:
        raise TermsError(gettext("Nothing is due on this claim, so there is nothing to spread out."))
    down = to_paisa(plan.down_payment) if plan.down_payment else Decimal("0.00")
    if down < 0:
        raise TermsError(gettext("The down payment cannot be negative."))
    if down >= total:
        raise TermsError(gettext("The down payment covers the whole amount (%(total)s): pay in full instead.",
                                 total=rupees(total, language())))
    rest = total - down
    each = to_paisa(rest / plan.count)
    amounts = [each] * (plan.count - 1) + [rest - each * (plan.count - 1)]
    if amounts[-1] <= 0 or each <= 0:
        raise TermsError(gettext("The amount is too small for that many instalments."))
    schedule = list(zip(due_dates(plan), amounts, strict=True))
    if down > 0:
        schedule.insert(0, (today, down))
    return SettlementTerms.build(total, schedule, today=today)
