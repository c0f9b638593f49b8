"""The conduct rules the notice dispatcher keeps (DOMAIN 24), for any package that contacts a
debtor: the organisation's IST contact window, its daily cap, and how many notice messages went to
a debtor today. Public functions over notices.serving, so other packages need not import it."""
from __future__ import annotations

from datetime import datetime

from notices.serving.contact_rules import ContactPolicy, describe, ist_day_bounds, next_contact_time
from notices.serving.dispatch_runner import contacts_today

__all__ = ["ContactPolicy", "contact_policy", "describe", "ist_day_bounds", "next_contact_time",
           "notice_contacts_today"]


def contact_policy(org) -> ContactPolicy:
    """The organisation's window and daily cap, as the notice dispatcher applies them."""
    return ContactPolicy.of(org)


def notice_contacts_today(party_id: int, now: datetime) -> int:
    """Notice messages (e-mail, SMS, WhatsApp; not post) sent to this debtor on `now`'s IST day,
    or being sent right now."""
    return contacts_today(party_id, now, excluding=0)
