"""policy.require, action by action: who may, in which case statuses; strangers get 404, wrong roles
403, the signed-out 401; a case action without a case is a programming error."""
import pytest
from flask_login import AnonymousUserMixin

import portal.models  # noqa: F401  (every package registers its actions when it is imported)
from portal.accounts.policy import RULES, Action, Denied, can, require
from portal.accounts.roles import Role
from portal.cases.states import TRANSITIONS, CaseStatus
from tests.accounts.parties import CREDITORS, RIGHT_PARTIES, STRANGERS, Parties
from tests.factories import CreditorFactory

S = CaseStatus
# (action, case status or None for "no case", the right parties allowed). Every other right party
# gets 403, except where the case is hidden from it (404: a debtor never sees drafts).
EXPECTED = [
    (Action.VIEW_CASE, S.FILED, set(RIGHT_PARTIES)),
    (Action.VIEW_CASE, None, set(RIGHT_PARTIES)),
    (Action.VIEW_AUDIT, S.FILED, CREDITORS | {"advocate", "neutral", "admin"}),
    (Action.EDIT_CASE, S.DRAFT, CREDITORS),
    (Action.EDIT_CASE, S.NOTICE_DRAFTING, CREDITORS),
    (Action.EDIT_CASE, S.NOTICE_IN_REVIEW, set()),
    (Action.RECORD_CASE_EVENT, S.FILED, CREDITORS),
    (Action.RECORD_CASE_EVENT, S.AWARDED, CREDITORS),
    (Action.RECORD_CASE_EVENT, S.CLOSED, set()),
    (Action.RECORD_CASE_EVENT, S.WITHDRAWN, set()),
    (Action.JUSTIFY_TIME_BAR, S.FILED, CREDITORS | {"advocate"}),
    (Action.JUSTIFY_TIME_BAR, S.NOTICE_SIGNED, set()),
    (Action.CREATE_CASE, None, CREDITORS),
    (Action.ASSIGN_ADVOCATE, S.DRAFT, CREDITORS),
    (Action.ASSIGN_ADVOCATE, S.NOTICE_SIGNED, CREDITORS),
    (Action.ASSIGN_ADVOCATE, S.NOTICE_IN_REVIEW, set()),
    (Action.ASSIGN_ADVOCATE, S.WITHDRAWN, set()),
    (Action.ASSIGN_ADVOCATES, None, CREDITORS),
    (Action.DECLINE_CASE, S.FILED, {"advocate"}),
    (Action.DECLINE_CASE, S.IN_ARBITRATION, {"advocate"}),
    (Action.DECLINE_CASE, S.NOTICE_IN_REVIEW, set()),
    (Action.DECLINE_CASE, S.CLOSED, set()),
    (Action.MANAGE_ORG, None, {"creditor_admin"}),
    (Action.ADMIN_PLATFORM, None, {"admin"}),
    (Action.DRAFT_NOTICE, S.FILED, CREDITORS),
    (Action.DRAFT_NOTICE, S.NOTICE_DRAFTING, CREDITORS),
    (Action.REVIEW_NOTICE, S.NOTICE_IN_REVIEW, {"advocate"}),
    (Action.VIEW_NOTICE_DRAFT, S.NOTICE_IN_REVIEW, CREDITORS | {"advocate", "admin"}),
    (Action.VIEW_EVIDENCE, S.FILED, CREDITORS | {"advocate", "neutral", "admin"}),
    (Action.VIEW_EVIDENCE, S.NOTICE_SERVED, set(RIGHT_PARTIES)),
    (Action.UPLOAD_EVIDENCE, S.FILED, CREDITORS | {"advocate"}),
    (Action.UPLOAD_EVIDENCE, S.CLOSED, set()),
    (Action.WITHDRAW_EVIDENCE, S.FILED, CREDITORS),
    (Action.WITHDRAW_EVIDENCE, S.WITHDRAWN, set()),
    (Action.VIEW_ARBITRATION_BASIS, S.IN_NEGOTIATION, set(RIGHT_PARTIES)),
    (Action.VIEW_ARBITRATION_BASIS, S.FILED, set()),
    (Action.RECORD_ARBITRATION_BASIS, S.IN_NEGOTIATION, CREDITORS | {"advocate"}),
    (Action.RECORD_ARBITRATION_BASIS, S.IN_ARBITRATION, set()),
    (Action.ACCEPT_SUBMISSION_AGREEMENT, S.DEFAULTED, CREDITORS | {"advocate", "debtor"}),
    (Action.ACCEPT_SUBMISSION_AGREEMENT, S.AWARDED, set()),
    (Action.EXPORT_BUNDLE, S.IN_ARBITRATION, CREDITORS | {"advocate", "admin"}),
    (Action.SERVE_NOTICE, S.NOTICE_SIGNED, CREDITORS),
    (Action.SERVE_NOTICE, S.IN_NEGOTIATION, CREDITORS),
    (Action.SERVE_NOTICE, S.NOTICE_IN_REVIEW, set()),
    (Action.SERVE_NOTICE, S.CLOSED, set()),
    (Action.VIEW_DELIVERY, S.NOTICE_SERVED, CREDITORS | {"advocate", "admin"}),
    (Action.REVOKE_DEBTOR_LINK, S.NOTICE_SERVED, CREDITORS | {"advocate"}),
    (Action.REVOKE_DEBTOR_LINK, S.WITHDRAWN, CREDITORS | {"advocate"}),
    (Action.RECORD_POSTAL_SERVICE, S.SETTLED, CREDITORS),
    (Action.RECORD_POSTAL_SERVICE, S.CLOSED, set()),
    (Action.REQUEST_EXPERT_CERTIFICATE, S.NOTICE_SERVED, CREDITORS | {"advocate"}),
    (Action.REQUEST_BULK_NOTICES, None, CREDITORS),
    (Action.REVIEW_NOTICE_BATCH, None, {"advocate", "unengaged_advocate", "unassigned_advocate"}),
    (Action.SIGN_MANDATE, None, {"advocate", "unengaged_advocate", "unassigned_advocate"}),
    (Action.DEBTOR_VIEW, S.NOTICE_SERVED, {"debtor"}),
    (Action.DEBTOR_VIEW, S.NOTICE_SIGNED, set()),
    (Action.DEBTOR_CASES, None, {"debtor"}),
    (Action.RESPOND_TO_NOTICE, S.NOTICE_SERVED, {"debtor"}),
    (Action.RESPOND_TO_NOTICE, S.SETTLED, set()),
    (Action.REPORT_PAYMENT, S.DEFAULTED, {"debtor"}),
    (Action.REPORT_PAYMENT, S.PAID, set()),
    (Action.CONFIRM_PAYMENT, S.SETTLED, CREDITORS),
    (Action.CONFIRM_PAYMENT, S.CLOSED, set()),
    (Action.VIEW_PAYMENTS, S.RESPONDED, CREDITORS | {"advocate", "debtor", "neutral", "admin"}),
    (Action.VIEW_ODR_ROOM, S.IN_NEGOTIATION, CREDITORS | {"advocate", "debtor", "neutral", "admin"}),
    (Action.VIEW_ODR_ROOM, S.NOTICE_SERVED, set()),
    (Action.TAKE_PART_IN_ROOM, S.IN_CONCILIATION, CREDITORS | {"advocate", "debtor", "neutral"}),
    (Action.TAKE_PART_IN_ROOM, S.SETTLED, set()),
    (Action.NEGOTIATE, S.IN_ARBITRATION, CREDITORS | {"advocate", "debtor"}),
    (Action.REQUEST_CONCILIATION, S.IN_NEGOTIATION, CREDITORS | {"advocate", "debtor"}),
    (Action.APPOINT_NEUTRAL, S.IN_NEGOTIATION, {"admin"}),
    (Action.CAUCUS, S.IN_CONCILIATION, CREDITORS | {"advocate", "debtor", "neutral"}),
    (Action.CAUCUS, S.IN_NEGOTIATION, set()),
    (Action.PROPOSE_AS_NEUTRAL, S.IN_CONCILIATION, {"neutral"}),
    (Action.ACCEPT_CONCILIATION, S.IN_CONCILIATION, {"neutral"}),
    (Action.ACCEPT_CONCILIATION, S.IN_NEGOTIATION, set()),
    (Action.SIGN_SETTLEMENT, S.IN_NEGOTIATION, CREDITORS | {"advocate", "debtor", "neutral"}),
    (Action.VIEW_SETTLEMENT, S.DEFAULTED, CREDITORS | {"advocate", "debtor", "neutral", "admin"}),
    (Action.VIEW_PROCEEDINGS, S.IN_ARBITRATION, CREDITORS | {"advocate", "debtor", "neutral", "admin"}),
    (Action.VIEW_PROCEEDINGS, S.IN_NEGOTIATION, set()),
    # Who acts as arbitrator is the tribunal's (tests/proceedings cover an accepted and a pending one).
    (Action.CONDUCT_PROCEEDINGS, S.IN_NEGOTIATION, set()),
    (Action.TAKE_PART_IN_PROCEEDINGS, S.IN_ARBITRATION, CREDITORS | {"advocate", "debtor"}),
    (Action.TAKE_PART_IN_PROCEEDINGS, S.AWARDED, set()),
    (Action.MANAGE_NEUTRAL_KEY, None, {"neutral"}),
    (Action.EDIT_PANEL_PROFILE, None, {"neutral"}),
    (Action.BROWSE_PANEL, None, CREDITORS | {"advocate", "debtor", "admin"}),
    (Action.VIEW_TRIBUNAL, S.IN_ARBITRATION, CREDITORS | {"advocate", "debtor", "neutral", "admin"}),
    (Action.VIEW_TRIBUNAL, S.IN_NEGOTIATION, set()),
    # The world's case has no agreement naming the institution and no consent: the court appoints (s.11).
    (Action.APPOINT_ARBITRATOR, S.IN_ARBITRATION, set()),
    (Action.CONSENT_TO_INSTITUTION, S.IN_ARBITRATION, CREDITORS | {"advocate", "debtor"}),
    (Action.CONSENT_TO_INSTITUTION, S.AWARDED, set()),
    (Action.S11_BUNDLE, S.IN_ARBITRATION, CREDITORS | {"advocate", "debtor"}),
    (Action.S11_BUNDLE, S.IN_NEGOTIATION, set()),
    (Action.APPOINT_ARBITRATOR, S.IN_CONCILIATION, set()),
    (Action.PROPOSE_ARBITRATOR, S.IN_ARBITRATION, CREDITORS | {"advocate", "debtor"}),
    (Action.PROPOSE_ARBITRATOR, S.AWARDED, set()),
    (Action.ANSWER_APPOINTMENT, None, {"neutral"}),
    # Only the accepted, disclosed arbitrator (tests/tribunal); the world's neutral has not accepted.
    (Action.UPDATE_DISCLOSURE, S.IN_ARBITRATION, set()),
    (Action.CHALLENGE_ARBITRATOR, S.IN_ARBITRATION, CREDITORS | {"advocate", "debtor"}),
    (Action.CHALLENGE_ARBITRATOR, S.AWARDED, set()),
    (Action.DECIDE_CHALLENGE, S.IN_ARBITRATION, set()),
    (Action.VIEW_AWARD, S.AWARDED, CREDITORS | {"advocate", "debtor", "neutral", "admin"}),
    (Action.VIEW_AWARD, S.IN_NEGOTIATION, set()),
    # Only the accepted, disclosed arbitrator (tests/awards); the world's neutral has not accepted.
    (Action.DRAFT_AWARD, S.IN_ARBITRATION, set()),
    (Action.DRAFT_AWARD, S.SETTLED, set()),
    (Action.RECORD_AWARD_CHALLENGE, S.AWARDED, CREDITORS | {"advocate", "admin"}),
    (Action.RECORD_AWARD_CHALLENGE, S.IN_ARBITRATION, set()),
    (Action.CLOSE_ON_AWARD, S.AWARDED, CREDITORS | {"admin"}),
    (Action.CLOSE_ON_AWARD, S.PAID, CREDITORS | {"admin"}),
    (Action.CLOSE_ON_AWARD, S.SETTLED, set()),
]


