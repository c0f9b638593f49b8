"""Celery tasks for collections: the reminder run (beat), sending one group of debtors' reminders,
and deciding promises whose date has passed. Tasks take ids."""
from __future__ import annotations

import logging
import time
from datetime import date

from celery import shared_task
from sqlalchemy import or_, select

from portal import outbox
from portal.accounts import Organization
from portal.database import commit
from portal.extensions import db
from portal.receivables import evaluation, portfolio, rollup, sending
from portal.receivables.models import Reminder
from portal.receivables.states import ReminderStatus
from portal.types import IST, utcnow

log = logging.getLogger(__name__)
BATCH = 10_000
SEND_CHUNK = 50


def run_once(today: date, *, queue_sending: bool = True, batch_size: int = BATCH) -> dict:
    """Produce every reminder due today, committing batch by batch, then queue their sending
    (after the commit). Safe to run again, or twice at once: the unique constraint decides."""
    started = time.perf_counter()
    due = evaluation.plan(today)
    planned = time.perf_counter()
    created = 0
    for batch in evaluation.batches(due, batch_size):
        created += evaluation.produce(batch, today)
        commit()
    inserted = time.perf_counter()
    pairs = waiting_pairs()
    if queue_sending and pairs:
        for start in range(0, len(pairs), SEND_CHUNK):
            chunk = pairs[start:start + SEND_CHUNK]
            outbox.enqueue(send_reminders, chunk)
        commit()
    return {"due": len(due), "created": created, "debtors_waiting": len(pairs),
            "plan_s": round(planned - started, 2), "insert_s": round(inserted - planned, 2)}


def waiting_pairs(now=None) -> list[list[int]]:
    """(organisation, debtor) pairs with reminders waiting to go now, or whose sender died."""
    now = now or utcnow()
    rows = db.session.execute(select(Reminder.org_id, Reminder.party_id).where(or_(
        (Reminder._status == ReminderStatus.PENDING)
        & or_(Reminder.not_before.is_(None), Reminder.not_before <= now),
        (Reminder._status == ReminderStatus.SENDING) & (Reminder.claimed_until <= now)))
        .distinct().order_by(Reminder.org_id, Reminder.party_id)).all()
    return [[org_id, party_id] for org_id, party_id in rows]


@shared_task(name="receivables.run_reminders", acks_late=True, reject_on_worker_lost=True)
def run_reminders() -> dict:
    result = run_once(utcnow().astimezone(IST).date())
    log.info("reminder run: %s", result)
    return result


@shared_task(name="receivables.send_reminders", acks_late=True, reject_on_worker_lost=True)
def send_reminders(pairs: list[list[int]]) -> dict:
    """Send each (organisation, debtor)'s waiting reminders; safe to run twice (the lease decides)."""
    out = {}
    for org_id, party_id in pairs:
        out[f"{org_id}:{party_id}"] = sending.send_for(int(org_id), int(party_id))
    return out


def refresh_rollups(org_ids: list[int] | None = None) -> dict[int, int]:
    """Recompute the rolled-up positions and snapshot of these organisations (every one with claims
    when None), committing each: organisation id -> debtors owing."""
    today = utcnow().astimezone(IST).date()
    out = {}
    for org_id in org_ids if org_ids is not None else rollup.orgs_with_claims():
        org = db.session.get(Organization, org_id)
        if org is None:
            continue
        out[org_id] = portfolio.refresh(org, today)
        commit()
    return out


@shared_task(name="receivables.refresh_rollups", acks_late=True, reject_on_worker_lost=True)
def refresh_rollups_task() -> dict:
    result = refresh_rollups()
    log.info("collections rollup: %s", result)
    return {str(k): v for k, v in result.items()}


@shared_task(name="receivables.check_promises", acks_late=True, reject_on_worker_lost=True)
def check_promises() -> dict:
    from portal.receivables import promises

    result = promises.decide_due(utcnow().astimezone(IST).date())
    commit()
    return result
