"""Conduct rules for contacting a debtor (DOMAIN 24): only inside the organisation's IST contact
window (08:00-19:00 by default) and at most `daily_contact_cap` messages per IST calendar day.

Pure functions over plain values, so every edge (midnight, the window's last minute, the cap) is
tested without a database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from portal.i18n import ngettext
from portal.types import IST


@dataclass(frozen=True)
class ContactPolicy:
    from_minute: int = 8 * 60
    until_minute: int = 19 * 60   # exclusive: the last message may start at 18:59
    daily_cap: int = 4

    @classmethod
    def of(cls, org) -> ContactPolicy:
        return cls(org.contact_from_minute, org.contact_until_minute, org.daily_contact_cap)


def ist_day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The UTC instants at which the IST calendar day containing `now` starts and ends."""
    local = now.astimezone(IST)
    start = datetime.combine(local.date(), time(0), IST)
    return start, start + timedelta(days=1)


def _window_start(day, policy: ContactPolicy) -> datetime:
    return datetime.combine(day, time(0), IST) + timedelta(minutes=policy.from_minute)


def next_contact_time(now: datetime, policy: ContactPolicy, contacts_today: int) -> datetime | None:
    """None when a message may go now; otherwise the earliest instant (IST-aware) it may go."""
    local = now.astimezone(IST)
    minute = local.hour * 60 + local.minute
    if contacts_today >= policy.daily_cap or minute >= policy.until_minute:
        return _window_start(local.date() + timedelta(days=1), policy)
    if minute < policy.from_minute:
        return _window_start(local.date(), policy)
    return None


def describe(policy: ContactPolicy) -> str:
    """The window and the cap as the delivery page says them, in the page's language (only pages show
    this; the dispatcher keeps no sentence of it)."""
    def hhmm(m: int) -> str:
        return f"{m // 60:02d}:{m % 60:02d}"

    return ngettext("between %(start)s and %(end)s IST, at most %(num)d message a day",
                    "between %(start)s and %(end)s IST, at most %(num)d messages a day", policy.daily_cap,
                    start=hhmm(policy.from_minute), end=hhmm(policy.until_minute))
