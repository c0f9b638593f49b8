"""What payments asks of the settlement (above it), through hooks the settlement provides at start-up
(see portal.hooks): once a settlement governs, what it still asks for and its next instalment.

The hooks are declared with the case's position (portal.cases.hooks), the one place that reads them
for every page; they keep their names here, where the settlement provides them.
"""
from __future__ import annotations

from portal.cases import next_instalment, settlement_outstanding

__all__ = ["next_instalment", "settlement_outstanding"]
