"""The debtor's messages about its attention items: sent by the worker once the contact rules allow.
Takes an item id; safe to run twice (the item records when it was told)."""
from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from sqlalchemy import select

from portal import outbox
from portal.database import commit, expecting_writes
from portal.extensions import db
from portal.notifications import delivery
from portal.notifications.models import AttentionItem
from portal.types import utcnow

SWEEP_DAYS = 7  # a debtor message owed for longer is stale: its item says the rest

log = logging.getLogger(__name__)


def tell_debtor_after_commit(item_id: int) -> None:
    """Tell the debtor through the worker once this transaction commits (the outbox holds it)."""
    outbox.enqueue(tell_debtor, item_id)


@shared_task(name="portal.notifications.tell_debtor", bind=True, max_retries=None)
def tell_debtor(self, item_id: int) -> dict:
    with expecting_writes():
        result, at = delivery.deliver_to_debtor(item_id, delivery.clock())
        if result == "deferred" and at is not None and not self.request.is_eager:
            outbox.enqueue(tell_debtor, item_id, eta=at)
        commit()
    log.info("attention item %s to the debtor: %s", item_id, result)
    return {"item_id": item_id, "result": result, "at": at.isoformat() if at else None}


def owed_ids(now, limit: int = 200) -> list[int]:
    """Debtor messages owed and not yet sent (their task lost, or deferred past a restart)."""
    return list(db.session.scalars(
        select(AttentionItem.id).where(AttentionItem.to_tell.is_(True), AttentionItem.told_at.is_(None),
                                       AttentionItem.resolved_at.is_(None),
                                       AttentionItem.opened_at >= now - timedelta(days=SWEEP_DAYS))
        .order_by(AttentionItem.id).limit(limit)))


@shared_task(name="portal.notifications.sweep_debtor_messages")
def sweep_debtor_messages() -> dict:
    """Beat: queue each owed debtor message again; tell_debtor sends it once the contact rules allow."""
    ids = owed_ids(utcnow())
    for item_id in ids:
        outbox.enqueue(tell_debtor, item_id)
    commit()
    return {"queued": len(ids)}
