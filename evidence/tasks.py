"""Evidence housekeeping: blobs no record cites leave the store; the ledger's head is sealed into it."""
from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from sqlalchemy.exc import OperationalError

from evidence import checkpoints, orphans
from evidence.services import store
from portal import outbox
from portal.audit import AuditEvent
from portal.database import commit
from portal.seal import SealError

log = logging.getLogger(__name__)


@shared_task(name="evidence.sweep_orphans")
def sweep_orphans() -> int:
    return orphans.sweep(store())


def on_recorded(event: AuditEvent, *, case: Any | None = None, actor: Any | None = None) -> None:
    """blinker receiver for portal.audit.recorded: a served award or notice queues a checkpoint for
    after its transaction commits (one per transaction, however many it served); never inside it."""
    reason = checkpoints.SEALED_AFTER.get(event.action)
    if reason is not None:
        outbox.enqueue(seal_ledger_checkpoint, reason, key="ledger-checkpoint")


# Sealing reads the committed head and adds one index row, so a lock conflict is simply tried again.
@shared_task(name="evidence.seal_ledger_checkpoint", autoretry_for=(OperationalError,), retry_backoff=1,
             retry_backoff_max=60, retry_jitter=True, max_retries=8)
def seal_ledger_checkpoint(reason: str = checkpoints.DAILY) -> dict:
    """Seal the ledger's global head (each day on the beat, after each served award and notice); the
    daily checkpoint's hash is e-mailed to every creditor organisation's administrators."""
    try:
        checkpoint = checkpoints.seal_head(reason)
    except SealError as exc:
        log.error("ledger checkpoint (%s) not sealed: %s", reason, exc)
        raise
    if checkpoint is None:
        return {"sealed": False, "reason": reason}
    mailed = checkpoints.mail_head(checkpoint) if reason == checkpoints.DAILY else 0
    commit()
    log.info("ledger checkpoint %s: event #%d, head %s, document %s", reason, checkpoint.seq,
             checkpoint.hash, checkpoint.document_sha256)
    return {"sealed": True, "reason": reason, "seq": checkpoint.seq, "hash": checkpoint.hash,
            "document_sha256": checkpoint.document_sha256, "mailed": mailed}
