"""Who reports, confirms and sees payments: registered with the policy mechanism."""
from __future__ import annotations

from portal.accounts import EVERY_PARTY, Action, Role, Rule, register_actions
from portal.cases import PAYABLE_STATUSES, SERVED_STATUSES, CaseStatus

register_actions({
    Action.REPORT_PAYMENT: Rule(frozenset({Role.DEBTOR}), "Only the debtor reports its payments, while "
                                "an amount is due.", statuses=PAYABLE_STATUSES),
    Action.CONFIRM_PAYMENT: Rule(frozenset({Role.CREDITOR}),
                                 "Only the creditor confirms what it received.",
                                 statuses=PAYABLE_STATUSES | frozenset({CaseStatus.PAID})),
    Action.VIEW_PAYMENTS: Rule(EVERY_PARTY,
                               "Not allowed.", statuses=SERVED_STATUSES),
})
