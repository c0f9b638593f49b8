"""Which debtor, and which case, to work on first: a transparent score from a table of rules, each with
its reason in words (DOMAIN 31: an internal aid, from the debtor's own account with this creditor only, never
shown to the debtor). Pure Python: the facts come in, the score and its reasons go out.

The same table scores a debtor (the facts of all its open claims with this creditor) and a case (the
facts of that claim alone; portal.receivables.scoring gathers both). The creditor may override a
debtor's score with its own figure and a reason; the override replaces the score and its reason is
shown instead.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.formatting import rupees


@dataclass(frozen=True)
class Facts:
    """About one debtor (all its open claims with the creditor) or one case."""

    outstanding: Decimal
    days_overdue: int                  # the oldest open invoice's days past its due date (0 if none)
    promises_broken: int
    promises_kept: int
    reminders_sent: int
    responded: bool                    # opened its link, answered, promised or paid part since reminded
    msmed_interest_accruing: bool
    limitation_ends: date | None       # the earliest limitation date of its open invoices
    today: date
    at_notice_level: bool = False      # the last reminder before a notice has gone


@dataclass(frozen=True)
class Rule:
    name: str
    points: Callable[[Facts], int]
    reason: Callable[[Facts], str]


@dataclass(frozen=True)
class Score:
    value: int
    reasons: tuple[str, ...]
    overridden: bool = False


def _amount(f: Facts) -> int:
    if f.outstanding >= Decimal("1000000"):
        return 30
    if f.outstanding >= Decimal("100000"):
        return 15
    return 5 if f.outstanding > 0 else 0


def _overdue(f: Facts) -> int:
    d = f.days_overdue
    return 25 if d > 90 else 15 if d > 30 else 5 if d > 0 else 0


def _days_to_limitation(f: Facts) -> int | None:
    return None if f.limitation_ends is None else (f.limitation_ends - f.today).days


RULES: tuple[Rule, ...] = (
    Rule("amount", _amount, lambda f: f"{rupees(f.outstanding)} outstanding"),
    Rule("overdue", _overdue, lambda f: f"oldest invoice {f.days_overdue} days overdue"),
    Rule("broken_promises", lambda f: min(3, f.promises_broken) * 10,
         lambda f: f"{f.promises_broken} promise{'s' if f.promises_broken != 1 else ''} to pay broken"),
    Rule("kept_promises", lambda f: -5 if f.promises_kept and not f.promises_broken else 0,
         lambda f: f"kept {f.promises_kept} promise{'s' if f.promises_kept != 1 else ''} to pay"),
    Rule("silent", lambda f: 10 if f.reminders_sent >= 2 and not f.responded else 0,
         lambda f: f"no answer to {f.reminders_sent} reminders"),
    Rule("responsive", lambda f: -10 if f.responded else 0,
         lambda f: "answered a reminder (opened the link, replied, promised or paid part)"),
    Rule("msmed", lambda f: 5 if f.msmed_interest_accruing else 0,
         lambda f: "MSMED interest accruing"),
    Rule("limitation", lambda f: 40 if (_days_to_limitation(f) or 10**6) <= 90 else 0,
         lambda f: f"limitation ends on {f.limitation_ends:%d %b %Y}"),
    Rule("notice_level", lambda f: 15 if f.at_notice_level else 0,
         lambda f: "the last reminder before a legal notice has gone"),
)


def score(facts: Facts, *, override: int | None = None, override_reason: str | None = None) -> Score:
    if override is not None:
        return Score(override, (f"set by the creditor: {override_reason or 'no reason given'}",), True)
    value, reasons = 0, []
    for rule in RULES:
        points = rule.points(facts)
        if points:
            value += points
            reasons.append(f"{rule.reason(facts)} ({points:+d})")
    return Score(value, tuple(reasons))
