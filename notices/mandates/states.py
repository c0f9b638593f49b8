"""A mandate's lifecycle: accepted and sealed by the creditor, then in force once the advocate
countersigns."""
from __future__ import annotations

import enum


class MandateStatus(enum.StrEnum):
    AWAITING_ADVOCATE = "awaiting_advocate"  # accepted and sealed; the advocate's DSC is missing
    IN_FORCE = "in_force"                    # countersigned by the advocate: notices may go out