def outcome(user, action, case) -> int:
    try:
        require(user, action, case)
    except Denied as refused:
        assert refused.message
        return refused.status
    return 200


def test_every_action_has_a_rule_and_an_expectation():
    assert set(RULES) == set(Action)
    assert {a for a, _, _ in EXPECTED} == set(Action)


@pytest.mark.parametrize("action,status,allowed", EXPECTED,
                         ids=[f"{a.value}-{s.value if s else 'no-case'}" for a, s, _ in EXPECTED])
def test_require_for_each_action(db_session, action, status, allowed):
    parties = Parties()
    case = parties.case(status) if status else None
    for actor in RIGHT_PARTIES:
        user = parties.user(actor)
        hidden = actor == "debtor" and status == S.DRAFT
        expected = 200 if actor in allowed else (404 if hidden else 403)
        assert outcome(user, action, case) == expected, actor
        assert can(user, action, case) is (expected == 200)


@pytest.mark.parametrize("action", [a for a in Action if RULES[a].needs_case])
def test_strangers_get_404_for_every_case_action(db_session, action):
    parties = Parties()
    case = parties.case(S.FILED)
    for actor in STRANGERS:
        assert outcome(parties.user(actor), action, case) == 404, actor


def test_no_case_actions_ignore_the_strangers_relationship(db_session):
    parties = Parties()
    assert outcome(parties.other_creditor, Action.CREATE_CASE, None) == 200
    assert outcome(parties.other_creditor, Action.MANAGE_ORG, None) == 200  # its own organisation
    assert outcome(parties.unengaged_advocate, Action.VIEW_CASE, None) == 200  # an empty list


