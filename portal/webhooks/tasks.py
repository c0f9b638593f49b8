"""Celery tasks of the webhooks: one attempt at a delivery (queued through the outbox), and the
beat's sweep that queues the retries that have come due."""
from __future__ import annotations

from celery import shared_task

from portal.webhooks import services


@shared_task(name=services.DELIVER_TASK)
def deliver(delivery_id: int) -> None:
    services.deliver(delivery_id)


@shared_task(name="portal.webhooks.sweep")
def sweep() -> None:
    services.sweep()
