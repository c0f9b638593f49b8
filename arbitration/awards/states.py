"""The award's lifecycle (A&C s.31; s.30 on agreed terms): drafted, finalised (every s.31 element
present, the PDF fixed), signed by the arbitrator, served on each party. Back from finalised to the
draft is allowed until it is signed. A pure table for `portal.lifecycle`, audited as "award.*";
`arbitration.awards.making` and `serving` fire it.
"""
from __future__ import annotations

import enum

from portal.accounts import Role
from portal.i18n import N_
from portal.lifecycle import Machine, transition


class AwardStatus(enum.StrEnum):
    DRAFT = "draft"
    FINALISED = "finalised"  # every s.31 element present; the PDF is fixed, awaiting the signature
    SIGNED = "signed"
    SERVED = "served"        # a signed copy went to each party


S = AwardStatus
ARBITRATOR = {Role.NEUTRAL}
# Created as "award.drafted" by the acting arbitrator.
AWARD = Machine("award", AwardStatus, initial=frozenset({S.DRAFT}), noun=N_("the award"), transitions=(
    transition("finalised", S.DRAFT, S.FINALISED, ARBITRATOR, label=N_("Finalise"), manual=True),
    transition("reopened", S.FINALISED, S.DRAFT, ARBITRATOR, label=N_("Back to the draft"), manual=True),
    transition("signed", S.FINALISED, S.SIGNED, ARBITRATOR, label=N_("Sign"), manual=True),
    # Signing serves it at once, in the same transaction (s.31(5): a signed copy to each party).
    transition("served", S.SIGNED, S.SERVED, ARBITRATOR, label=N_("Serve")),
))
