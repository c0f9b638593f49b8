"""Celery tasks for serving notices: send one dispatch, sweep for due or orphaned dispatches,
rebuild the delivery-proof certificate, and the deadline checks. Tasks take ids."""
from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from notices.serving.dispatch import WORKER_CHANNELS
from notices.serving.models import Dispatch
from notices.serving.states import DispatchStatus
from portal import outbox
from portal.database import commit, rollback
from portal.types import utcnow

log = logging.getLogger(__name__)


@shared_task(name="notices.send_dispatch", bind=True, acks_late=True, reject_on_worker_lost=True,
             max_retries=None)
def send_dispatch(self, dispatch_id: int) -> dict:
    """Send one (notice, channel, address), and with an e-mail the other e-mails due now, as a burst
    (notices/serving/burst.py). Safe to run twice: the claim decides who sends."""
    from notices.serving import burst, dispatch_runner

    outcomes = {}
    if current_app.config["DISPATCH_BURST"] > 1:
        outcomes = burst.run(dispatch_id).outcomes
    if dispatch_id not in outcomes:  # not an e-mail, or one the burst left to its own run
        outcomes[dispatch_id] = dispatch_runner.run(dispatch_id)
    if not self.request.is_eager:
        for other, outcome in outcomes.items():
            if outcome.result in ("retry", "busy", "accepted") and outcome.at is not None:
                _queue_again(other, outcome.at)
    outcome = outcomes[dispatch_id]
    if len(outcomes) > 1:
        log.info("dispatch %s: a burst of %d, %d sent", dispatch_id, len(outcomes),
                 sum(1 for o in outcomes.values() if o.result == "sent"))
    log.info("dispatch %s: %s %s", dispatch_id, outcome.result, outcome.detail)
    return {"dispatch_id": dispatch_id, "result": outcome.result,
            "at": outcome.at.isoformat() if outcome.at else None}


def _queue_again(dispatch_id: int, at) -> None:
    """Queued again with an ETA; the sweep picks up anything lost on the way (or not queued: the
    database that refused the settling may refuse this too)."""
    try:
        outbox.enqueue(send_dispatch, dispatch_id, eta=at, key=f"dispatch:{dispatch_id}")
        commit()
    except SQLAlchemyError as exc:
        rollback()
        log.warning("dispatch %s: not queued again (%s); the sweep will find it", dispatch_id, exc)


def due_dispatch_ids(now=None, limit: int = 500) -> list[int]:
    """QUEUED dispatches whose time has come, SENDING ones whose claim has expired (the worker
    holding them died), and accepted ones not yet marked sent (their settling failed)."""
    from portal.extensions import db

    now = now or utcnow()
    return list(db.session.scalars(
        select(Dispatch.id).where(
            Dispatch.channel.in_(WORKER_CHANNELS),
            or_((Dispatch.status == DispatchStatus.QUEUED)
                & (or_(Dispatch.not_before.is_(None), Dispatch.not_before <= now))
                & (Dispatch.created_at <= now - timedelta(seconds=30)),
                (Dispatch.status == DispatchStatus.SENDING) & (Dispatch.claimed_until <= now),
                Dispatch.status.in_((DispatchStatus.QUEUED, DispatchStatus.SENDING))
                & (Dispatch.accepted_at <= now - timedelta(seconds=30))))
        .order_by(Dispatch.id).limit(limit)))


@shared_task(name="notices.sweep_dispatches")
def sweep_dispatches() -> int:
    """Every minute (beat): queue what is due and not already waiting in the outbox. Duplicated tasks
    are harmless (the claim decides), but need not pile up."""
    ids = outbox.enqueue_missing(send_dispatch, due_dispatch_ids(), "dispatch")
    commit()
    return len(ids)


# A refresh is idempotent (it adds a version only when events arrived), so a lock conflict with
# another writer (SQLite's deferred transactions, a PostgreSQL lock timeout) is simply tried again.
@shared_task(name="notices.refresh_delivery_proof", acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=1, retry_backoff_max=30, retry_jitter=True, max_retries=8)
def refresh_delivery_proof(served: int | str) -> str | None:
    """`served`: a notice's id, or a served document's key ("d3")."""
    from notices.serving import proof

    sha = proof.refresh(served)
    commit()
    return sha


@shared_task(name="notices.sweep_stale_proofs")
def sweep_stale_proofs() -> int:
    """Beat: a certificate behind its timeline (its refresh was lost or gave up) is refreshed."""
    from notices.serving import proof

    ids = outbox.enqueue_missing(refresh_delivery_proof, proof.stale(utcnow()), "proof")
    commit()
    return len(ids)


@shared_task(name="notices.check_deadlines")
def check_deadlines() -> dict:
    from notices.serving import deadlines

    report = deadlines.check(utcnow())
    commit()
    return report
