"""A signing ceremony's lifecycle: pending at the provider, then signed, declined, failed or abandoned."""
from __future__ import annotations

import enum


class CeremonyStatus(enum.StrEnum):
    PENDING = "pending"
    SIGNED = "signed"
    DECLINED = "declined"
    FAILED = "failed"
    ABANDONED = "abandoned"  # replaced by a newer attempt, or the notice was signed another way
