"""Evidence housekeeping: blobs no record cites leave the store."""
from __future__ import annotations

from celery import shared_task

from evidence import orphans
from evidence.services import store


@shared_task(name="evidence.sweep_orphans")
def sweep_orphans() -> int:
    return orphans.sweep(store())
