"""Authorization, in one place: may this user do this to this case (or organisation)?

Views call `require(...)`. A user with no relationship to a case gets 404 (its existence is not
revealed); one who may see it but not act gets 403. This module is the mechanism only: what each
action needs (its `Rule`) is registered by the package that owns the action, in its `permissions`
module, which its `__init__` imports (`register_actions`); the case package registers its lifecycle
(`register_case_lifecycle`). `RULES` is the table they fill. Accounts knows no feature above it.
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import exists, select

from portal.accounts.models import Engagement, User
from portal.accounts.roles import LOGIN_ROLES, Role
from portal.errors import Denied
from portal.extensions import db
from portal.hooks import Hook

if TYPE_CHECKING:
    from portal.cases import Case

TRANSITION_PREFIX = "transition:"


class Action(enum.StrEnum):
    VIEW_CASE = "view_case"
    EDIT_CASE = "edit_case"
    VIEW_AUDIT = "view_audit"
    CREATE_CASE = "create_case"
    MANAGE_ORG = "manage_org"
    ADMIN_PLATFORM = "admin_platform"
    RECORD_CASE_EVENT = "record_case_event"  # payments received, acknowledgements
    JUSTIFY_TIME_BAR = "justify_time_bar"
    ASSIGN_ADVOCATE = "assign_advocate"      # the creditor's staff choose or change the case's advocate
    ASSIGN_ADVOCATES = "assign_advocates"    # the same for many cases at once (each case checked too)
    DECLINE_CASE = "decline_case"            # the assigned advocate declines, giving a reason
    DRAFT_NOTICE = "draft_notice"
    REVIEW_NOTICE = "review_notice"
    VIEW_NOTICE_DRAFT = "view_notice_draft"
    VIEW_EVIDENCE = "view_evidence"
    UPLOAD_EVIDENCE = "upload_evidence"
    WITHDRAW_EVIDENCE = "withdraw_evidence"
    EXPORT_BUNDLE = "export_bundle"
    REQUEST_BULK_NOTICES = "request_bulk_notices"
    REVIEW_NOTICE_BATCH = "review_notice_batch"
    SIGN_MANDATE = "sign_mandate"  # the advocate countersigns a creditor's mandate (notices/mandates/)
    SERVE_NOTICE = "serve_notice"
    VIEW_DELIVERY = "view_delivery"
    REVOKE_DEBTOR_LINK = "revoke_debtor_link"  # end a debtor's personal link (sent to a wrong address, say)
    RECORD_POSTAL_SERVICE = "record_postal_service"  # tracking and the returned A.D. card of a posted notice
    REQUEST_EXPERT_CERTIFICATE = "request_expert_certificate"  # BSA s.63 Part B on a delivery proof
    # Issue 6: the debtor's answer, payments, the ODR room, settlement.
    DEBTOR_VIEW = "debtor_view"                # the debtor's own page of its case: notice, evidence, dues
    DEBTOR_CASES = "debtor_cases"              # the debtor's list of every case against its business
    RESPOND_TO_NOTICE = "respond_to_notice"    # acknowledge, dispute, admit part, propose a plan, call back
    REPORT_PAYMENT = "report_payment"          # the debtor pays (UPI reference, payment link)
    CONFIRM_PAYMENT = "confirm_payment"        # the creditor confirms (or rejects) a reported payment
    VIEW_PAYMENTS = "view_payments"
    VIEW_ODR_ROOM = "view_odr_room"
    TAKE_PART_IN_ROOM = "take_part_in_room"    # messages, attachments, read markers
    NEGOTIATE = "negotiate"                    # offers, counters, acceptances, blind bids
    REQUEST_CONCILIATION = "request_conciliation"
    APPOINT_NEUTRAL = "appoint_neutral"        # the platform admin, acting as the institution
    CAUCUS = "caucus"                          # private channel between the neutral and one side
    PROPOSE_AS_NEUTRAL = "propose_as_neutral"
    SIGN_SETTLEMENT = "sign_settlement"        # each party signs; the neutral authenticates
    ACCEPT_CONCILIATION = "accept_conciliation"  # the appointed conciliator discloses and accepts
    VIEW_SETTLEMENT = "view_settlement"
    # Issue 7: the arbitral proceedings (calendar, clocks, hearings, procedural orders, fees).
    VIEW_PROCEEDINGS = "view_proceedings"
    CONDUCT_PROCEEDINGS = "conduct_proceedings"            # the acting arbitrator only
    TAKE_PART_IN_PROCEEDINGS = "take_part_in_proceedings"  # a party files and consents
    MANAGE_NEUTRAL_KEY = "manage_neutral_key"              # a neutral's own signing certificate
    # Issue 7: the basis of the arbitration (s.7) and the s.21 notice invoking it.
    VIEW_ARBITRATION_BASIS = "view_arbitration_basis"
    RECORD_ARBITRATION_BASIS = "record_arbitration_basis"            # clause, submission agreement, MSMED
    ACCEPT_SUBMISSION_AGREEMENT = "accept_submission_agreement"      # each party, by one-time code
    # Issue 7: the tribunal (panel, appointment, s.12 disclosure, s.13 challenge).
    EDIT_PANEL_PROFILE = "edit_panel_profile"        # a neutral's own listing and declarations
    BROWSE_PANEL = "browse_panel"
    VIEW_TRIBUNAL = "view_tribunal"
    APPOINT_ARBITRATOR = "appoint_arbitrator"        # the platform admin, acting as the institution
    CONSENT_TO_INSTITUTION = "consent_to_institution"  # a party agrees in writing the institution appoints
    S11_BUNDLE = "s11_bundle"                        # the facts of a s.11(5)/(6) application, for a party
    PROPOSE_ARBITRATOR = "propose_arbitrator"        # a party proposes, the other party agrees
    ANSWER_APPOINTMENT = "answer_appointment"        # the invited neutral (its own invitations only)
    UPDATE_DISCLOSURE = "update_disclosure"          # continuing disclosure, s.12(2)
    CHALLENGE_ARBITRATOR = "challenge_arbitrator"    # s.13
    DECIDE_CHALLENGE = "decide_challenge"
    VIEW_AWARD = "view_award"                        # the parties see it once signed
    DRAFT_AWARD = "draft_award"                      # the acting arbitrator drafts, finalises, signs
    RECORD_AWARD_CHALLENGE = "record_award_challenge"  # a s.34 petition filed; a court's extension
    CLOSE_ON_AWARD = "close_on_award"                # after payment, or the s.34 window (s.36 note)


# Conditions only the arbitration knows, provided by it at start-up (portal.hooks): the tribunal owns
# who acts (appointed, disclosed, accepted); the award records a settlement reached in it (s.30).
tribunal_may_act: Hook = Hook("policy.tribunal_may_act", provided_by="arbitration.tribunal")
may_record_settlement: Hook = Hook("policy.may_record_settlement", provided_by="arbitration.awards")
# s.11: the institution appoints only where the agreement names it, or both parties agreed in writing.
institution_may_appoint: Hook = Hook("policy.institution_may_appoint", provided_by="arbitration.tribunal")
# A conciliator acts (caucus, proposals, authentication) only once it has disclosed and accepted.
conciliator_may_act: Hook = Hook("policy.conciliator_may_act", provided_by="arbitration.odr")


@dataclass(frozen=True)
class Rule:
    """Who may take an action: roles, the case statuses it is open in (None: any), any condition on
    the user or the case."""

    roles: frozenset[Role]
    message: str
    needs_case: bool = True
    statuses: frozenset[str] | None = None
    user_check: Callable[[User], bool] | None = None
    case_check: Callable[[User, Case], bool] | None = None


@dataclass(frozen=True)
class CaseLifecycle:
    """What the case package tells the mechanism: the statuses in which a debtor's account does not
    see its case yet, and the check of a `transition:<action>` on the case's state table (it raises
    Denied: 404 for an unknown action, 403 for a role the transition does not allow)."""

    hidden_from_debtor: frozenset[str]
    check_transition: Callable[[User, str], None]


RULES: dict[Action, Rule] = {}
_lifecycle: list[CaseLifecycle] = []


def register_actions(rules: Mapping[Action, Rule]) -> None:
    """A package declares the rules of its own actions (once each: a second, different rule for the
    same action is a programming error)."""
    for action, rule in rules.items():
        if RULES.get(action, rule) != rule:
            raise ValueError(f"policy: {action} is already registered with another rule")
        RULES[action] = rule


def register_case_lifecycle(lifecycle: CaseLifecycle) -> None:
    """The case package declares its lifecycle (portal.cases.permissions)."""
    _lifecycle[:] = [lifecycle]


def _case_lifecycle() -> CaseLifecycle:
    if not _lifecycle:
        raise LookupError("policy: no case lifecycle registered (import portal.cases)")
    return _lifecycle[0]


def neutral_accepted(user: User, case: Case) -> bool:
    """For a neutral, that it accepted the conciliation; the parties are not held by this check."""
    return user.role != Role.NEUTRAL or conciliator_may_act(case, user)


EVERY_PARTY = frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR, Role.NEUTRAL, Role.ADMIN})

register_actions({
    Action.VIEW_CASE: Rule(frozenset(LOGIN_ROLES), "Not allowed.", needs_case=False),
    Action.MANAGE_ORG: Rule(frozenset({Role.CREDITOR}),
                            "Only your organisation's administrator can do that.", needs_case=False,
                            user_check=lambda u: u.org_id is not None and bool(u.is_org_admin)),
    Action.ADMIN_PLATFORM: Rule(frozenset({Role.ADMIN}), "Platform administrators only.",
                                needs_case=False),
})


class Side(enum.StrEnum):
    """Which side of the table a user sits on in a case's ODR room."""

    CREDITOR = "creditor"   # the creditor's staff and its advocate
    DEBTOR = "debtor"
    NEUTRAL = "neutral"


