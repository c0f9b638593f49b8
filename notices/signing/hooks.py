"""What signing asks of the settlement (above it), through hooks the settlement provides at start-up
(see portal.hooks): a ceremony may sign a settlement agreement, which the settlement finishes."""
from __future__ import annotations

from portal.hooks import Hook

# (ceremony, provider, callback, via=) -> CeremonyStatus: finish a settlement agreement's ceremony.
finish_settlement_ceremony: Hook = Hook("notices.signing.finish_settlement_ceremony",
                                        provided_by="arbitration.settlement")

# (settlement agreement) -> bool: has every party signed it?
settlement_complete: Hook = Hook("notices.signing.settlement_complete", provided_by="arbitration.settlement")
