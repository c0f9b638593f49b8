"""The debtor's own pages and answers: registered with the policy mechanism."""
from __future__ import annotations

from portal.accounts import Action, Role, Rule, register_actions
from portal.cases import RESPONSE_STATUSES, SERVED_STATUSES

register_actions({
    Action.DEBTOR_CASES: Rule(frozenset({Role.DEBTOR}), "This page lists the cases against a debtor's "
                              "business.", needs_case=False),
    Action.DEBTOR_VIEW: Rule(frozenset({Role.DEBTOR}), "This page is the debtor's view of the case.",
                             statuses=SERVED_STATUSES),
    Action.RESPOND_TO_NOTICE: Rule(frozenset({Role.DEBTOR}),
                                   "Only the debtor answers the notice, while the claim is open.",
                                   statuses=RESPONSE_STATUSES),
})