def side_of(user: User, case: Case) -> Side | None:
    """The user's side in this case, or None (a stranger, or the platform admin who only observes)."""
    if not user.is_authenticated or not can_view_case(user, case):
        return None
    return {Role.CREDITOR: Side.CREDITOR, Role.ADVOCATE: Side.CREDITOR, Role.DEBTOR: Side.DEBTOR,
            Role.NEUTRAL: Side.NEUTRAL}.get(user.role)


def is_engaged(advocate: User, org_id: int) -> bool:
    return db.session.scalar(select(exists().where(
        Engagement.advocate_id == advocate.id, Engagement.org_id == org_id))) or False


def can_view_case(user: User, case: Case) -> bool:
    """Whether the user is a party to the case at all (else it does not exist for them)."""
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
            link_case_id = getattr(user, "link_case_id", None)
            if link_case_id is not None:  # a personal link opens its own case and no other
                return case.id == link_case_id
            return (user.id is not None and case.debtor.user_id == user.id
                    and case.status not in _case_lifecycle().hidden_from_debtor)
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
    """Raise Denied(401) when signed out, Denied(404) for a stranger to the case, Denied(403) else.

    Passing no case to a case action is a programming error (TypeError), never a silent yes.
    """
    if not user.is_authenticated:
        raise Denied(401, "Please log in.")
    if user.needs_totp_setup:
        raise Denied(403, "Set up two-factor authentication before working on cases.")
    if isinstance(action, str) and action.startswith(TRANSITION_PREFIX):
        _require_transition(user, action.removeprefix(TRANSITION_PREFIX), case)
        return
    action = Action(action)
    if action not in RULES:
        raise LookupError(f"policy: no package registered a rule for {action}")
    rule = RULES[action]
    if case is None and rule.needs_case:
        raise TypeError(f"policy: {action} is decided on a case; none was given")
    if case is not None and not can_view_case(user, case):
        raise Denied(404, "No such case.")
    if user.role not in rule.roles or (rule.user_check and not rule.user_check(user)):
        raise Denied(403, rule.message)
    if case is not None and rule.statuses is not None and case.status not in rule.statuses:
        raise Denied(403, rule.message)
    if case is not None and rule.case_check and not rule.case_check(user, case):
        raise Denied(403, rule.message)


def _require_transition(user: User, action: str, case: Case | None) -> None:
    if case is None:
        raise TypeError(f"policy: transition {action} is decided on a case; none was given")
    if not can_view_case(user, case):
        raise Denied(404, "No such case.")
    _case_lifecycle().check_transition(user, action)
