"""Import housekeeping: staged uploads that were never confirmed leave after a day."""
from __future__ import annotations

import logging

from celery import shared_task

from portal.imports.services import sweep_staging

log = logging.getLogger(__name__)


@shared_task(name="portal.imports.sweep_staging")
def sweep_import_staging() -> int:
    removed = sweep_staging()
    if removed:
        log.info("import staging: removed %d uploads older than a day", removed)
    return removed
