"""Who may draft, review, sign, serve and follow a notice: registered with the policy mechanism."""
from __future__ import annotations

from portal.accounts import Action, Role, Rule, register_actions
from portal.cases import OPEN_STATUSES, SERVABLE_STATUSES

register_actions({
    Action.DRAFT_NOTICE: Rule(frozenset({Role.CREDITOR}),
                              "Only the creditor drafts and submits its notices."),
    Action.VIEW_NOTICE_DRAFT: Rule(
        frozenset({Role.CREDITOR, Role.ADVOCATE, Role.ADMIN}),
        "Draft notices and the advocate's comments are privileged between the creditor and its counsel."),
    Action.SERVE_NOTICE: Rule(frozenset({Role.CREDITOR}),
                              "Only the creditor serves its signed notice, while the case is open.",
                              statuses=SERVABLE_STATUSES),
    # The card can come back after talks have ended (settled, in arbitration): still the creditor's evidence.
    Action.RECORD_POSTAL_SERVICE: Rule(frozenset({Role.CREDITOR}),
                                       "Only the creditor records the postal service of its notice, on an "
                                       "open case.", statuses=OPEN_STATUSES),
    Action.REQUEST_EXPERT_CERTIFICATE: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE}),
                                            "Only the creditor or its advocate asks an expert for Part B "
                                            "and attaches it."),
    Action.VIEW_DELIVERY: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.ADMIN}),
                               "The delivery record is kept for the creditor, its advocate and the "
                               "institution; the debtor sees its notice through its own link."),
    Action.REVOKE_DEBTOR_LINK: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE}),
                                    "Only the creditor or its advocate revokes the debtor's personal "
                                    "links."),
    Action.REQUEST_BULK_NOTICES: Rule(frozenset({Role.CREDITOR}),
                                      "Only the creditor's staff request notices in bulk.",
                                      needs_case=False, user_check=lambda u: u.org_id is not None),
    Action.REVIEW_NOTICE_BATCH: Rule(frozenset({Role.ADVOCATE}), "Only advocates review batches of notices.",
                                     needs_case=False),
    Action.SIGN_MANDATE: Rule(frozenset({Role.ADVOCATE}), "Only the advocate named in a mandate signs it.",
                              needs_case=False),
    Action.REVIEW_NOTICE: Rule(frozenset({Role.ADVOCATE}),
                               "Only the advocate assigned to the case reviews its notice.",
                               case_check=lambda u, c: c.advocate_id == u.id),
})
