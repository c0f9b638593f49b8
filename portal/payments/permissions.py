"""Who reports, confirms and sees payments: registered with the policy mechanism."""
from __future__ import annotations

from portal.accounts.policy import (
    EVERY_PARTY,
    Action,
    Rule,
    register_actions,
)
from portal.accounts.roles import Role
from portal.cases.states import CaseStatus
from portal.cases.windows import PAYABLE_STATUSES, SERVED_STATUSES

register_actions({
    Action.REPORT_PAYMENT: Rule(frozenset({Role.DEBTOR}), "Only the debtor reports its payments, while "
                                "an amount is due.", statuses=PAYABLE_STATUSES),
    Action.CONFIRM_PAYMENT: Rule(frozenset({Role.CREDITOR}),
                                 "Only the creditor confirms what it received.",
                                 statuses=PAYABLE_STATUSES | frozenset({CaseStatus.PAID})),
    Action.VIEW_PAYMENTS: Rule(EVERY_PARTY,
                               "Not allowed.", statuses=SERVED_STATUSES),
})
