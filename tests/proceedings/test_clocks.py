"""The statutory clocks, pure: s.23(4) six months from acceptance, s.29A twelve months from the pleadings
closing plus extensions (consent capped at six months), s.29B six months; warnings at 30 days, overdue."""
from datetime import date

import pytest

from arbitration.proceedings.clocks import (
    Basis,
    ClockState,
    Extension,
    add_months,
    award_clock,
    clocks,
    extension_refusal,
    fast_track_clock,
    pleadings_clock,
    step_state,
)


@pytest.mark.parametrize("start,months,expected", [
    (date(2026, 1, 15), 6, date(2026, 7, 15)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),    # the month has no 31st: its last day
    (date(2027, 8, 31), 6, date(2028, 2, 29)),    # leap year
    (date(2026, 11, 23), 12, date(2027, 11, 23)),
    (date(2026, 12, 1), 1, date(2027, 1, 1)),
])
def test_add_months_in_calendar_months(start, months, expected):
    assert add_months(start, months) == expected


def test_pleadings_clock_runs_warns_and_goes_overdue():
    appointed = date(2026, 5, 1)
    assert pleadings_clock(None, None, date(2026, 5, 2)).state == ClockState.NOT_STARTED
    running = pleadings_clock(appointed, None, date(2026, 6, 1))
    assert running.due_on == date(2026, 11, 1) and running.state == ClockState.RUNNING and running.days_left == 153
    assert pleadings_clock(appointed, None, date(2026, 10, 1)).state == ClockState.RUNNING  # 31 days left
    warning = pleadings_clock(appointed, None, date(2026, 10, 2))
    assert warning.state == ClockState.WARNING and warning.days_left == 30 and warning.alarming
    assert pleadings_clock(appointed, None, date(2026, 11, 1)).state == ClockState.WARNING  # the last day
    overdue = pleadings_clock(appointed, None, date(2026, 11, 2))
    assert overdue.state == ClockState.OVERDUE and overdue.days_left == -1
    assert pleadings_clock(appointed, date(2026, 10, 30), date(2027, 1, 1)).state == ClockState.MET
    assert pleadings_clock(appointed, date(2026, 11, 3), date(2027, 1, 1)).state == ClockState.MISSED


def test_award_clock_starts_with_the_pleadings_and_adds_extensions():
    assert award_clock(None, [], None, date(2026, 5, 1)).state == ClockState.NOT_STARTED
    closed = date(2026, 3, 10)
    plain = award_clock(closed, [], None, date(2026, 6, 1))
    assert plain.due_on == date(2027, 3, 10) and plain.state == ClockState.RUNNING and plain.note == ""
    extended = award_clock(closed, [Extension(6, Basis.CONSENT), Extension(3, Basis.COURT_ORDER)], None,
                           date(2027, 6, 1))
    assert extended.due_on == date(2027, 12, 10) and "9 months (6 by consent)" in extended.note
    overdue = award_clock(closed, [Extension(6, Basis.CONSENT)], None, date(2027, 9, 11))
    assert overdue.state == ClockState.OVERDUE and "unless a court extends" in overdue.note
    short = award_clock(closed, [], None, date(2027, 3, 11))
    assert short.state == ClockState.OVERDUE and "by consent or by court order" in short.note
    assert award_clock(closed, [], date(2027, 3, 10), date(2027, 5, 1)).state == ClockState.MET


def test_consent_extensions_are_capped_at_six_months_then_only_a_court():
    assert extension_refusal([], Extension(6, Basis.CONSENT)) is None
    assert extension_refusal([Extension(4, Basis.CONSENT)], Extension(2, Basis.CONSENT)) is None
    refusal = extension_refusal([Extension(4, Basis.CONSENT)], Extension(3, Basis.CONSENT))
    assert "at most 6 months" in refusal and "4 already" in refusal and "court" in refusal
    assert extension_refusal([Extension(6, Basis.CONSENT)], Extension(6, Basis.COURT_ORDER)) is None
    assert extension_refusal([], Extension(0, Basis.COURT_ORDER)) is not None
    assert extension_refusal([], Extension(25, Basis.COURT_ORDER)) is not None


def test_fast_track_runs_six_months_from_acceptance_and_replaces_the_other_clocks():
    appointed = date(2026, 4, 30)
    clock = fast_track_clock(appointed, [], None, date(2026, 10, 1))
    assert clock.key == "s29B" and clock.due_on == date(2026, 10, 30) and clock.state == ClockState.WARNING
    assert fast_track_clock(appointed, [Extension(2, Basis.CONSENT)], None, date(2026, 10, 1)).due_on == \
        date(2026, 12, 30)
    shown = clocks(appointed_on=appointed, pleadings_closed_on=None, extensions=[], awarded_on=None,
                   fast_track=True, today=date(2026, 5, 1))
    assert [c.key for c in shown] == ["s29B"]
    shown = clocks(appointed_on=appointed, pleadings_closed_on=None, extensions=[], awarded_on=None,
                   fast_track=False, today=date(2026, 5, 1))
    assert [c.key for c in shown] == ["s23_4", "s29A"] and shown[1].state == ClockState.NOT_STARTED


def test_step_state_warns_three_days_ahead():
    due = date(2026, 12, 10)
    assert step_state(due, None, date(2026, 12, 6)) == ClockState.RUNNING
    assert step_state(due, None, date(2026, 12, 7)) == ClockState.WARNING
    assert step_state(due, None, date(2026, 12, 11)) == ClockState.OVERDUE
    assert step_state(due, date(2026, 12, 10), date(2026, 12, 20)) == ClockState.MET
    assert step_state(due, date(2026, 12, 11), date(2026, 12, 20)) == ClockState.MISSED
