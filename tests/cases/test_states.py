"""The case state table on its own (no app, no database): its shape, its roles, its refusals,
and that nothing but `portal/cases/transitions.py` ever writes a case's status."""
from __future__ import annotations

from collections import deque
from pathlib import Path
from types import SimpleNamespace

import pytest

from portal.accounts.roles import Role
from portal.cases import states
from portal.cases.states import (
    TERMINAL,
    TRANSITIONS,
    CaseStatus,
    IllegalTransition,
    TransitionNotPermitted,
    UnknownAction,
    available,
    check,
    transition_for,
)

S = CaseStatus
C, A, D, N, ADM, SYS = Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR, Role.NEUTRAL, Role.ADMIN, Role.SYSTEM
ROOT = Path(__file__).resolve().parents[2]

# Who may fire what: written out again here so that changing a role in the table is a deliberate
# act that also changes this test.
EXPECTED_ROLES = {
    "file": {C},
    "start_notice": {C, A, SYS},
    "submit_notice": {C},
    "return_notice": {A},
    "sign_notice": {A, SYS},
    "serve_notice": {SYS, C},
    "service_failed": {SYS},
    "record_response": {D, SYS},
    "open_negotiation": {C, A, D, SYS},
    "start_conciliation": {ADM, SYS},
    "settle": {SYS, N},
    "mark_default": {SYS},
    "cure_default": {SYS},
    "invoke_arbitration": {C, A},
    "make_award": {N},
    "mark_paid": {C, SYS},
    "close": {C, ADM, SYS},
    "withdraw": {C},
}


def fake_case(status: CaseStatus = S.DRAFT, *, invoices=("INV-1",), contacts=("a@b.in",),
              advocate_id=7, neutral_id=9):
    """A stand-in with just what the guards read: the table is pure and needs nothing more."""
    return SimpleNamespace(status=status, invoices=list(invoices), advocate_id=advocate_id,
                           neutral_id=neutral_id, debtor=SimpleNamespace(contacts=list(contacts)))


def edges() -> dict[CaseStatus, set[CaseStatus]]:
    out: dict[CaseStatus, set[CaseStatus]] = {s: set() for s in S}
    for t in TRANSITIONS:
        for source in t.sources:
            out[source].add(t.target)
    return out


