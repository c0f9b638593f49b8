"""A signing ceremony's lifecycle: pending at the provider, then signed, declined, failed or abandoned.

A ceremony signs either a notice or a settlement agreement; the audit event is named after that
document: `CEREMONY` (a notice's, events `notice.signing_*`) and `SETTLEMENT_CEREMONY` (a settlement
agreement's, events `settlement.signing_*`) are one table under two names. Creation is audited as
`<document>.signing_started` (`lifecycle.begin(..., action="signing_started")`).
"""
from __future__ import annotations

import enum

from portal.accounts import Role
from portal.i18n import N_
from portal.lifecycle import Machine, transition


class CeremonyStatus(enum.StrEnum):
    PENDING = "pending"
    SIGNED = "signed"
    DECLINED = "declined"
    FAILED = "failed"
    ABANDONED = "abandoned"  # replaced by a newer attempt, or the notice was signed another way


S = CeremonyStatus
# A ceremony is finished by the provider's authenticated callback, in the name of whoever started
# it (an advocate, a creditor, a debtor), or abandoned by the system.
ANYONE = frozenset(Role)

TRANSITIONS = (
    transition("signing_completed", S.PENDING, S.SIGNED, ANYONE, label=N_("Signed at the provider")),
    transition("signing_declined", S.PENDING, S.DECLINED, ANYONE, label=N_("Declined at the provider")),
    transition("signing_failed", S.PENDING, S.FAILED, ANYONE, label=N_("Failed at the provider")),
    transition("signing_abandoned", S.PENDING, S.ABANDONED, ANYONE, label=N_("Abandon")),
)
# The action for a provider's final answer other than signed.
ENDED = {S.DECLINED: "signing_declined", S.FAILED: "signing_failed", S.ABANDONED: "signing_abandoned"}

CEREMONY = Machine("ceremony", CeremonyStatus, initial=frozenset({S.PENDING}), transitions=TRANSITIONS,
                   event="notice", noun=N_("the signing attempt"))
SETTLEMENT_CEREMONY = Machine("settlement_ceremony", CeremonyStatus, initial=frozenset({S.PENDING}),
                              transitions=TRANSITIONS, event="settlement", noun=N_("the signing attempt"))
