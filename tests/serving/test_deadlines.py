"""The notice period in IST calendar days: reminders before it ends, escalation to ODR after."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from notices.serving import deadlines
from notices.serving import dispatch as dispatching
from notices.serving.contact_rules import ContactPolicy, next_contact_time
from notices.serving.models import ChannelKind, Dispatch, Purpose, ServiceTerms
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.extensions import db
from tests.serving.helpers import delivered, signed_notice


def test_the_period_runs_from_the_ist_day_of_receipt(db_session, outbox):
    """Hand-worked: dispatched 10:00 IST on 1 Dec 2026; the DSN "delivered" arrives 23:45 IST on 2 Dec
    (18:15 UTC). Receipt is the 2nd (IST); 15 days excluding that day: pay by 17 Dec 2026."""
    creditor, _adv, _case, notice = signed_notice(mobile=None)
    dispatching.serve(creditor, notice, {ChannelKind.EMAIL})
    commit()
    terms = db.session.get(ServiceTerms, notice.id)
    assert terms.respond_by is None  # dispatched, not received: no clock
    delivered(notice, datetime(2026, 12, 2, 18, 15, tzinfo=UTC))
    assert terms.received_at == datetime(2026, 12, 2, 18, 15, tzinfo=UTC)
    assert terms.respond_by == date(2026, 12, 17)
    # A read receipt reported later but stamped earlier (19:00 IST on 2 Dec) moves receipt back; the
    # IST day is the same, so the last day stays 17 Dec.
    delivered(notice, datetime(2026, 12, 2, 13, 30, tzinfo=UTC))
    assert terms.received_at == datetime(2026, 12, 2, 13, 30, tzinfo=UTC) and terms.respond_by == date(2026, 12, 17)


@pytest.mark.parametrize("utc, sent_today, expected", [
    (datetime(2026, 11, 23, 2, 29, tzinfo=UTC), 0, datetime(2026, 11, 23, 2, 30, tzinfo=UTC)),  # 07:59
    (datetime(2026, 11, 23, 2, 30, tzinfo=UTC), 0, None),                                       # 08:00
    (datetime(2026, 11, 23, 13, 29, tzinfo=UTC), 0, None),                                      # 18:59
    (datetime(2026, 11, 23, 13, 30, tzinfo=UTC), 0, datetime(2026, 11, 24, 2, 30, tzinfo=UTC)), # 19:00
    (datetime(2026, 11, 23, 18, 45, tzinfo=UTC), 0, datetime(2026, 11, 24, 2, 30, tzinfo=UTC)), # 00:15
    (datetime(2026, 11, 23, 5, 0, tzinfo=UTC), 4, datetime(2026, 11, 24, 2, 30, tzinfo=UTC)),   # capped
])
def test_contact_window_edges(utc, sent_today, expected):
    assert next_contact_time(utc, ContactPolicy(), sent_today) == expected


@pytest.fixture
def served(db_session, outbox):
    creditor, advocate, case, notice = signed_notice(mobile=None)
    dispatching.serve(creditor, notice, {ChannelKind.EMAIL}, escalate_to_odr=True)
    commit()
    delivered(notice)  # receipt (IT Act s.13(2)) starts the period
    commit()
    return creditor, case, notice, db.session.get(ServiceTerms, notice.id)


def at(day: date, hour_utc: int = 6) -> datetime:
    return datetime(day.year, day.month, day.day, hour_utc, tzinfo=UTC)


def purposes(notice) -> list[Purpose]:
    return [d.purpose for d in db.session.scalars(select(Dispatch).where(Dispatch.notice_id == notice.id)
                                                  .order_by(Dispatch.id))]


def test_reminder_then_escalation(served, outbox):
    creditor, case, notice, terms = served
    from datetime import timedelta

    assert deadlines.check(at(terms.respond_by - timedelta(days=4))) == {"reminders": 0, "escalated": 0}
    assert deadlines.check(at(terms.respond_by - timedelta(days=3)))["reminders"] == 1
    commit()
    assert deadlines.check(at(terms.respond_by - timedelta(days=2)))["reminders"] == 0  # only once
    assert purposes(notice) == [Purpose.NOTICE, Purpose.REMINDER]
    reminder = [m for m in outbox() if m["Subject"].startswith("Reminder")]
    assert len(reminder) == 1 and "debtor@example.in" in reminder[0]["To"]
    # On the last day nothing escalates; the day after, it does.
    assert deadlines.check(at(terms.respond_by, 17))["escalated"] == 0
    assert deadlines.check(at(terms.respond_by + timedelta(days=1)))["escalated"] == 1
    commit()
    assert case.status == CaseStatus.IN_NEGOTIATION
    assert purposes(notice)[-1] == Purpose.ODR_INVITE
    subjects = [m["Subject"] for m in outbox()]
    assert any("invitation to resolve" in s for s in subjects)
    assert any("moved to online dispute resolution" in s for s in subjects)
    assert deadlines.check(at(terms.respond_by + timedelta(days=2)))["escalated"] == 0


def test_no_escalation_unless_chosen_or_when_answered(served):
    _creditor, case, _notice, terms = served
    from datetime import timedelta

    terms.escalate_to_odr = False
    terms.reminder_sent_at = terms.first_dispatched_at
    assert deadlines.check(at(terms.respond_by + timedelta(days=1)))["escalated"] == 0
    terms.escalate_to_odr = True
    case._status = CaseStatus.RESPONDED
    assert deadlines.check(at(terms.respond_by + timedelta(days=1)))["escalated"] == 0
