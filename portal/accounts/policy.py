"""Authorization, in one place: may this user do this to this case (or organisation)?

Views call `require(...)`. A user with no relationship to a case gets 404 (its existence is not
revealed); one who may see it but not act gets 403. What each action needs is one table, RULES.
"""
from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import exists, select

from portal.accounts.models import Engagement, User
from portal.accounts.roles import LOGIN_ROLES, Role
from portal.cases.models import Case
from portal.cases.states import (
    ACTIONS,
    ADVOCATE_CHANGEABLE,
    CASE,
    CaseStatus,
    not_permitted_message,
    transition_for,
)
from portal.errors import Denied
from portal.extensions import db
from portal.hooks import Hook

EDITABLE_STATUSES = frozenset({CaseStatus.DRAFT, CaseStatus.FILED, CaseStatus.NOTICE_DRAFTING})
CLOSED_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.WITHDRAWN})
# A debtor sees the creditor's evidence once the notice citing it has been served.
SERVED_STATUSES = frozenset(CaseStatus) - EDITABLE_STATUSES - frozenset(
    {CaseStatus.NOTICE_IN_REVIEW, CaseStatus.NOTICE_SIGNED, CaseStatus.WITHDRAWN})
# A signed notice can be served (or served again on more addresses) while talks are open.
SERVABLE_STATUSES = frozenset({CaseStatus.NOTICE_SIGNED, CaseStatus.NOTICE_SERVED, CaseStatus.RESPONDED,
                               CaseStatus.IN_NEGOTIATION, CaseStatus.IN_CONCILIATION})
# The debtor answers the notice while the claim is open and not yet in the ODR room's hands.
RESPONSE_STATUSES = frozenset({CaseStatus.NOTICE_SERVED, CaseStatus.RESPONDED, CaseStatus.IN_NEGOTIATION,
                               CaseStatus.IN_CONCILIATION})
# Money can change hands from service for as long as the case can still be marked paid.
PAYABLE_STATUSES = SERVED_STATUSES & CASE.sources("mark_paid")
# The ODR room: talking and offering while it is open (s.30: also during arbitration) ...
ROOM_OPEN_STATUSES = frozenset({CaseStatus.IN_NEGOTIATION, CaseStatus.IN_CONCILIATION,
                                CaseStatus.IN_ARBITRATION})
# ... and readable afterwards, as the record of what was said and agreed.
ROOM_VISIBLE_STATUSES = ROOM_OPEN_STATUSES | frozenset(
    {CaseStatus.SETTLED, CaseStatus.DEFAULTED, CaseStatus.PAID, CaseStatus.AWARDED, CaseStatus.CLOSED})
# The arbitral proceedings: run while in arbitration, readable afterwards as the record.
PROCEEDINGS_STATUSES = frozenset({CaseStatus.IN_ARBITRATION, CaseStatus.AWARDED, CaseStatus.SETTLED,
                                  CaseStatus.PAID, CaseStatus.CLOSED})
# The award's page: drafted in arbitration (or, on agreed terms, once settled), read afterwards.
AWARD_STATUSES = frozenset({CaseStatus.IN_ARBITRATION, CaseStatus.AWARDED, CaseStatus.SETTLED,
                            CaseStatus.PAID, CaseStatus.CLOSED})
EVERY_PARTY = frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR, Role.NEUTRAL, Role.ADMIN})
# Arbitration is invoked from an open dispute or a defaulted settlement: the table says where.
INVOCABLE_STATUSES = CASE.sources("invoke_arbitration")
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


def _neutral_accepted(user: User, case: Case) -> bool:
    """For a neutral, that it accepted the conciliation; the parties are not held by this check."""
    return user.role != Role.NEUTRAL or conciliator_may_act(case, user)


@dataclass(frozen=True)
class Rule:
    """Who may take an action: roles, the case statuses it is open in, any condition on the user."""

    roles: frozenset[Role]
    message: str
    needs_case: bool = True
    statuses: frozenset[CaseStatus] = frozenset(CaseStatus)
    user_check: Callable[[User], bool] | None = None
    case_check: Callable[[User, Case], bool] | None = None


