"""The case's scheduled work: the daily limitation alerts (portal.cases.limitation_alerts)."""
from __future__ import annotations

import logging

from celery import shared_task

from portal.cases import limitation_alerts
from portal.cases.intake import today_ist
from portal.database import commit

log = logging.getLogger(__name__)


@shared_task(name="portal.cases.alert_limitation")
def alert_limitation() -> dict:
    """Beat, daily: record each limitation alert that has become due; one commit per batch."""
    today, sent, cases = today_ist(), 0, 0
    for ids in limitation_alerts.batches(today):
        for case_id in ids:
            sent += len(limitation_alerts.alert_case(case_id, today))
        cases += len(ids)
        commit()
    log.info("limitation alerts: %s recorded over %s cases", sent, cases)
    return {"alerts": sent, "cases": cases}
