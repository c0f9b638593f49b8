"""The statutory clocks of an arbitration, pure (no Flask, no database): dates in, dates and warnings out.

s.23(4): the statement of claim and defence are complete within six months of the arbitrator's
receiving notice of the appointment (the day it received the written notice, recorded on the
appointment; not its acceptance). s.29A(1): the award
within twelve months of the pleadings closing; s.29A(3): the parties may extend by consent, by at
most six months in all; s.29A(4)-(5): beyond that only a court extends. s.29B: by the parties'
agreement a fast track on documents only, the award within six months of the tribunal entering upon
the reference. Everything in calendar days, on IST dates.
"""
from __future__ import annotations

import calendar
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

WARNING_DAYS = 30
PLEADINGS_MONTHS = 6
AWARD_MONTHS = 12
CONSENT_MONTHS_MAX = 6
FAST_TRACK_MONTHS = 6


class ClockState(enum.StrEnum):
    NOT_STARTED = "not_started"  # its starting event has not happened
    RUNNING = "running"
    WARNING = "warning"          # WARNING_DAYS or fewer left
    OVERDUE = "overdue"
    MET = "met"                  # the event it waits for happened in time
    MISSED = "missed"            # ... happened, but after the deadline


class Basis(enum.StrEnum):
    CONSENT = "consent"          # s.29A(3), by the parties
    COURT_ORDER = "court_order"  # s.29A(4)-(5), by the court


@dataclass(frozen=True)
class Extension:
    months: int
    basis: Basis


@dataclass(frozen=True)
class Clock:
    key: str                 # "s23_4", "s29A" or "s29B"
    label: str
    starts_on: date | None
    due_on: date | None
    state: ClockState
    days_left: int | None    # negative when overdue
    note: str = ""           # English; a page says it from the figures below (clock_words)
    extended_months: int = 0  # the extensions counted in due_on (s.29A, s.29B(5))
    consent_months: int = 0   # ... of which by the parties' consent (s.29A(3))

    @property
    def alarming(self) -> bool:
        return self.state in (ClockState.WARNING, ClockState.OVERDUE, ClockState.MISSED)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; a day the month lacks becomes its last day (31 Aug + 6 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _state(due: date, done_on: date | None, today: date) -> tuple[ClockState, int | None]:
    if done_on is not None:
        return (ClockState.MET if done_on <= due else ClockState.MISSED), None
    left = (due - today).days
    if left < 0:
        return ClockState.OVERDUE, left
    return (ClockState.WARNING if left <= WARNING_DAYS else ClockState.RUNNING), left


def pleadings_clock(appointed_on: date | None, closed_on: date | None, today: date) -> Clock:
    """s.23(4): six months from the arbitrator's receiving notice of its appointment to the pleadings
    being complete."""
    label = "Pleadings complete (s.23(4), six months)"
    if appointed_on is None:
        return Clock("s23_4", label, None, None, ClockState.NOT_STARTED, None,
                     "Starts when the arbitrator receives written notice of the appointment.")
    due = add_months(appointed_on, PLEADINGS_MONTHS)
    state, left = _state(due, closed_on, today)
    return Clock("s23_4", label, appointed_on, due, state, left)


def consent_months(extensions: Iterable[Extension]) -> int:
    return sum(e.months for e in extensions if e.basis == Basis.CONSENT)


def extension_refusal(extensions: Iterable[Extension], new: Extension) -> str | None:
    """Why this extension of the s.29A period cannot be recorded, or None."""
    if new.months < 1 or new.months > 24:
        return "An extension is between 1 and 24 months."
    if new.basis == Basis.CONSENT:
        used = consent_months(extensions)
        if used + new.months > CONSENT_MONTHS_MAX:
            return (f"The parties may extend by consent by at most {CONSENT_MONTHS_MAX} months in all "
                    f"(s.29A(3)); {used} already recorded. Beyond that only a court extends (s.29A(4)).")
    return None


def award_clock(pleadings_closed_on: date | None, extensions: Iterable[Extension], awarded_on: date | None,
                today: date) -> Clock:
    """s.29A: twelve months from the pleadings closing, plus the extensions recorded."""
    extensions = list(extensions)
    label = "Award (s.29A, twelve months)"
    if pleadings_closed_on is None:
        return Clock("s29A", label, None, None, ClockState.NOT_STARTED, None,
                     "Starts when the pleadings are complete.")
    months = AWARD_MONTHS + sum(e.months for e in extensions)
    due = add_months(pleadings_closed_on, months)
    state, left = _state(due, awarded_on, today)
    note = ""
    if extensions:
        note = f"Extended by {months - AWARD_MONTHS} months ({consent_months(extensions)} by consent)."
    if state == ClockState.OVERDUE:
        note = (note + " " if note else "") + ("The mandate ends unless a court extends it (s.29A(4))."
                                               if consent_months(extensions) >= CONSENT_MONTHS_MAX
                                               else "Record an extension by consent or by court order.")
    return Clock("s29A", label, pleadings_closed_on, due, state, left, note, months - AWARD_MONTHS,
                 consent_months(extensions))


def fast_track_clock(appointed_on: date | None, extensions: Iterable[Extension], awarded_on: date | None,
                     today: date) -> Clock:
    """s.29B(4): six months from the tribunal entering upon the reference (its acceptance)."""
    label = "Fast-track award (s.29B, six months)"
    if appointed_on is None:
        return Clock("s29B", label, None, None, ClockState.NOT_STARTED, None,
                     "Starts when the arbitrator accepts the appointment.")
    # s.29B(5) applies s.29A's extensions to the fast track as well.
    added = sum(e.months for e in extensions)
    due = add_months(appointed_on, FAST_TRACK_MONTHS + added)
    state, left = _state(due, awarded_on, today)
    return Clock("s29B", label, appointed_on, due, state, left,
                 f"Extended by {added} months." if added else "", added, consent_months(extensions))


def clocks(*, appointed_on: date | None, pleadings_closed_on: date | None, extensions: Iterable[Extension],
           awarded_on: date | None, fast_track: bool, today: date) -> list[Clock]:
    """The clocks to show for a case: the fast track's one, or the pleadings and award clocks."""
    extensions = list(extensions)
    if fast_track:
        return [fast_track_clock(appointed_on, extensions, awarded_on, today)]
    return [pleadings_clock(appointed_on, pleadings_closed_on, today),
            award_clock(pleadings_closed_on, extensions, awarded_on, today)]


def step_state(due_on: date, filed_on: date | None, today: date) -> ClockState:
    """A calendar step's own deadline: steps last weeks, not months, so it warns 3 days ahead."""
    if filed_on is not None:
        return ClockState.MET if filed_on <= due_on else ClockState.MISSED
    left = (due_on - today).days
    if left < 0:
        return ClockState.OVERDUE
    return ClockState.WARNING if left <= 3 else ClockState.RUNNING
