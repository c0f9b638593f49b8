"""Authorization, in one place: may this user do this to this case (or organisation)?

Views call `require(...)`. A user with no relationship to a case gets 404 (its existence is not
revealed); one who may see it but not act gets 403.
"""
from __future__ import annotations

import enum

from sqlalchemy import exists, select

from portal.accounts.models import Engagement, User
from portal.accounts.roles import Role
from portal.cases.models import Case
from portal.cases.states import transition_for
from portal.extensions import db


EDITABLE_STATUSES = frozenset({"draft", "filed", "notice_drafting"})
CLOSED_STATUSES = frozenset({"closed", "withdrawn"})


class Action(enum.StrEnum):
    VIEW_CASE = "view_case"
    EDIT_CASE = "edit_case"
    VIEW_AUDIT = "view_audit"
    CREATE_CASE = "create_case"
    MANAGE_ORG = "manage_org"
    ADMIN_PLATFORM = "admin_platform"
    RECORD_CASE_EVENT = "record_case_event"  # payments received, acknowledgements
    JUSTIFY_TIME_BAR = "justify_time_bar"


class Denied(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def is_engaged(advocate: User, org_id: int) -> bool:
    return db.session.scalar(select(exists().where(
        Engagement.advocate_id == advocate.id, Engagement.org_id == org_id))) or False


def can_view_case(user: User, case: Case) -> bool:
    match user.role:
        case Role.ADMIN:
            return True
        case Role.CREDITOR:
            return user.org_id == case.creditor_org_id
        case Role.ADVOCATE:
            if case.advocate_id is not None:
                return case.advocate_id == user.id
            return is_engaged(user, case.creditor_org_id)
        case Role.DEBTOR:
            return case.debtor.user_id == user.id and case.status.value != "draft"
        case Role.NEUTRAL:
            return case.neutral_id == user.id
    return False


def can(user: User, action: Action | str, case: Case | None = None) -> bool:
    try:
        require(user, action, case)
    except Denied:
        return False
    return True


def require(user: User, action: Action | str, case: Case | None = None) -> None:
    """Raise Denied(404) for a stranger to the case, Denied(403) for a wrong role."""
    if not user.is_authenticated:
        raise Denied(401, "Please log in.")
    if user.needs_totp_setup:
        raise Denied(403, "Set up two-factor authentication before working on cases.")
    if case is not None and not can_view_case(user, case):
        raise Denied(404, "No such case.")
    if action == Action.VIEW_CASE:
        return
    if action == Action.EDIT_CASE:
        if user.role == Role.CREDITOR and case.status.value in EDITABLE_STATUSES:
            return
        raise Denied(403, "Only the creditor may edit a case, and only before its notice goes for review.")
    if action == Action.RECORD_CASE_EVENT:
        if user.role == Role.CREDITOR and case.status.value not in CLOSED_STATUSES:
            return
        raise Denied(403, "Only the creditor records payments and acknowledgements on an open case.")
    if action == Action.JUSTIFY_TIME_BAR:
        if user.role in (Role.CREDITOR, Role.ADVOCATE) and case.status.value in EDITABLE_STATUSES:
            return
        raise Denied(403, "Only the creditor or its advocate can justify a time-barred invoice, "
                          "before the notice goes for review.")
    if action == Action.VIEW_AUDIT:
        if user.role in (Role.CREDITOR, Role.ADVOCATE, Role.ADMIN, Role.NEUTRAL):
            return
        raise Denied(403, "The audit trail is not shown to this role.")
    if action == Action.CREATE_CASE:
        if user.role == Role.CREDITOR and user.org_id:
            return
        raise Denied(403, "Only creditor staff can file claims.")
    if action == Action.MANAGE_ORG:
        if user.role == Role.CREDITOR and user.is_org_admin:
            return
        raise Denied(403, "Only your organisation's administrator can do that.")
    if action == Action.ADMIN_PLATFORM:
        if user.role == Role.ADMIN:
            return
        raise Denied(403, "Platform administrators only.")
    if isinstance(action, str) and action.startswith("transition:"):
        t = transition_for(action.removeprefix("transition:"))
        if Role(user.role) in t.roles:
            return
        raise Denied(403, f"A {user.role.value} may not “{t.label.lower()}”.")
    raise Denied(403, "Not allowed.")
