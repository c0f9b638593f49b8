"""The lifecycle of one case in a bulk request: queued, then drafted or failed."""
from __future__ import annotations

import enum


class BatchItemStatus(enum.StrEnum):
    QUEUED = "queued"
    DRAFTED = "drafted"
    FAILED = "failed"
