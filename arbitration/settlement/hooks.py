"""What settlement signing asks of the debtor's side, through a hook it provides at start-up (see
portal.hooks): the debtor signing through its personal link gets its code where the notice reached it."""
from __future__ import annotations

from portal.hooks import Hook

# (link_id) -> list[portal.onetime_codes.Destination]: where a code for that personal link may go
# (empty when the link is gone).
link_destinations: Hook = Hook("arbitration.settlement.link_destinations", provided_by="portal.debtor")
