"""The conduct rules the notice dispatcher keeps (DOMAIN 24), for any package that contacts a
debtor: the organisation's IST contact window, its daily cap, and one count of the messages a debtor
had today across notices and every other package that writes to debtors (DOMAIN 28: one cap across
reminders, notices and ODR). Public functions over notices.serving, so other packages need not
import it.

Packages above notices that send to debtors provide `other_contacts` (a named part: their own count
of messages to the debtor on the IST day) when the app starts; `contacts_today` sums them with the
notice dispatches. portal.receivables provides "reminders".
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from notices.serving.contact_rules import ContactPolicy, describe, ist_day_bounds, next_contact_time
from notices.serving.dispatch_runner import contacts_today as _dispatches_today
from portal.hooks import Parts

__all__ = ["ContactPolicy", "contact_policy", "contacts_today", "describe", "ist_day_bounds",
           "next_contact_time", "notice_contacts_today", "other_contacts"]

other_contacts: Parts[Callable[[int, datetime], int]] = Parts("other_contacts")


def contact_policy(org) -> ContactPolicy:
    """The organisation's window and daily cap, as the notice dispatcher applies them."""
    return ContactPolicy.of(org)


def notice_contacts_today(party_id: int, now: datetime) -> int:
    """Notice messages (e-mail, SMS, WhatsApp; not post) sent to this debtor on `now`'s IST day,
    or being sent right now."""
    return _dispatches_today(party_id, now, excluding=0)


def contacts_today(party_id: int, now: datetime) -> int:
    """Every message to this debtor on `now`'s IST day: the notices' and every provided part's."""
    return notice_contacts_today(party_id, now) + sum(other_contacts.collect(party_id, now).values())
