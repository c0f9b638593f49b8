"""The conduct rules for reminders (DOMAIN 24 and 28): the notice dispatcher's own contact window
and daily cap, the cap counted across notices and reminders together."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select

from notices import contact_policy, ist_day_bounds, next_contact_time
from notices import contacts_today as all_contacts_today
from portal.extensions import db
from portal.receivables.models import ReminderMessage


def reminder_contacts_today(party_ids: frozenset[int], now: datetime) -> dict[int, int]:
    """Reminder messages sent to each of these parties on `now`'s IST day (provided to
    notices.conduct.other_contacts, which sums them over each debtor's parties)."""
    start, end = ist_day_bounds(now)
    return dict(db.session.execute(
        select(ReminderMessage.party_id, func.count(ReminderMessage.id)).where(
            ReminderMessage.party_id.in_(sorted(party_ids)), ReminderMessage.sent_at >= start,
            ReminderMessage.sent_at < end).group_by(ReminderMessage.party_id)).all())


def contacts_today(party_id: int, now: datetime, debtor: Mapping[int, frozenset[int]] | None = None) -> int:
    """Every message to this party's debtor (each of its claims) on `now`'s IST day: notices',
    reminders' (provided to notices.conduct.other_contacts at start-up) and any other package's that
    provides its count. `debtor`: its parties as notices.lock_debtors returned them, if locked."""
    return all_contacts_today(party_id, now, groups=debtor)


def allowance(org, party_id: int, now: datetime,
              debtor: Mapping[int, frozenset[int]] | None = None) -> tuple[int, datetime | None]:
    """(messages that may go now, or 0 with the earliest time another may)."""
    policy = contact_policy(org)
    sent = contacts_today(party_id, now, debtor)
    wait = next_contact_time(now, policy, sent)
    if wait is not None:
        return 0, wait
    return policy.daily_cap - sent, None
