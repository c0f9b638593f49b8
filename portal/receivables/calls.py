"""Calls a follow-up level asks for, after its reminder went to the debtor: who makes each (the staff
member the level names, else the debtor's owner, else anyone of the staff), which are still open on
the "Today" queue, and recording what came of one (reached, promised, no answer, wrong number)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from portal import audit
from portal.cases import Case
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import N_
from portal.receivables.models import CallOutcome, DebtorPosition, Reminder, ReminderCall, ReminderLevel
from portal.receivables.states import ReminderStatus
from portal.types import IST

CALL_DAYS = 3          # a call stays on the queue this many days after its reminder went
# Catalogue messages (the staff pages show them in the page's language: forms.OUTCOME_WORDS).
OUTCOMES = {CallOutcome.REACHED: N_("Reached: spoke to them, no promise"),
            CallOutcome.PROMISED: N_("They promised a date (record the promise next)"),
            CallOutcome.NO_ANSWER: N_("No answer: try again tomorrow"),
            CallOutcome.WRONG_NUMBER: N_("Wrong number")}


class CallInvalid(DomainError):
    pass


@dataclass(frozen=True)
class Call:
    party_id: int
    level_id: int
    offset_days: int
    reminder_id: int                 # the latest reminder of the level to the debtor
    sent_at: datetime
    caller_id: int | None            # None: anyone of the staff
    tried: ReminderCall | None       # an earlier "no answer" since the reminder

    @property
    def why(self) -> str:
        return f"after the reminder {self.offset_days:+d} days from the due date"


def _ist_midnight(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(IST).date(), time(0), IST)


def open_calls(org_id: int, owners: dict[int, int | None] | None, now: datetime) -> list[Call]:
    """The open calls about the debtors in `owners` (party -> its owner), oldest reminder first.
    `owners` None: about every debtor with a rolled-up position (one that owes), each call's owner
    read from that position, in the same statement."""
    since = now - timedelta(days=CALL_DAYS)
    if owners is not None and not owners:
        return []
    group = [Reminder.party_id, Reminder.level_id, ReminderLevel.offset_days, ReminderLevel.call_user_id]
    stmt = (select(*group, func.max(Reminder.sent_at), func.max(Reminder.id))
            .join(ReminderLevel, ReminderLevel.id == Reminder.level_id)
            .where(Reminder.org_id == org_id, Reminder._status == ReminderStatus.SENT,
                   Reminder.sent_at >= since, ReminderLevel.call_task.is_(True)))
    if owners is None:
        stmt = (stmt.add_columns(DebtorPosition.owner_id)
                .join(DebtorPosition, (DebtorPosition.org_id == Reminder.org_id)
                      & (DebtorPosition.party_id == Reminder.party_id))
                .group_by(*group, DebtorPosition.owner_id))
        found = db.session.execute(stmt).all()
        owners = {row[0]: row[6] for row in found}
        rows = [row[:6] for row in found]
    else:
        rows = db.session.execute(stmt.where(Reminder.party_id.in_(owners)).group_by(*group)).all()
    if not rows:
        return []
    latest: dict[tuple[int, int], ReminderCall] = {}
    for done in db.session.scalars(select(ReminderCall).where(
            ReminderCall.org_id == org_id, ReminderCall.party_id.in_(sorted(owners)),
            ReminderCall.recorded_at >= since).order_by(ReminderCall.recorded_at, ReminderCall.id)):
        latest[(done.party_id, done.level_id)] = done
    today = _ist_midnight(now)
    out = []
    for party_id, level_id, offset, named, sent_at, reminder_id in rows:
        done = latest.get((party_id, level_id))
        if done is not None and done.recorded_at >= sent_at:
            if done.outcome != CallOutcome.NO_ANSWER or done.recorded_at >= today:
                continue  # recorded, or tried today without an answer
        else:
            done = None
        caller = named or owners.get(party_id)
        out.append(Call(party_id, level_id, offset, reminder_id, sent_at, caller, done))
    return sorted(out, key=lambda c: c.sent_at)


def record(actor, call: Call, outcome: str, note: str, org_id: int) -> ReminderCall:
    """What came of the call; flushes. Audited (receivables.call_recorded)."""
    try:
        value = CallOutcome(outcome)
    except ValueError:
        raise CallInvalid("Choose what came of the call.") from None
    row = ReminderCall(org_id=org_id, party_id=call.party_id, level_id=call.level_id,
                       reminder_id=call.reminder_id, outcome=value, note=note.strip()[:2000], by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    # On each claim whose reminder asked for this call: its "Needs your attention" item closes.
    case_ids = db.session.scalars(select(Reminder.case_id).distinct().where(
        Reminder.party_id == call.party_id, Reminder.level_id == call.level_id,
        Reminder._status == ReminderStatus.SENT, Reminder.sent_at >= call.sent_at - timedelta(days=CALL_DAYS))
        .order_by(Reminder.case_id)).all()
    for case_id in case_ids:
        audit.record("receivables.call_recorded", actor=actor, case=db.session.get(Case, case_id), payload={
            "party_id": call.party_id, "level_id": call.level_id, "reminder_id": call.reminder_id,
            "outcome": value.value, "call_id": row.id})
    return row
