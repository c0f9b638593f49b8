"""The limitation clock per invoice (Limitation Act 1963): its deadline, status and reason chain.

Pure Python (no Flask, no database). The rules as encoded:
- The period is three years (Art. 14 price of goods with no fixed credit period, from delivery;
  Art. 15 with a fixed credit period, from its end, i.e. the due date; Art. 113 other money
  claims, from when the right to sue accrues, i.e. the due date).
- Counting: s.12(1) excludes the day the period runs from, and a "year" is a calendar year
  (General Clauses Act s.3(66)); so three years from D end on the same calendar date three years
  later, the last day on which a claim may be filed. A period that would end on 29 February ends
  on 28 February (the earlier, safer reading). The claim is time-barred from the next day.
  s.4 (the court closed on the last day) is not applied: Sulah never counts on it.
- s.18 (a written acknowledgement signed by the debtor) and s.19 (a part payment by the debtor)
  made on or before the last day each start a fresh three-year period from their own date, counted
  the same way. One made after the period has expired revives nothing. A part payment counts only
  with the payer's own written acknowledgement of it (s.19 proviso); the creditor records the
  document against the payment.
- An invoice is `near` its deadline when 0 to `near_days` (default 90) days remain.
"""
from __future__ import annotations

import calendar
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

LIMITATION_YEARS = 3
DEFAULT_NEAR_DAYS = 90
ARTICLE_FROM_DUE_DATE = "Art. 15 / Art. 113"
ARTICLE_FROM_DELIVERY = "Art. 14"


