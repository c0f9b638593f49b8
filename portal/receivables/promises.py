"""Promises to pay: made by the creditor's staff after a call or by the debtor through its link;
reminders for the invoice pause until the promise is decided. Kept when the case has received the
promised amount since the promise by its date plus a grace period; broken otherwise, and then the
cadence resumes at once at the next level."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select

from portal import audit
from portal.cases import Case, Invoice, Payment
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import N_
from portal.receivables import evaluation, rollup
from portal.receivables.models import Promise, Reminder, ReminderLevel
from portal.receivables.states import PromiseStatus, ReminderStatus
from portal.receivables.transitions import begin_promise, fire
from portal.types import to_paisa, utcnow

GRACE_DAYS = 2
LONGEST_DAYS = 180


class PromiseInvalid(DomainError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def paid_on_case(case_id: int, until: date | None = None) -> Decimal:
    q = select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.case_id == case_id)
    if until is not None:
        q = q.where(Payment.paid_on <= until)
    return to_paisa(Decimal(db.session.scalar(q)))


def make(actor: Any, invoice: Invoice, amount: Any, promised_for: date | None, *, made_how: str,
         today: date, link_id: int | None = None, note: str = "") -> Promise:
    """Record the promise and set aside the invoice's waiting reminders; flushes."""
    try:
        value = to_paisa(Decimal(str(amount)))
    except (InvalidOperation, ValueError):
        raise PromiseInvalid("amount", "Enter the amount in rupees, e.g. 25000 or 25000.50.") from None
    if value <= 0:
        raise PromiseInvalid("amount", "The amount must be more than zero.")
    if value > invoice.total:
        raise PromiseInvalid("amount", "The amount is more than the invoice.")
    if promised_for is None or promised_for < today:
        raise PromiseInvalid("promised_for", "Choose today or a later date.")
    if promised_for > today + timedelta(days=LONGEST_DAYS):
        raise PromiseInvalid("promised_for", f"A promise runs at most {LONGEST_DAYS} days.")
    case = invoice.case
    if db.session.scalar(select(Promise.id).where(Promise.invoice_id == invoice.id,
                                                  Promise._status == PromiseStatus.OPEN)):
        raise PromiseInvalid("amount", "There is already an open promise for this invoice.")
    promise = Promise(org_id=case.creditor_org_id, party_id=case.debtor_party_id, case_id=case.id,
                      invoice_id=invoice.id, amount=value, promised_for=promised_for,
                      paid_before=paid_on_case(case.id), made_how=made_how,
                      by_id=getattr(actor, "id", None), link_id=link_id, note=note[:2000])
    begin_promise(promise, actor, {"invoice": invoice.number, "amount": value,
                                   "promised_for": promised_for, "made_how": made_how, "link_id": link_id})
    for r in db.session.scalars(select(Reminder).where(
            Reminder.invoice_id == invoice.id,
            Reminder._status.in_([ReminderStatus.PENDING, ReminderStatus.SENDING]))):
        r.claimed_until, r.detail = None, N_("Set aside: a promise to pay.")
        fire(r, "skip", actor, payload={"why": "promise", "promise_id": promise.id}, case=case)
    return promise


def cancel(actor: Any, promise: Promise) -> None:
    fire(promise, "cancel", actor, case=db.session.get(Case, promise.case_id))
    promise.decided_at = utcnow()


def is_kept(promise: Promise) -> bool:
    received = paid_on_case(promise.case_id, promise.promised_for + timedelta(days=GRACE_DAYS))
    return received - promise.paid_before >= promise.amount


def _resume(promise: Promise, today: date) -> int | None:
    """The next level after the last produced for this invoice, due at once; returns its level id."""
    policy_id = db.session.scalar(select(ReminderLevel.policy_id).join(
        Reminder, Reminder.level_id == ReminderLevel.id).where(Reminder.invoice_id == promise.invoice_id))
    done = db.session.scalar(select(func.max(ReminderLevel.offset_days)).join(
        Reminder, Reminder.level_id == ReminderLevel.id).where(Reminder.invoice_id == promise.invoice_id))
    levels = evaluation.enabled_levels().get(promise.org_id, [])
    if policy_id is None and not levels:
        return None
    nxt = next((lv for lv in levels if done is None or lv.offset_days > done), None)
    if nxt is None:
        return None
    evaluation.produce([evaluation.Due(promise.org_id, promise.party_id, promise.case_id,
                                       promise.invoice_id, nxt.id)], today)
    return nxt.id


def decide_due(today: date) -> dict:
    """Keep every open promise now paid; break those past date and grace. Flushes."""
    kept = broken = 0
    decided: dict[int, set[int]] = defaultdict(set)
    for promise in db.session.scalars(select(Promise).where(Promise._status == PromiseStatus.OPEN)
                                      .with_for_update(skip_locked=True)).all():
        case = db.session.get(Case, promise.case_id)
        keep = is_kept(promise)
        if keep or today > promise.promised_for + timedelta(days=GRACE_DAYS):
            decided[promise.org_id].add(promise.party_id)
        if keep:
            fire(promise, "keep", None, case=case)
            promise.decided_at = utcnow()
            kept += 1
        elif today > promise.promised_for + timedelta(days=GRACE_DAYS):
            fire(promise, "break", None, case=case)
            promise.decided_at = utcnow()
            level_id = _resume(promise, today)
            audit.record("promise.cadence_resumed", actor=None, case=case, payload={
                "promise_id": promise.id, "level_id": level_id})
            broken += 1
    for org_id, party_ids in decided.items():  # kept and broken promises move the score
        rollup.debtors_changed(org_id, party_ids, today)
    return {"kept": kept, "broken": broken}


def record_of(org_id: int, party_id: int) -> dict[str, int]:
    rows = db.session.execute(select(Promise._status, func.count(Promise.id)).where(
        Promise.org_id == org_id, Promise.party_id == party_id).group_by(Promise._status)).all()
    counts = {s.value: 0 for s in PromiseStatus}
    for status, n in rows:
        counts[PromiseStatus(status).value] = n
    return counts
