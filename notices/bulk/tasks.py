"""Celery tasks of the notices package: draft one case of a bulk notice request. Tasks take ids."""
from __future__ import annotations

import logging

from celery import shared_task

from portal.cases import today_ist
from portal.errors import DomainError

log = logging.getLogger(__name__)


@shared_task(name="notices.draft_batch_item", acks_late=True, reject_on_worker_lost=True)
def draft_batch_item(item_id: int) -> str:
    """One case in its own transaction: a refusal (time-barred, no advocate...) or an unexpected
    error is recorded on the item and does not stop the other cases of the batch."""
    from notices.bulk import batches as bulk
    from portal.database import commit, rollback

    try:
        item = bulk.draft_item(item_id, today_ist())
    except DomainError as exc:
        rollback()
        bulk.mark_failed(item_id, str(exc))
        commit()
        return "failed"
    except Exception:
        rollback()
        log.exception("bulk notice item %s", item_id)
        bulk.mark_failed(item_id, "An unexpected error stopped this notice; it was logged for the "
                                  "Sulah team. Draft it from the case page.")
        commit()
        return "failed"
    commit()
    return "skipped" if item is None else "drafted"