class EventKind(enum.StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"  # s.18
    PART_PAYMENT = "part_payment"  # s.19


class StepSentence:
    """Which sentence a step of the reason chain says (a page says it again in its own language from
    this and the step's dates: portal.cases.limitation_words). Never stored nor shown: not an enum."""
    FROM_DUE_DATE = "from_due_date"  # the start: Art. 15 / Art. 113
    FROM_DELIVERY = "from_delivery"  # the start: Art. 14, before the later due date (`compared`)
    NOT_IN_WRITING = "not_in_writing"  # a part payment the payer did not acknowledge in writing
    AFTER_TODAY = "after_today"  # dated after the day reckoned (`compared`)
    AFTER_EXPIRY = "after_expiry"  # made after the period expired
    FRESH_PERIOD = "fresh_period"  # starts a fresh period (the step's deadline)
    NO_LATER = "no_later"  # its fresh period would end (`compared`) no later than the deadline
    ALL = (FROM_DUE_DATE, FROM_DELIVERY, NOT_IN_WRITING, AFTER_TODAY, AFTER_EXPIRY, FRESH_PERIOD, NO_LATER)


class LimitationState(enum.StrEnum):
    OK = "ok"
    NEAR = "near"
    TIME_BARRED = "time_barred"


@dataclass(frozen=True)
class LimitationEvent:
    """Something that can restart the clock; built from Acknowledgement and Payment rows."""

    on: date
    kind: EventKind
    description: str = ""
    # s.19 proviso: a part payment counts only when "an acknowledgement of the payment appears in
    # the handwriting of, or in a writing signed by, the person making the payment".
    written: bool = True


@dataclass(frozen=True)
class LimitationStart:
    """The day the period runs from, and which article of the Schedule puts it there."""

    on: date
    article: str
    reason: str
    later_due_date: date | None = None  # Art. 14: the due date the period does not run from


@dataclass(frozen=True)
class LimitationStep:
    on: date
    kind: str  # "start", or an EventKind value
    extends: bool  # did it move the deadline?
    deadline: date  # the deadline after this step
    text: str  # the English sentence
    # What the sentence is made of, for a page in another language (portal.cases.limitation_words).
    sentence: str = ""  # a StepSentence ("" for none)
    description: str = ""  # the event's own description, as recorded
    compared: date | None = None  # the other day the sentence names (see StepSentence)


@dataclass(frozen=True)
class LimitationStatus:
    as_of: date
    starts_on: date
    deadline: date  # the last day a claim may be filed
    state: LimitationState
    days_left: int  # negative once time-barred
    near_days: int
    steps: tuple[LimitationStep, ...]

    @property
    def time_barred(self) -> bool:
        return self.state == LimitationState.TIME_BARRED

    @property
    def reasons(self) -> tuple[str, ...]:
        """The reason chain in words, ending with the conclusion."""
        return tuple(s.text for s in self.steps) + (self.summary,)

    @property
    def summary(self) -> str:
        if self.state == LimitationState.TIME_BARRED:
            return (f"Time-barred since {_d(_next_day(self.deadline))}: it can go into a notice "
                    "only with a recorded justification.")
        left = "the last day" if self.days_left == 0 else f"{self.days_left} days left"
        near = " (near the deadline)" if self.state == LimitationState.NEAR else ""
        return f"In time until {_d(self.deadline)}: {left}{near}."


def _d(day: date) -> str:
    return day.strftime("%d %b %Y")


def _next_day(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)


def years_later(day: date, years: int = LIMITATION_YEARS) -> date:
    """The same calendar date `years` later; 29 February becomes 28 February."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def period_start(due_date: date, *, delivery_date: date | None = None,
                 credit_period_fixed: bool = True) -> LimitationStart:
    """Where the three years run from. With no credit period fixed by the parties, Art. 14 runs
    from delivery, earlier than a statutory (MSMED s.15) due date: the earlier day is used."""
    if credit_period_fixed or delivery_date is None or delivery_date >= due_date:
        return LimitationStart(due_date, ARTICLE_FROM_DUE_DATE,
                               f"The period runs from the due date, {_d(due_date)}.")
    return LimitationStart(delivery_date, ARTICLE_FROM_DELIVERY, (
        f"No credit period was fixed, so for the price of goods the period runs from delivery, "
        f"{_d(delivery_date)}, not from the later due date of {_d(due_date)}."), later_due_date=due_date)


def limitation_status(start: LimitationStart | date, events: Iterable[LimitationEvent],
                      today: date, *, near_days: int = DEFAULT_NEAR_DAYS) -> LimitationStatus:
    """The deadline on `today`, given the start and the acknowledgements and part payments."""
    if near_days < 0:
        raise ValueError("near_days cannot be negative")
    if isinstance(start, date):
        start = period_start(start)
    deadline = years_later(start.on)
    steps = [LimitationStep(start.on, "start", True, deadline, (
        f"{start.article}: {start.reason} Three years from it end on {_d(deadline)}."),
        StepSentence.FROM_DELIVERY if start.later_due_date else StepSentence.FROM_DUE_DATE,
        compared=start.later_due_date)]
    for ev in sorted(events, key=lambda e: e.on):
        what = ("A written acknowledgement (s.18)" if ev.kind == EventKind.ACKNOWLEDGEMENT
                else "A part payment (s.19)")
        label = f"{what} on {_d(ev.on)}{f' ({ev.description})' if ev.description else ''}"
        fresh = years_later(ev.on)
        if ev.kind == EventKind.PART_PAYMENT and not ev.written:
            steps.append(LimitationStep(ev.on, ev.kind.value, False, deadline, (
                f"{label} does not start a fresh period: s.19 counts a part payment only when the "
                "payer acknowledges it in its own handwriting or in a writing it signed. Record "
                "that document to count it."), StepSentence.NOT_IN_WRITING, description=ev.description))
        elif ev.on > today:
            steps.append(LimitationStep(ev.on, ev.kind.value, False, deadline,
                                        f"{label} is dated after {_d(today)} and is not counted.",
                                        StepSentence.AFTER_TODAY, compared=today,
                                        description=ev.description))
        elif ev.on > deadline:
            steps.append(LimitationStep(ev.on, ev.kind.value, False, deadline, (
                f"{label} came after the period expired on {_d(deadline)}, so it does not revive "
                "the claim (a written promise to pay a time-barred debt may be a new contract "
                "under Indian Contract Act s.25(3): record it separately)."), StepSentence.AFTER_EXPIRY,
                description=ev.description))
        elif fresh > deadline:
            deadline = fresh
            steps.append(LimitationStep(ev.on, ev.kind.value, True, deadline,
                                        f"{label}, before expiry, starts a fresh period ending "
                                        f"{_d(deadline)}.", StepSentence.FRESH_PERIOD,
                                        description=ev.description))
        else:
            steps.append(LimitationStep(ev.on, ev.kind.value, False, deadline, (
                f"{label} does not move the deadline: its fresh period would end {_d(fresh)}, "
                f"not after {_d(deadline)}."), StepSentence.NO_LATER, compared=fresh,
                description=ev.description))
    days_left = (deadline - today).days
    state = (LimitationState.TIME_BARRED if days_left < 0 else
             LimitationState.NEAR if days_left <= near_days else LimitationState.OK)
    return LimitationStatus(as_of=today, starts_on=start.on, deadline=deadline, state=state,
                            days_left=days_left, near_days=near_days, steps=tuple(steps))
