"""The conduct rules the notice dispatcher keeps (DOMAIN 24), for any package that contacts a
debtor: the organisation's IST contact window, its daily cap, and one count of the messages a debtor
had today across notices and every other package that writes to debtors (DOMAIN 28: one cap across
reminders, notices and ODR). Public functions over notices.serving, so other packages need not
import it.

Packages above notices that send to debtors provide `other_contacts` (a named part: their own count
of messages per debtor party on the IST day) when the app starts; `contacts_today` sums them with the
notice dispatches, over every party the creditor's claims name the debtor by
(notices/serving/contact_count.py). portal.receivables provides "reminders", portal.notifications
"attention messages".
"""
from __future__ import annotations

from notices.serving.contact_count import contacts_today, lock_debtors, other_contacts
from notices.serving.contact_rules import ContactPolicy, describe, ist_day_bounds, next_contact_time

__all__ = ["ContactPolicy", "contact_policy", "contacts_today", "describe", "ist_day_bounds",
           "lock_debtors", "next_contact_time", "other_contacts"]


def contact_policy(org) -> ContactPolicy:
    """The organisation's window and daily cap, as the notice dispatcher applies them."""
    return ContactPolicy.of(org)
