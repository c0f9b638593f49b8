"""Who may see, add, withdraw and export evidence: registered with the policy mechanism."""
from __future__ import annotations

from portal.accounts import LOGIN_ROLES, Action, Role, Rule, register_actions
from portal.cases import OPEN_STATUSES, SERVED_STATUSES

register_actions({
    Action.VIEW_EVIDENCE: Rule(
        frozenset(LOGIN_ROLES), "The debtor sees the evidence once the notice is served.",
        case_check=lambda u, c: u.role != Role.DEBTOR or c.status in SERVED_STATUSES),
    Action.UPLOAD_EVIDENCE: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE}),
                                 "Only the creditor or its advocate adds evidence to an open case.",
                                 statuses=OPEN_STATUSES),
    Action.WITHDRAW_EVIDENCE: Rule(frozenset({Role.CREDITOR}),
                                   "Only the creditor withdraws its evidence, on an open case.",
                                   statuses=OPEN_STATUSES),
    Action.EXPORT_BUNDLE: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.ADMIN}),
                               "Only the creditor, its advocate or the institution exports the bundle."),
})
