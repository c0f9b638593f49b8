"""The pure rules behind a plan (instalments, dates, the paise left over) and a call-back slot
(the contact window, Sundays, the past, phone numbers), edge by edge."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from arbitration.settlement.terms import TermsError
from notices.serving.contact_rules import ContactPolicy
from portal.debtor import callbacks, plans
from portal.types import IST

TODAY = date(2026, 11, 23)  # a Monday
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=IST)


def test_monthly_plans_keep_the_day_or_the_months_last_day():
    terms = plans.build_terms(Decimal("100000.00"), plans.PlanRequest(3, date(2026, 12, 31)), TODAY)
    assert [p.due_on for p in terms.instalments] == [date(2026, 12, 31), date(2027, 1, 31), date(2027, 2, 28)]
    assert [p.amount for p in terms.instalments] == [Decimal("33333.33"), Decimal("33333.33"),
                                                     Decimal("33333.34")]


def test_a_down_payment_is_due_today_and_the_rest_is_split():
    plan = plans.PlanRequest(2, TODAY + timedelta(days=7), plans.Frequency.WEEKLY, Decimal("999.99"))
    terms = plans.build_terms(Decimal("10000.00"), plan, TODAY)
    assert [(p.due_on, p.amount) for p in terms.instalments] == [
        (TODAY, Decimal("999.99")), (date(2026, 11, 30), Decimal("4500.01")),  # 4500.005, rounded up
        (date(2026, 12, 7), Decimal("4500.00"))]                                # the last takes the difference


@pytest.mark.parametrize("total,plan,message", [
    ("100", plans.PlanRequest(1, TODAY), "between 2 and 12"),
    ("100", plans.PlanRequest(13, TODAY), "between 2 and 12"),
    ("100", plans.PlanRequest(2, TODAY - timedelta(days=1)), "in the past"),
    ("100", plans.PlanRequest(2, TODAY + timedelta(days=61)), "within 60 days"),
    ("0", plans.PlanRequest(2, TODAY), "Nothing is due"),
    ("0.05", plans.PlanRequest(12, TODAY), "too small"),
    ("100", plans.PlanRequest(2, TODAY + timedelta(days=1), down_payment=Decimal("100")), "pay in full"),
])
def test_plans_outside_the_limits_are_refused(total, plan, message):
    with pytest.raises(TermsError, match=message):
        plans.build_terms(Decimal(total), plan, TODAY)


def test_the_last_allowed_first_date_is_accepted():
    plan = plans.PlanRequest(2, TODAY + timedelta(days=plans.FIRST_DUE_WITHIN_DAYS))
    assert plans.build_terms(Decimal("500.00"), plan, TODAY).total == Decimal("500.00")


def test_slots_cover_the_window_and_never_leave_the_house_hours():
    assert callbacks.slot_choices(ContactPolicy())[0] == ("08:00", "08:00 – 09:00")
    assert callbacks.slot_choices(ContactPolicy())[-1] == ("18:00", "18:00 – 19:00")
    # An organisation that set a wider window still calls only 08:00-19:00.
    assert [v for v, _ in callbacks.slot_choices(ContactPolicy(0, 24 * 60))] == \
        [v for v, _ in callbacks.slot_choices(ContactPolicy())]
    assert callbacks.window(ContactPolicy(9 * 60 + 30, 17 * 60)) == (570, 1020)


def test_a_slot_is_an_hour_in_ist():
    slot = callbacks.slot(TODAY, "18:00", ContactPolicy(), NOW)
    assert (slot.starts.hour, slot.ends.hour, slot.starts.tzinfo) == (18, 19, IST)


@pytest.mark.parametrize("day,start,message", [
    (TODAY, "09:00", "already passed today"),
    (TODAY, "09:30", "already passed today"),
    (TODAY - timedelta(days=1), "12:00", "That date has passed"),
    (date(2026, 11, 29), "12:00", "Sundays"),
    (TODAY, "18:30", "between 08:00 and 19:00"),
    (TODAY, "7:59", "between 08:00 and 19:00"),
    (TODAY, "25:00", "Choose a time from the list"),
    (TODAY + timedelta(days=31), "12:00", "within the next 30 days"),
])
def test_slots_outside_the_rules_are_refused(day, start, message):
    with pytest.raises(callbacks.CallbackRefused, match=message):
        callbacks.slot(day, start, ContactPolicy(), NOW)


@pytest.mark.parametrize("raw,expected", [
    ("98123 45678", "+919812345678"), ("+91-98123-45678", "+919812345678"),
    ("080 2345 6789", "+918023456789"), ("+44 20 7946 0958", "+442079460958"),
])
def test_phone_numbers_are_read_in_india_by_default(raw, expected):
    assert callbacks.normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "call me", "+91 00000 00000"])
def test_unreadable_phone_numbers_are_refused(raw):
    with pytest.raises(callbacks.CallbackRefused):
        callbacks.normalize_phone(raw)
