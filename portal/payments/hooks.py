"""What payments asks of the settlement (above it), through hooks the settlement provides at start-up
(see portal.hooks): once a settlement governs, what it still asks for and its next instalment."""
from __future__ import annotations

from portal.hooks import Hook

# (case) -> Decimal | None: the settlement's outstanding balance, or None when no settlement governs.
settlement_outstanding: Hook = Hook("payments.settlement_outstanding", provided_by="arbitration.settlement")

# (case, today) -> the next unpaid instalment (with .unpaid and .due_on), or None.
next_instalment: Hook = Hook("payments.next_instalment", provided_by="arbitration.settlement")