RULES: dict[Action, Rule] = {
    Action.VIEW_CASE: Rule(frozenset(LOGIN_ROLES), "Not allowed.", needs_case=False),
    Action.EDIT_CASE: Rule(
        frozenset({Role.CREDITOR}),
        "Only the creditor may edit a case, and only before its notice goes for review.",
        statuses=EDITABLE_STATUSES),
    Action.RECORD_CASE_EVENT: Rule(
        frozenset({Role.CREDITOR}),
        "Only the creditor records payments and acknowledgements on an open case.",
        statuses=frozenset(CaseStatus) - CLOSED_STATUSES),
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
    Action.MANAGE_ORG: Rule(frozenset({Role.CREDITOR}),
                            "Only your organisation's administrator can do that.", needs_case=False,
                            user_check=lambda u: u.org_id is not None and bool(u.is_org_admin)),
    Action.ADMIN_PLATFORM: Rule(frozenset({Role.ADMIN}), "Platform administrators only.",
                                needs_case=False),
    Action.DRAFT_NOTICE: Rule(frozenset({Role.CREDITOR}),
                              "Only the creditor drafts and submits its notices."),
    Action.VIEW_NOTICE_DRAFT: Rule(
        frozenset({Role.CREDITOR, Role.ADVOCATE, Role.ADMIN}),
        "Draft notices and the advocate's comments are privileged between the creditor and its counsel."),
    Action.VIEW_EVIDENCE: Rule(
        frozenset(LOGIN_ROLES), "The debtor sees the evidence once the notice is served.",
        case_check=lambda u, c: u.role != Role.DEBTOR or c.status in SERVED_STATUSES),
    Action.UPLOAD_EVIDENCE: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE}),
                                 "Only the creditor or its advocate adds evidence to an open case.",
                                 statuses=frozenset(CaseStatus) - CLOSED_STATUSES),
    Action.WITHDRAW_EVIDENCE: Rule(frozenset({Role.CREDITOR}),
                                   "Only the creditor withdraws its evidence, on an open case.",
                                   statuses=frozenset(CaseStatus) - CLOSED_STATUSES),
    Action.EXPORT_BUNDLE: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.ADMIN}),
                               "Only the creditor, its advocate or the institution exports the bundle."),
    Action.SERVE_NOTICE: Rule(frozenset({Role.CREDITOR}),
                              "Only the creditor serves its signed notice, while the case is open.",
                              statuses=SERVABLE_STATUSES),
    # The card can come back after talks have ended (settled, in arbitration): still the creditor's evidence.
    Action.RECORD_POSTAL_SERVICE: Rule(frozenset({Role.CREDITOR}),
                                       "Only the creditor records the postal service of its notice, on an "
                                       "open case.", statuses=frozenset(CaseStatus) - CLOSED_STATUSES),
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
    Action.DEBTOR_CASES: Rule(frozenset({Role.DEBTOR}), "This page lists the cases against a debtor's "
                              "business.", needs_case=False),
    Action.DEBTOR_VIEW: Rule(frozenset({Role.DEBTOR}), "This page is the debtor's view of the case.",
                             statuses=SERVED_STATUSES),
    Action.RESPOND_TO_NOTICE: Rule(frozenset({Role.DEBTOR}),
                                   "Only the debtor answers the notice, while the claim is open.",
                                   statuses=RESPONSE_STATUSES),
    Action.REPORT_PAYMENT: Rule(frozenset({Role.DEBTOR}), "Only the debtor reports its payments, while "
                                "an amount is due.", statuses=PAYABLE_STATUSES),
    Action.CONFIRM_PAYMENT: Rule(frozenset({Role.CREDITOR}),
                                 "Only the creditor confirms what it received.",
                                 statuses=PAYABLE_STATUSES | frozenset({CaseStatus.PAID})),
    Action.VIEW_PAYMENTS: Rule(EVERY_PARTY,
                               "Not allowed.", statuses=SERVED_STATUSES),
    Action.VIEW_ODR_ROOM: Rule(EVERY_PARTY,
                               "The ODR room opens when negotiation starts.", statuses=ROOM_VISIBLE_STATUSES),
    Action.TAKE_PART_IN_ROOM: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR, Role.NEUTRAL}),
                                   "Only the parties and the neutral write in the ODR room while it is open; "
                                   "the conciliator once it has disclosed and accepted.",
                                   statuses=ROOM_OPEN_STATUSES, case_check=_neutral_accepted),
    Action.NEGOTIATE: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                           "Only the parties make, answer and bid on offers, while the room is open.",
                           statuses=ROOM_OPEN_STATUSES),
    Action.REQUEST_CONCILIATION: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                                      "Either party may ask for a conciliator while they negotiate.",
                                      statuses=frozenset({CaseStatus.IN_NEGOTIATION})),
    Action.APPOINT_NEUTRAL: Rule(frozenset({Role.ADMIN}), "Only the institution appoints a neutral.",
                                 statuses=frozenset({CaseStatus.IN_NEGOTIATION})),
    Action.CAUCUS: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR, Role.NEUTRAL}),
                        "Private sessions are between the conciliator and one party, during conciliation, "
                        "once the conciliator has disclosed and accepted.",
                        statuses=frozenset({CaseStatus.IN_CONCILIATION}), case_check=_neutral_accepted),
    Action.PROPOSE_AS_NEUTRAL: Rule(frozenset({Role.NEUTRAL}),
                                    "Only the conciliator makes a proposal, once it has disclosed and "
                                    "accepted.",
                                    statuses=frozenset({CaseStatus.IN_CONCILIATION}),
                                    case_check=_neutral_accepted),
    Action.ACCEPT_CONCILIATION: Rule(frozenset({Role.NEUTRAL}),
                                     "Only the appointed conciliator discloses and accepts, during "
                                     "conciliation.",
                                     statuses=frozenset({CaseStatus.IN_CONCILIATION})),
    # The advocate may sign on the creditor's behalf (with its DSC).
    Action.SIGN_SETTLEMENT: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR, Role.NEUTRAL}),
                                 "Only the parties sign the settlement (the conciliator authenticates it, "
                                 "once it has disclosed and accepted).",
                                 statuses=ROOM_OPEN_STATUSES, case_check=_neutral_accepted),
    Action.VIEW_SETTLEMENT: Rule(EVERY_PARTY,
                                 "Not allowed.", statuses=ROOM_VISIBLE_STATUSES),
    Action.VIEW_PROCEEDINGS: Rule(EVERY_PARTY, "The proceedings open when the case goes to arbitration.",
                                  statuses=PROCEEDINGS_STATUSES),
    Action.CONDUCT_PROCEEDINGS: Rule(
        frozenset({Role.NEUTRAL}), "Only the arbitrator, once it has accepted and filed its disclosure, "
        "conducts the proceedings.", statuses=frozenset({CaseStatus.IN_ARBITRATION}),
        case_check=lambda u, c: tribunal_may_act(c, u)),
    Action.TAKE_PART_IN_PROCEEDINGS: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                                          "Only the parties file in the arbitration, while it runs.",
                                          statuses=frozenset({CaseStatus.IN_ARBITRATION})),
    Action.MANAGE_NEUTRAL_KEY: Rule(frozenset({Role.NEUTRAL}), "Only neutrals keep a signing key here.",
                                    needs_case=False),
    Action.VIEW_ARBITRATION_BASIS: Rule(EVERY_PARTY, "The basis of an arbitration is shown once the notice "
                                        "is served.", statuses=SERVED_STATUSES),
    Action.RECORD_ARBITRATION_BASIS: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE}),
                                          "Only the creditor or its advocate records the basis, before "
                                          "arbitration is invoked.", statuses=INVOCABLE_STATUSES),
    Action.ACCEPT_SUBMISSION_AGREEMENT: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                                             "Only the parties accept a submission agreement, before "
                                             "arbitration is invoked.", statuses=INVOCABLE_STATUSES),
    Action.REVIEW_NOTICE: Rule(frozenset({Role.ADVOCATE}),
                               "Only the advocate assigned to the case reviews its notice.",
                               case_check=lambda u, c: c.advocate_id == u.id),
    Action.EDIT_PANEL_PROFILE: Rule(frozenset({Role.NEUTRAL}), "Only neutrals keep a panel listing.",
                                    needs_case=False),
    Action.BROWSE_PANEL: Rule(frozenset({Role.ADMIN, Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                              "Not allowed.", needs_case=False),
    Action.VIEW_TRIBUNAL: Rule(EVERY_PARTY, "The tribunal is formed once the case goes to arbitration.",
                               statuses=PROCEEDINGS_STATUSES),
    Action.APPOINT_ARBITRATOR: Rule(frozenset({Role.ADMIN}),
                                    "The institution appoints an arbitrator only while the case is in "
                                    "arbitration, and only where the arbitration agreement names it or both "
                                    "parties agreed in writing that it appoints (s.11); otherwise the "
                                    "appointment is for the court under s.11(5)/(6).",
                                    statuses=frozenset({CaseStatus.IN_ARBITRATION}),
                                    case_check=lambda u, c: institution_may_appoint(c)),
    Action.CONSENT_TO_INSTITUTION: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                                        "Only a party agrees that the institution appoints, while the case "
                                        "is in arbitration.",
                                        statuses=frozenset({CaseStatus.IN_ARBITRATION})),
    Action.S11_BUNDLE: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                            "The s.11 application bundle is for the parties, while no tribunal is "
                            "constituted in the arbitration.",
                            statuses=frozenset({CaseStatus.IN_ARBITRATION})),
    Action.PROPOSE_ARBITRATOR: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                                    "Only the parties propose and agree on an arbitrator, while the case "
                                    "is in arbitration.", statuses=frozenset({CaseStatus.IN_ARBITRATION})),
    Action.ANSWER_APPOINTMENT: Rule(frozenset({Role.NEUTRAL}), "Only the neutral asked answers an "
                                    "appointment.", needs_case=False),
    Action.UPDATE_DISCLOSURE: Rule(frozenset({Role.NEUTRAL}),
                                   "Only the acting arbitrator files a disclosure.",
                                   statuses=frozenset({CaseStatus.IN_ARBITRATION, CaseStatus.AWARDED}),
                                   case_check=lambda u, c: tribunal_may_act(c, u)),
    Action.CHALLENGE_ARBITRATOR: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                                      "Only a party challenges the arbitrator, while the case is in "
                                      "arbitration.", statuses=frozenset({CaseStatus.IN_ARBITRATION})),
    Action.DECIDE_CHALLENGE: Rule(frozenset({Role.NEUTRAL}),
                                  "Only the acting arbitrator decides a challenge.",
                                  statuses=frozenset({CaseStatus.IN_ARBITRATION}),
                                  case_check=lambda u, c: tribunal_may_act(c, u)),
    Action.VIEW_AWARD: Rule(EVERY_PARTY, "The award is made in the arbitration.", statuses=AWARD_STATUSES),
    # s.30: a settlement signed during the arbitration leaves the case SETTLED; its arbitrator records it.
    Action.DRAFT_AWARD: Rule(frozenset({Role.NEUTRAL}), "Only the acting arbitrator makes the award.",
                             statuses=frozenset({CaseStatus.IN_ARBITRATION, CaseStatus.SETTLED}),
                             case_check=lambda u, c: tribunal_may_act(c, u) or may_record_settlement(c, u)),
    Action.RECORD_AWARD_CHALLENGE: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.ADMIN}),
                                        "Only the claimant's side or the institution records a s.34 "
                                        "challenge, once the award is made.",
                                        statuses=frozenset({CaseStatus.AWARDED})),
    Action.CLOSE_ON_AWARD: Rule(frozenset({Role.CREDITOR, Role.ADMIN}),
                                "Only the claimant or the institution closes an awarded case.",
                                statuses=frozenset({CaseStatus.AWARDED, CaseStatus.PAID})),
}


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
                    and case.status != CaseStatus.DRAFT)
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
    rule = RULES[Action(action)]
    if case is None and rule.needs_case:
        raise TypeError(f"policy: {action} is decided on a case; none was given")
    if case is not None and not can_view_case(user, case):
        raise Denied(404, "No such case.")
    if user.role not in rule.roles or (rule.user_check and not rule.user_check(user)):
        raise Denied(403, rule.message)
    if case is not None and case.status not in rule.statuses:
        raise Denied(403, rule.message)
    if case is not None and rule.case_check and not rule.case_check(user, case):
        raise Denied(403, rule.message)


def _require_transition(user: User, action: str, case: Case | None) -> None:
    if case is None:
        raise TypeError(f"policy: transition {action} is decided on a case; none was given")
    if not can_view_case(user, case):
        raise Denied(404, "No such case.")
    if action not in ACTIONS:
        raise Denied(404, f"There is no case action called “{action}”.")
    t = transition_for(action)
    if user.role not in t.roles:
        raise Denied(403, not_permitted_message(user.role, t))
