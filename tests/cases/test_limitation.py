"""The limitation clock: three calendar years, fresh periods under s.18/s.19, no revival."""
from datetime import date

import pytest

from portal.cases.limitation import (
    EventKind,
    LimitationEvent,
    LimitationState,
    limitation_status,
    period_start,
    years_later,
)

DUE = date(2025, 1, 15)
ACK, PAID = EventKind.ACKNOWLEDGEMENT, EventKind.PART_PAYMENT


def test_three_years_is_the_same_calendar_date():
    assert years_later(DUE) == date(2028, 1, 15)
    assert years_later(date(2024, 2, 29)) == date(2027, 2, 28)  # no 29 Feb in 2027
    assert years_later(date(2025, 2, 28)) == date(2028, 2, 28)  # 2028 is a leap year: unchanged


@pytest.mark.parametrize("today,state,days_left", [
    (date(2027, 10, 16), LimitationState.OK, 91),
    (date(2027, 10, 17), LimitationState.NEAR, 90),  # 90 days before 15 Jan 2028
    (date(2028, 1, 15), LimitationState.NEAR, 0),  # the last day is still in time
    (date(2028, 1, 16), LimitationState.TIME_BARRED, -1),
])
def test_status_ok_near_and_time_barred(today, state, days_left):
    status = limitation_status(DUE, [], today)
    assert (status.deadline, status.state, status.days_left) == (
        date(2028, 1, 15), state, days_left)
    assert status.time_barred == (state == LimitationState.TIME_BARRED)


def test_near_window_is_configurable():
    assert limitation_status(DUE, [], date(2027, 12, 1), near_days=30).state == LimitationState.OK
    near = limitation_status(DUE, [], date(2027, 12, 16), near_days=30)
    assert near.state == LimitationState.NEAR
    with pytest.raises(ValueError):
        limitation_status(DUE, [], date(2027, 12, 1), near_days=-1)


def test_acknowledgement_before_expiry_starts_a_fresh_period():
    events = [LimitationEvent(date(2027, 6, 1), ACK, "e-mail from the buyer's CFO, signed")]
    status = limitation_status(DUE, events, date(2028, 6, 1))
    assert status.deadline == date(2030, 6, 1) and status.state == LimitationState.OK
    assert status.steps[1].extends and "s.18" in status.steps[1].text
    assert "signed" in status.steps[1].text


def test_part_payment_on_the_last_day_still_counts_then_chains():
    events = [LimitationEvent(date(2028, 1, 15), PAID, "₹10,000 NEFT"),
              LimitationEvent(date(2030, 12, 31), ACK)]
    status = limitation_status(DUE, events, date(2031, 1, 1))
    assert [s.deadline for s in status.steps] == [date(2028, 1, 15), date(2031, 1, 15),
                                                  date(2033, 12, 31)]
    assert status.deadline == date(2033, 12, 31)


def test_events_after_expiry_do_not_revive():
    events = [LimitationEvent(date(2028, 1, 16), ACK), LimitationEvent(date(2028, 3, 1), PAID)]
    status = limitation_status(DUE, events, date(2028, 6, 1))
    assert status.deadline == date(2028, 1, 15) and status.state == LimitationState.TIME_BARRED
    assert not any(s.extends for s in status.steps[1:])
    assert "does not revive" in status.steps[1].text
    assert "Time-barred since 16 Jan 2028" in status.reasons[-1]


def test_event_before_the_start_or_in_the_future_changes_nothing():
    early = LimitationEvent(date(2025, 1, 1), PAID)
    future = LimitationEvent(date(2027, 1, 1), ACK)
    status = limitation_status(DUE, [future, early], date(2026, 1, 1))
    assert status.deadline == date(2028, 1, 15)
    assert "does not move the deadline" in status.steps[1].text
    assert "is not counted" in status.steps[2].text


def test_no_fixed_credit_period_runs_from_the_earlier_delivery():
    start = period_start(DUE, delivery_date=date(2024, 12, 31), credit_period_fixed=False)
    assert (start.on, start.article) == (date(2024, 12, 31), "Art. 14")
    status = limitation_status(start, [], date(2027, 12, 31))
    assert status.deadline == date(2027, 12, 31) and status.days_left == 0
    assert period_start(DUE, delivery_date=date(2024, 12, 31)).on == DUE  # credit period fixed