@pytest.mark.parametrize("action", list(Action))
def test_signed_out_is_401(db_session, action):
    case = Parties().case(S.FILED)
    assert outcome(AnonymousUserMixin(), action, case) == 401


@pytest.mark.parametrize("action", [a for a in Action if RULES[a].needs_case])
def test_a_case_action_without_a_case_is_a_programming_error(db_session, action):
    with pytest.raises(TypeError, match="decided on a case"):
        require(Parties().creditor_admin, action, None)
    with pytest.raises(TypeError):
        require(Parties().creditor_admin, "transition:file", None)


def test_a_creditor_without_an_organisation_cannot_file_or_manage(db_session):
    loose = CreditorFactory(organization=None, is_org_admin=True)
    assert outcome(loose, Action.CREATE_CASE, None) == 403
    assert outcome(loose, Action.MANAGE_ORG, None) == 403


def test_an_advocate_sees_unassigned_cases_of_the_organisations_that_engaged_them(db_session):
    parties = Parties()
    case = parties.case(S.FILED)
    case.advocate_id = None
    assert outcome(parties.unassigned_advocate, Action.VIEW_CASE, case) == 200
    assert outcome(parties.unengaged_advocate, Action.VIEW_CASE, case) == 404


def test_only_the_assigned_advocate_reviews_the_notice(db_session):
    parties = Parties()
    case = parties.case(S.NOTICE_IN_REVIEW)
    case.advocate_id = None  # the engaged advocates see it, but none of them is its reviewer
    assert outcome(parties.advocate, Action.VIEW_CASE, case) == 200
    assert outcome(parties.advocate, Action.REVIEW_NOTICE, case) == 403


def test_a_debtor_sees_the_case_only_once_filed(db_session):
    parties = Parties()
    assert outcome(parties.debtor, Action.VIEW_CASE, parties.case(S.DRAFT)) == 404
    assert outcome(parties.debtor, Action.VIEW_CASE, parties.case(S.NOTICE_SERVED)) == 200


ROLE_OF = {"creditor_admin": Role.CREDITOR, "creditor_staff": Role.CREDITOR, "advocate": Role.ADVOCATE,
           "debtor": Role.DEBTOR, "neutral": Role.NEUTRAL, "admin": Role.ADMIN}


@pytest.mark.parametrize("transition", TRANSITIONS, ids=[t.action for t in TRANSITIONS])
def test_transitions_follow_the_state_table_roles(db_session, transition):
    parties = Parties()
    case = parties.case(sorted(transition.sources)[0])
    action = f"transition:{transition.action}"
    for actor in RIGHT_PARTIES:
        hidden = actor == "debtor" and case.status == S.DRAFT
        expected = 404 if hidden else (200 if ROLE_OF[actor] in transition.roles else 403)
        assert outcome(parties.user(actor), action, case) == expected, actor
    for actor in STRANGERS:
        assert outcome(parties.user(actor), action, case) == 404, actor
