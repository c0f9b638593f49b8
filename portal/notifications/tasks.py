"""The debtor's messages about its attention items: sent by the worker once the contact rules allow.
Takes an item id; safe to run twice (the item records when it was told)."""
from __future__ import annotations

import logging

from celery import shared_task

from portal.database import after_commit, commit, expecting_writes
from portal.notifications import delivery

log = logging.getLogger(__name__)


def tell_debtor_after_commit(item_id: int) -> None:
    after_commit(lambda: tell_debtor.delay(item_id))


@shared_task(name="portal.notifications.tell_debtor", bind=True, max_retries=None)
def tell_debtor(self, item_id: int) -> dict:
    with expecting_writes():
        result, at = delivery.deliver_to_debtor(item_id, delivery.clock())
        commit()
    if result == "deferred" and at is not None and not self.request.is_eager:
        tell_debtor.apply_async((item_id,), eta=at)
    log.info("attention item %s to the debtor: %s", item_id, result)
    return {"item_id": item_id, "result": result, "at": at.isoformat() if at else None}
