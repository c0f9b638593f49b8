"""Case actions over HTTP: an illegal transition is a 409 with the reason, a wrong role 403, an
unknown action 404 (HTML and JSON alike); a transition that happens shows on the case's audit page."""
from __future__ import annotations

import html

import pytest

from portal import audit
from portal.cases.states import CaseStatus
from tests.conftest import csrf_for
from tests.factories import AdvocateFactory, CaseFactory, CreditorFactory, EngagementFactory

JSON = {"Accept": "application/json"}


@pytest.fixture
def people(db_session):
    creditor = CreditorFactory()
    advocate = AdvocateFactory()
    EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
    return creditor, advocate


def act(client, case, action, headers=None):
    return client.post(f"/cases/{case.reference}/actions/{action}",
                       data={"csrf_token": csrf_for(client)}, headers=headers or {})


def message(response) -> str:
    if response.is_json:
        return response.get_json()["message"]
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("headers", [None, JSON], ids=["html", "json"])
def test_an_illegal_transition_is_409_with_the_reason(client, auth, people, headers):
    creditor, _ = people
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.CLOSED)
    auth.login_as(creditor)
    resp = act(client, case, "withdraw", headers)
    assert resp.status_code == 409
    assert "“Withdraw the claim” is not possible while the case is closed." in message(resp)
    if headers:
        assert resp.get_json() == {"error": "That cannot be done now",
                                   "message": "“Withdraw the claim” is not possible while the case is closed."}
    assert case.status == CaseStatus.CLOSED and audit.events_for_case(case.id) == []


def test_a_failing_guard_is_409_with_its_reason(client, auth, people):
    creditor, _ = people
    case = CaseFactory(creditor=creditor.organization, invoices=[])
    auth.login_as(creditor)
    resp = act(client, case, "file", JSON)
    assert resp.status_code == 409
    assert message(resp) == "Add at least one invoice before filing the case."
    assert case.status == CaseStatus.DRAFT


@pytest.mark.parametrize("headers", [None, JSON], ids=["html", "json"])
def test_a_wrong_role_is_403(client, auth, people, headers):
    creditor, advocate = people
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED)
    auth.login_as(advocate)
    resp = act(client, case, "withdraw", headers)
    assert resp.status_code == 403
    assert "An advocate may not “withdraw the claim”." in message(resp)
    assert case.status == CaseStatus.FILED


@pytest.mark.parametrize("headers", [None, JSON], ids=["html", "json"])
def test_an_unknown_action_is_404(client, auth, people, headers):
    creditor, _ = people
    case = CaseFactory(creditor=creditor.organization)
    auth.login_as(creditor)
    resp = act(client, case, "explode", headers)
    assert resp.status_code == 404
    assert "There is no case action called “explode”." in message(resp)


def test_an_unknown_action_on_someone_elses_case_reveals_nothing(client, auth, people):
    _, advocate = people
    case = CaseFactory()  # another organisation's case: the advocate is not engaged there
    auth.login_as(advocate)
    resp = act(client, case, "explode", JSON)
    assert resp.status_code == 404 and message(resp) == "No such case."


def test_a_workflow_only_action_is_409_from_the_case_page(client, auth, people):
    creditor, _ = people
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED)
    auth.login_as(creditor)
    resp = act(client, case, "start_notice", JSON)
    assert resp.status_code == 409
    assert message(resp) == "“Start drafting the notice” happens through its own workflow, not from the case page."


def test_a_transition_shows_on_the_case_audit_page(client, auth, people, db_session):
    creditor, advocate = people
    case = CaseFactory(creditor=creditor.organization)
    auth.login_as(creditor)
    resp = act(client, case, "file")
    assert resp.status_code == 302 and resp.headers["Location"] == f"/cases/{case.reference}"
    assert case.status == CaseStatus.FILED
    [event] = audit.events_for_case(case.id)
    assert (event.action, event.actor_id, event.data) == ("case.file", creditor.id, {"from": "draft", "to": "filed"})

    auth.login_as(advocate)  # the creditor's advocate reads the same trail
    page = client.get(f"/cases/{case.reference}/audit")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "case.file" in body and "creditor" in body and event.case_hash[:16] in body
    assert audit.verify().ok
