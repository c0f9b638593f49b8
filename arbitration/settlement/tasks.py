"""Celery tasks of the arbitration package: the hourly pass over settlement instalments (reminders
before due dates, defaults after the grace period). Scheduled in portal/celery.py's beat schedule."""
from __future__ import annotations

from celery import shared_task

from portal.types import utcnow


@shared_task(name="arbitration.track_instalments")
def track_instalments() -> dict:
    from arbitration.settlement import instalment_tracking

    return instalment_tracking.run(utcnow())
