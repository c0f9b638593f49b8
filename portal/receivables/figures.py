"""The portfolio's figures, as pure functions over plain values: ageing buckets, DSO by the
countback method, and the funnel. No Flask, no database (the buckets' names are English, the CSV's
columns; N_ only marks them for the catalogue, and a page says them with
portal.receivables.page_words)."""
from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portal.i18n import N_

ZERO = Decimal("0.00")
BUCKETS = (N_("Not yet due"), N_("1–30 days"), N_("31–60 days"), N_("61–90 days"), N_("Over 90 days"))


def bucket_of(due_date: date, today: date) -> str:
    days = (today - due_date).days
    if days <= 0:
        return BUCKETS[0]
    if days <= 30:
        return BUCKETS[1]
    if days <= 60:
        return BUCKETS[2]
    if days <= 90:
        return BUCKETS[3]
    return BUCKETS[4]


def ageing(items: Iterable[tuple[date, Decimal]], today: date) -> dict[str, Decimal]:
    """(due date, outstanding) pairs summed into the five buckets, in order."""
    out = {b: ZERO for b in BUCKETS}
    for due, amount in items:
        if amount > 0:
            out[bucket_of(due, today)] += amount
    return out


def month_start(day: date, back: int = 0) -> date:
    y, m = day.year, day.month - back
    while m <= 0:
        y, m = y - 1, m + 12
    return date(y, m, 1)


def dso_countback(receivables: Decimal, sales_by_month: dict[date, Decimal], today: date,
                  months: int = 12) -> Decimal | None:
    """Days sales outstanding by the countback method: take today's receivables, subtract each
    month's credit sales going back from the current month (its days so far) until they are used up;
    the days of the months wholly used, plus the used share of the last month's days. None when
    there were no sales in the window; the window's days when even they do not cover it."""
    remaining, days = receivables, Decimal(0)
    if receivables <= 0:
        return Decimal("0.0")
    any_sales = False
    for back in range(months):
        start = month_start(today, back)
        length = today.day if back == 0 else calendar.monthrange(start.year, start.month)[1]
        sales = sales_by_month.get(start, ZERO)
        if sales <= 0:
            days += length
            continue
        any_sales = True
        if remaining > sales:
            remaining -= sales
            days += length
        else:
            days += Decimal(length) * remaining / sales
            return days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if any_sales else None


@dataclass(frozen=True)
class Step:
    label: str
    count: int


def funnel(labels: Iterable[str], counts: Iterable[int]) -> list[Step]:
    return [Step(label, count) for label, count in zip(labels, counts, strict=True)]
