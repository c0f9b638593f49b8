"""The arbitrator's appointment in a case: proposed (awaiting the other party's agreement or the
neutral's answer), accepted with the s.12 disclosure (the tribunal is constituted), declined,
challenged under s.13, removed. A pure table for `portal.lifecycle`, audited as "arbitration.*";
`arbitration.tribunal.appointments` and `challenges` fire it.
"""
from __future__ import annotations

import enum

from portal.accounts import Role
from portal.i18n import N_
from portal.lifecycle import Machine, transition


class AppointmentStatus(enum.StrEnum):
    PROPOSED = "proposed"        # awaiting the other party's agreement, or the neutral's answer
    ACCEPTED = "accepted"        # disclosure filed and accepted: the tribunal is constituted
    DECLINED = "declined"
    CHALLENGED = "challenged"    # a s.13 challenge awaits the arbitrator's decision
    REMOVED = "removed"          # a challenge was upheld, the arbitrator became ineligible, or lapsed


S = AppointmentStatus
PARTIES = frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR})
ARBITRATOR = frozenset({Role.NEUTRAL})
_t = transition
# Created as "arbitration.arbitrator_nominated" (the institution) or "arbitration.arbitrator_proposed"
# (a party). The arbitrator's decision on a challenge is recorded as "arbitration.challenge_decided"
# (the challenge's own event); the appointment's move that follows is audited beside it.
APPOINTMENT = Machine(
    "appointment", AppointmentStatus, initial=frozenset({S.PROPOSED}), event="arbitration",
    noun=N_("the appointment"), transitions=(
        # A new name replaces the one on the table (the institution's, or a party's counter-proposal).
        _t("proposal_lapsed", S.PROPOSED, S.REMOVED, PARTIES | {Role.ADMIN},
           label=N_("Replace the proposal")),
        _t("arbitrator_accepted", S.PROPOSED, S.ACCEPTED, ARBITRATOR, label=N_("Accept"), manual=True),
        _t("arbitrator_declined", S.PROPOSED, S.DECLINED, ARBITRATOR, label=N_("Decline"), manual=True),
        _t("arbitrator_challenged", S.ACCEPTED, S.CHALLENGED, PARTIES, label=N_("Challenge"), manual=True),
        # s.13: upheld, the arbitrator withdraws and the mandate ends (s.14, s.15); rejected, it stands.
        _t("arbitrator_removed", S.CHALLENGED, S.REMOVED, ARBITRATOR, label=N_("Uphold the challenge")),
        _t("challenge_rejected", S.CHALLENGED, S.ACCEPTED, ARBITRATOR, label=N_("Reject the challenge")),
        # s.12(5), s.14(1)(a): a Seventh Schedule relationship found by the check run again at a
        # disclosure update, a declaration or before the award is signed ends the mandate.
        _t("arbitrator_ineligible", {S.ACCEPTED, S.CHALLENGED}, S.REMOVED, ARBITRATOR | {Role.ADMIN},
           label=N_("End the mandate (ineligible)")),
    ))
