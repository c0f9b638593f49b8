"""A dated rate table as a pure lookup (no Flask, no database): which rate was in force on a day."""
from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


class RateMissing(Exception):
    """No rate is known for a date; the computation refuses rather than guess."""

    def __init__(self, on: date, earliest: date | None) -> None:
        self.on = on
        self.earliest = earliest
        if earliest is None:
            message = (f"The bank-rate table is empty, so interest for {on:%d %b %Y} cannot be "
                       "computed. A platform administrator must enter the RBI Bank Rate first.")
        else:
            message = (f"No RBI Bank Rate is recorded for {on:%d %b %Y}: the table starts on "
                       f"{earliest:%d %b %Y}. A platform administrator must add the rate in force "
                       "on that date before interest can be computed.")
        super().__init__(message)


@dataclass(frozen=True)
class RatePoint:
    """A rate in force from `effective_from` (inclusive) until the next point's date."""

    effective_from: date
    rate_percent: Decimal
    source_note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.rate_percent, Decimal):
            raise TypeError("rate_percent must be a Decimal")


class RateTable:
    """Immutable, sorted rate points; `rate_on(day)` is the point in force on that day."""

    def __init__(self, points: Iterable[RatePoint]) -> None:
        ordered = sorted(points, key=lambda p: p.effective_from)
        days = [p.effective_from for p in ordered]
        if len(set(days)) != len(days):
            raise ValueError("two rates share an effective date")
        self._points = tuple(ordered)
        self._days = days

    @classmethod
    def of(cls, *pairs: tuple[date, str | Decimal]) -> RateTable:
        """Shorthand for tests and fixed tables: RateTable.of((date(2025, 2, 7), "6.50"), ...)."""
        return cls(RatePoint(on, Decimal(rate)) for on, rate in pairs)

    @property
    def points(self) -> tuple[RatePoint, ...]:
        return self._points

    @property
    def earliest(self) -> date | None:
        return self._days[0] if self._days else None

    def rate_on(self, day: date) -> RatePoint:
        i = bisect.bisect_right(self._days, day)
        if i == 0:
            raise RateMissing(day, self.earliest)
        return self._points[i - 1]

    def __len__(self) -> int:
        return len(self._points)
