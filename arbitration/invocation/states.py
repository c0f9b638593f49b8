"""The basis of an arbitration and when arbitration may be invoked.

The basis (A&C s.7) is born in force (a clause the creditor points to), awaiting acceptance (a
submission agreement; in force once both parties accept it) or statutory (the MSMED route to the
Facilitation Council). A pure table for `portal.lifecycle`, audited as "arbitration.*".

The statuses from which arbitration may be invoked are the case table's own (`invoke_arbitration`):
everything in this package that asks "may arbitration still be invoked?" reads `INVOCABLE`.
"""
from __future__ import annotations

import enum

from portal.accounts import Role
from portal.cases import CASE
from portal.i18n import N_
from portal.lifecycle import Machine, transition


class BasisStatus(enum.StrEnum):
    AWAITING_ACCEPTANCE = "awaiting_acceptance"  # a submission agreement one party has not accepted
    IN_FORCE = "in_force"                         # arbitration may be invoked on it
    STATUTORY = "statutory"                       # MSMED: the dispute goes to the Council, not to Sulah


B = BasisStatus
# Created as "arbitration.basis_recorded" (a clause, in force), "arbitration.submission_agreement_proposed"
# (awaiting acceptance) or "arbitration.msmed_route_chosen" (statutory).
BASIS = Machine("basis", BasisStatus, initial=frozenset(B), event="arbitration", noun=N_("the agreement"),
                transitions=(
    # The second party's acceptance completes it; sealed by the platform, as the system.
    transition("submission_agreement_complete", B.AWAITING_ACCEPTANCE, B.IN_FORCE, {Role.SYSTEM},
               label=N_("Complete the submission agreement")),
))

INVOCABLE = CASE.sources("invoke_arbitration")
