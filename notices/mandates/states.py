"""A mandate's lifecycle: accepted and sealed by the creditor, then in force once the advocate
countersigns (revocation is `revoked_at`, not a status).

`MANDATE` is the table `portal.lifecycle.fire` applies; a mandate is born awaiting the advocate
(its creation is audited as `mandate.accepted` by `notices.mandates.granting`).
"""
from __future__ import annotations

import enum

from portal.accounts import Role
from portal.i18n import N_
from portal.lifecycle import Machine, transition


class MandateStatus(enum.StrEnum):
    AWAITING_ADVOCATE = "awaiting_advocate"  # accepted and sealed; the advocate's DSC is missing
    IN_FORCE = "in_force"                    # countersigned by the advocate: notices may go out


S = MandateStatus

MANDATE = Machine(
    "mandate", MandateStatus,
    initial=frozenset({S.AWAITING_ADVOCATE}),
    transitions=(
        transition("countersigned", S.AWAITING_ADVOCATE, S.IN_FORCE, {Role.ADVOCATE},
                   label=N_("Countersign the mandate")),
    ),
    noun=N_("the mandate"),
)
