"""The settlement agreement's lifecycle: awaiting signatures, then signed (every party and, where one
took part, the neutral agreed; the case is settled) or cancelled before it was complete. A pure table
for `portal.lifecycle`; `arbitration.settlement.agreements` fires it ("settlement.*" events).
"""
from __future__ import annotations

import enum

from portal.accounts import Role
from portal.i18n import N_
from portal.lifecycle import Machine, transition


class AgreementStatus(enum.StrEnum):
    AWAITING_SIGNATURES = "awaiting_signatures"
    SIGNED = "signed"         # every party (and the neutral) agreed; the case is settled
    CANCELLED = "cancelled"   # withdrawn before it was complete; a new one may be made


A = AgreementStatus
# Created ("settlement.created") by whoever's acceptance settled the terms: a party, the system.
AGREEMENT = Machine(
    "settlement_agreement", AgreementStatus, initial=frozenset({A.AWAITING_SIGNATURES}), event="settlement",
    noun=N_("the agreement"), transitions=(
        transition("cancelled", A.AWAITING_SIGNATURES, A.CANCELLED,
                   {Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR, Role.NEUTRAL}, label=N_("Cancel"),
                   manual=True),
        # The last signature completes it: the parties' joint act, fired as the system.
        transition("signed", A.AWAITING_SIGNATURES, A.SIGNED, {Role.SYSTEM}, label=N_("Complete")),
    ))
LIVE = (A.AWAITING_SIGNATURES, A.SIGNED)
