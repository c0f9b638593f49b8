"""When the creditor may call the debtor back: an hour-long slot on a working day, inside the
organisation's contact window and never outside 08:00-19:00 IST (house conduct rules, DOMAIN 24),
and a phone number we can dial.

Pure functions over plain values, so the edges (the window's last hour, Sunday, a slot already
past) are tested without a database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import phonenumbers

from notices import ContactPolicy
from portal.i18n import gettext
from portal.types import IST

SLOT_MINUTES = 60
# House policy bounds every organisation's own window (RBI recovery-agent rules, adopted).
HOUSE_FROM_MINUTE, HOUSE_UNTIL_MINUTE = 8 * 60, 19 * 60
BOOK_WITHIN_DAYS = 30


class CallbackRefused(ValueError):
    """The requested call-back cannot be booked; the message is safe to show."""


@dataclass(frozen=True)
class Slot:
    starts: datetime   # IST-aware
    ends: datetime


def window(policy: ContactPolicy) -> tuple[int, int]:
    """The minutes of the day calls may happen: the organisation's window within the house's."""
    return max(policy.from_minute, HOUSE_FROM_MINUTE), min(policy.until_minute, HOUSE_UNTIL_MINUTE)


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def slot_choices(policy: ContactPolicy) -> list[tuple[str, str]]:
    """("10:00", "10:00 – 11:00") for every whole slot inside the window."""
    start, end = window(policy)
    return [(hhmm(m), f"{hhmm(m)} – {hhmm(m + SLOT_MINUTES)}")
            for m in range(start, end - SLOT_MINUTES + 1, SLOT_MINUTES)]


def slot(day: date, start: str, policy: ContactPolicy, now: datetime) -> Slot:
    """The slot starting at `start` ("HH:MM", IST) on `day`, or CallbackRefused saying why not."""
    first, last = window(policy)
    try:
        hour, minute = (int(p) for p in start.split(":"))
        begins = time(hour, minute)
    except ValueError:
        raise CallbackRefused(gettext("Choose a time from the list.")) from None
    minute_of_day = begins.hour * 60 + begins.minute
    if minute_of_day < first or minute_of_day + SLOT_MINUTES > last:
        raise CallbackRefused(gettext("Calls can only be made between %(first)s and %(last)s IST. Choose a "
                                      "time inside those hours.", first=hhmm(first), last=hhmm(last)))
    today = now.astimezone(IST).date()
    if day < today:
        raise CallbackRefused(gettext("That date has passed. Choose today or a later day."))
    if day > today + timedelta(days=BOOK_WITHIN_DAYS):
        raise CallbackRefused(gettext("Choose a day within the next %(days)s days.", days=BOOK_WITHIN_DAYS))
    if day.weekday() == 6:
        raise CallbackRefused(gettext("No calls are made on Sundays. Choose another day."))
    starts = datetime.combine(day, begins, IST)
    if starts <= now:
        raise CallbackRefused(gettext("That time has already passed today. Choose a later time or another "
                                      "day."))
    return Slot(starts, starts + timedelta(minutes=SLOT_MINUTES))


def normalize_phone(raw: str, region: str = "IN") -> str:
    """A phone number (mobile or landline: many small businesses answer on one) in E.164."""
    try:
        number = phonenumbers.parse((raw or "").strip(), region)
    except phonenumbers.NumberParseException:
        raise CallbackRefused(gettext("That is not a phone number we can read. Give it with its area or "
                                      "mobile code, e.g. 98123 45678.")) from None
    if not phonenumbers.is_valid_number(number):
        raise CallbackRefused(gettext("That phone number is not valid. Check the digits."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
