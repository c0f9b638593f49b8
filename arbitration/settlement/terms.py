"""The terms two parties can agree on: a sum and when it is paid (at once or in instalments).

Offers in the ODR room, a neutral's proposal, a blind-bidding result and the settlement agreement
all carry the same `SettlementTerms`, so what was accepted is exactly what gets signed and tracked.
Pure Python: amounts are Decimals rounded to the paisa here, dates are Indian calendar dates.
"""
from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal import money
from portal.formatting import rupees
from portal.i18n import gettext, language
from portal.i18n import lazy_gettext as _l
from portal.types import to_paisa

MAX_INSTALMENTS = 36

_THE_TOTAL = _l("The total")


class TermsError(ValueError):
    """The terms do not add up; the message is safe to show."""


@dataclass(frozen=True)
class Instalment:
    due_on: date          # a calendar date in India (IST)
    amount: Decimal       # rupees, to the paisa


@dataclass(frozen=True)
class SettlementTerms:
    total: Decimal
    instalments: tuple[Instalment, ...]

    @classmethod
    def build(cls, total, schedule: list[tuple[date, object]], *, today: date,
              ceiling: Decimal | None = None) -> SettlementTerms:
        """Validated terms: a positive total (at most `ceiling`, the sum claimed), one or more
        instalments on distinct dates from today on, in date order, adding up to the total exactly."""
        total = _money(total, _THE_TOTAL)
        if ceiling is not None and total > ceiling:
            raise TermsError(gettext("The total cannot be more than the sum claimed (%(claimed)s).",
                                     claimed=rupees(ceiling, language())))
        if not schedule:
            raise TermsError(gettext("Give at least one payment date."))
        if len(schedule) > MAX_INSTALMENTS:
            raise TermsError(gettext("At most %(count)s instalments.", count=MAX_INSTALMENTS))
        parts = tuple(Instalment(d, _money(a, _l("Instalment %(number)s", number=i)))
                      for i, (d, a) in enumerate(schedule, 1))
        dates = [p.due_on for p in parts]
        if any(d < today for d in dates):
            raise TermsError(gettext("A payment date cannot be in the past."))
        if len(set(dates)) != len(dates):
            raise TermsError(gettext("Two instalments fall on the same date."))
        if sum((p.amount for p in parts), Decimal("0")) != total:
            raise TermsError(gettext("The instalments add up to %(sum)s, not the total of %(total)s.",
                                     sum=rupees(sum(p.amount for p in parts), language()),
                                     total=rupees(total, language())))
        return cls(total, tuple(sorted(parts, key=lambda p: p.due_on)))

    @classmethod
    def lump_sum(cls, total, due_on: date, *, today: date) -> SettlementTerms:
        return cls.build(total, [(due_on, total)], today=today)

    @classmethod
    def equal_instalments(cls, total, count: int, first_due: date, *, today: date,
                          every_months: int = 1) -> SettlementTerms:
        """`count` monthly instalments; the paise left over by the division go on the last one."""
        total = _money(total, _THE_TOTAL)
        if not 1 <= count <= MAX_INSTALMENTS:
            raise TermsError(gettext("Choose between %(min)s and %(max)s instalments.", min=1,
                                     max=MAX_INSTALMENTS))
        each = to_paisa(total / count)
        amounts = [each] * (count - 1) + [total - each * (count - 1)]
        if amounts[-1] <= 0:
            raise TermsError(gettext("The total is too small for that many instalments."))
        dates = [add_months(first_due, i * every_months) for i in range(count)]
        return cls.build(total, list(zip(dates, amounts, strict=True)), today=today)

    @property
    def is_lump_sum(self) -> bool:
        return len(self.instalments) == 1

    def to_json(self) -> str:
        return json.dumps({"total": str(self.total), "instalments": [
            {"due_on": p.due_on.isoformat(), "amount": str(p.amount)} for p in self.instalments]})

    @classmethod
    def from_json(cls, text: str) -> SettlementTerms:
        data = json.loads(text)
        return cls(Decimal(data["total"]), tuple(
            Instalment(date.fromisoformat(p["due_on"]), Decimal(p["amount"])) for p in data["instalments"]))


def _money(value, what: str) -> Decimal:
    try:
        amount = money.parse_amount(value, minimum=money.PAISA, what=what)
    except money.MoneyInvalid as exc:
        raise TermsError(str(exc)) from None
    return amount


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
