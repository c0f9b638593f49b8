"""The state machine applied to real cases: audit in the same transaction, refusals are clean."""
import pytest

from portal import audit
from portal.accounts.roles import Role
from portal.cases.states import CaseStatus, IllegalTransition, TransitionNotPermitted
from portal.cases.transitions import fire
from tests.factories import CaseFactory, CreditorFactory


def test_fire_moves_status_and_writes_audit_event(db_session):
    creditor = CreditorFactory()
    case = CaseFactory(creditor=creditor.organization)
    fire(case, "file", creditor)
    assert case.status == CaseStatus.FILED
    events = audit.events_for_case(case.id)
    assert [e.action for e in events] == ["case.file"]
    assert events[0].data == {"from": "draft", "to": "filed"}
    assert events[0].actor_id == creditor.id


def test_rolled_back_transition_leaves_no_audit_event(db_session):
    creditor = CreditorFactory()
    case = CaseFactory(creditor=creditor.organization)
    db_session.commit()
    nested = db_session.begin_nested()
    fire(case, "file", creditor)
    nested.rollback()
    db_session.refresh(case)
    assert case.status == CaseStatus.DRAFT
    assert audit.events_for_case(case.id) == []


def test_illegal_transition_raises_and_changes_nothing(db_session):
    creditor = CreditorFactory()
    case = CaseFactory(creditor=creditor.organization)
    with pytest.raises(IllegalTransition, match="not possible while the case is draft"):
        fire(case, "sign_notice", creditor)
    assert case.status == CaseStatus.DRAFT
    assert audit.events_for_case(case.id) == []


def test_wrong_role_is_refused(db_session):
    creditor = CreditorFactory()
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.NOTICE_IN_REVIEW)
    with pytest.raises(TransitionNotPermitted):
        fire(case, "sign_notice", creditor)


def test_guard_reason_is_reported(db_session):
    creditor = CreditorFactory()
    case = CaseFactory(creditor=creditor.organization, invoices=[])
    with pytest.raises(IllegalTransition, match="at least one invoice"):
        fire(case, "file", creditor)


def test_system_actor_can_serve(db_session):
    case = CaseFactory(_status=CaseStatus.NOTICE_SIGNED)
    fire(case, "serve_notice", None)
    assert case.status == CaseStatus.NOTICE_SERVED
    assert audit.events_for_case(case.id)[0].actor_role == Role.SYSTEM.value


def test_status_has_no_setter(db_session):
    case = CaseFactory()
    with pytest.raises(AttributeError):
        case.status = CaseStatus.PAID
