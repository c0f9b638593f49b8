"""The case package's own actions, and its lifecycle, registered with the policy mechanism."""
from __future__ import annotations

from portal.accounts import Action, CaseLifecycle, Role, Rule, User, register_actions, register_case_lifecycle
from portal.cases.states import ACTIONS, ADVOCATE_CHANGEABLE, not_permitted_message, transition_for
from portal.cases.windows import EDITABLE_STATUSES, HIDDEN_FROM_DEBTOR, OPEN_STATUSES
from portal.errors import Denied

register_actions({
    Action.EDIT_CASE: Rule(
        frozenset({Role.CREDITOR}),
        "Only the creditor may edit a case, and only before its notice goes for review.",
        statuses=EDITABLE_STATUSES),
    Action.RECORD_CASE_EVENT: Rule(
        frozenset({Role.CREDITOR}),
        "Only the creditor records payments and acknowledgements on an open case.",
        statuses=OPEN_STATUSES),
    Action.JUSTIFY_TIME_BAR: Rule(
        frozenset({Role.CREDITOR, Role.ADVOCATE}),
        "Only the creditor or its advocate can justify a time-barred invoice, "
        "before the notice goes for review.", statuses=EDITABLE_STATUSES),
    Action.ASSIGN_ADVOCATE: Rule(
        frozenset({Role.CREDITOR}),
        "Only the creditor's staff assign the case's advocate, while the case is open and its notice "
        "is not with the advocate for review.", statuses=ADVOCATE_CHANGEABLE),
    Action.ASSIGN_ADVOCATES: Rule(frozenset({Role.CREDITOR}), "Only the creditor's staff assign advocates.",
                                  needs_case=False, user_check=lambda u: u.org_id is not None),
    Action.DECLINE_CASE: Rule(
        frozenset({Role.ADVOCATE}),
        "Only the advocate assigned to the case can decline it, while the case is open and its notice "
        "is not in review (return the notice first).", statuses=ADVOCATE_CHANGEABLE,
        case_check=lambda u, c: c.advocate_id == u.id),
    Action.VIEW_AUDIT: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.ADMIN, Role.NEUTRAL}),
                            "The audit trail is not shown to this role."),
    Action.CREATE_CASE: Rule(frozenset({Role.CREDITOR}), "Only creditor staff can file claims.",
                             needs_case=False, user_check=lambda u: u.org_id is not None),
})


def _check_transition(user: User, action: str) -> None:
    """`transition:<action>` on the case's state table: an unknown action is a 404, a role the
    transition does not allow a 403 with the table's own message."""
    if action not in ACTIONS:
        raise Denied(404, f"There is no case action called “{action}”.")
    t = transition_for(action)
    if user.role not in t.roles:
        raise Denied(403, not_permitted_message(user.role, t))


register_case_lifecycle(CaseLifecycle(hidden_from_debtor=HIDDEN_FROM_DEBTOR,
                                      check_transition=_check_transition))