def test_every_status_is_reachable_from_draft():
    graph, seen, todo = edges(), {S.DRAFT}, deque([S.DRAFT])
    while todo:
        for nxt in graph[todo.popleft()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    assert seen == set(S)


def test_terminal_states_have_no_exits_and_every_other_state_has_one():
    graph = edges()
    assert {S.CLOSED, S.WITHDRAWN} == TERMINAL
    for status in S:
        assert bool(graph[status]) != (status in TERMINAL), status


def test_every_live_case_can_end():
    """From any non-terminal status some path leads to closed or withdrawn: no case is stuck."""
    graph = edges()
    for start in set(S) - TERMINAL:
        seen, todo = {start}, deque([start])
        while todo:
            for nxt in graph[todo.popleft()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        assert seen & TERMINAL, start


def test_the_table_has_no_duplicates_or_self_loops():
    actions = [t.action for t in TRANSITIONS]
    assert len(actions) == len(set(actions))
    assert set(actions) == states.ACTIONS
    for t in TRANSITIONS:
        assert t.target not in t.sources, t.action
        assert t.sources and t.roles and t.label, t.action
        assert not (t.sources & TERMINAL), f"{t.action} leaves a terminal state"


def test_each_transition_has_exactly_the_expected_roles():
    assert {t.action: set(t.roles) for t in TRANSITIONS} == EXPECTED_ROLES


def test_the_creditor_never_signs_or_awards_and_the_debtor_never_files():
    for action in ("sign_notice", "make_award", "return_notice", "start_conciliation", "settle"):
        assert C not in transition_for(action).roles, action
    for action in ("file", "submit_notice", "withdraw", "mark_paid", "close"):
        assert D not in transition_for(action).roles, action
    # Whatever the state, check() refuses them.
    for action, role in (("sign_notice", C), ("make_award", C), ("file", D)):
        for status in transition_for(action).sources:
            with pytest.raises(TransitionNotPermitted):
                check(fake_case(status), action, role)


def test_manual_transitions_are_the_case_page_buttons():
    assert {t.action for t in TRANSITIONS if t.manual} == {"file", "mark_paid", "close", "withdraw"}


def test_check_returns_the_transition_when_allowed():
    t = check(fake_case(S.DRAFT), "file", C)
    assert (t.action, t.target) == ("file", S.FILED)
    assert check(fake_case(S.IN_ARBITRATION), "make_award", N).target == S.AWARDED


def test_check_refuses_a_wrong_source_with_a_readable_message():
    with pytest.raises(IllegalTransition) as refused:
        check(fake_case(S.CLOSED), "withdraw", C)
    assert str(refused.value) == "“Withdraw the claim” is not possible while the case is closed."
    assert (refused.value.action, refused.value.status) == ("withdraw", S.CLOSED)
    with pytest.raises(IllegalTransition, match="while the case is notice in review"):
        check(fake_case(S.NOTICE_IN_REVIEW), "file", C)


@pytest.mark.parametrize("role,message", [
    (A, "An advocate may not “file the claim”."),
    (D, "A debtor may not “file the claim”."),
    (ADM, "An admin may not “file the claim”."),
    (SYS, "The system may not “file the claim”."),
])
def test_check_refuses_a_wrong_role_with_a_readable_message(role, message):
    with pytest.raises(TransitionNotPermitted) as refused:
        check(fake_case(S.DRAFT), "file", role)
    assert str(refused.value) == message


@pytest.mark.parametrize("case,action,role,reason", [
    (fake_case(invoices=()), "file", C, "Add at least one invoice before filing the case."),
    (fake_case(contacts=()), "file", C, "Add an e-mail or mobile number for the debtor."),
    (fake_case(S.NOTICE_DRAFTING, advocate_id=None), "submit_notice", C,
     "Assign an advocate to the case first."),
    (fake_case(S.IN_NEGOTIATION, neutral_id=None), "start_conciliation", ADM,
     "A neutral must be appointed first."),
    (fake_case(S.IN_ARBITRATION, neutral_id=None), "make_award", N, "A neutral must be appointed first."),
])
def test_check_refuses_a_failing_guard_with_its_reason(case, action, role, reason):
    with pytest.raises(IllegalTransition) as refused:
        check(case, action, role)
    assert str(refused.value) == reason


def test_an_unknown_action_is_its_own_error():
    with pytest.raises(UnknownAction, match="no case action called “explode”"):
        check(fake_case(), "explode", C)
    assert issubclass(UnknownAction, IllegalTransition)  # callers catching the broad error still do


def test_available_lists_only_what_the_role_can_do_now():
    assert [t.action for t in available(fake_case(S.DRAFT), C)] == ["file", "withdraw"]
    assert [t.action for t in available(fake_case(S.DRAFT, invoices=()), C)] == ["withdraw"]
    assert [t.action for t in available(fake_case(S.FILED), C)] == ["mark_paid", "withdraw"]
    assert [t.action for t in available(fake_case(S.PAID), C)] == ["close"]
    assert available(fake_case(S.CLOSED), C) == []
    assert available(fake_case(S.DRAFT), D) == []
    assert [t.action for t in available(fake_case(S.NOTICE_IN_REVIEW), A, manual_only=False)] == [
        "return_notice", "sign_notice"]


def test_available_agrees_with_check_everywhere():
    for status in S:
        for role in Role:
            case = fake_case(status)
            offered = {t.action for t in available(case, role, manual_only=False)}
            allowed = set()
            for t in TRANSITIONS:
                try:
                    check(case, t.action, role)
                except (IllegalTransition, TransitionNotPermitted):
                    continue
                allowed.add(t.action)
            assert offered == allowed, (status, role)

# Nothing else writes a case's status: tests/test_lifecycles.py scans for every lifecycle.
