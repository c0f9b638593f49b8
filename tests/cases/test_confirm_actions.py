"""Actions that cannot be undone ask first (issue 16, item 7): withdrawing a claim and marking it paid
go through a page with a reason field (no JavaScript needed); the reason is in the audit event; the
case page offers them as outlined danger links, never a one-click primary button."""
from __future__ import annotations

import html
import re

import pytest

from portal import audit
from portal.cases.states import CaseStatus
from tests.conftest import csrf_for, csrf_from
from tests.factories import (
    AdvocateFactory,
    CaseFactory,
    CreditorFactory,
    DebtorUserFactory,
    EngagementFactory,
)

S = CaseStatus
REASON = "Filed against the wrong company: the buyer is its sister concern."


@pytest.fixture
def people(db_session):
    creditor = CreditorFactory()
    advocate = AdvocateFactory()
    EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
    return creditor, advocate


def confirm_url(case, action: str) -> str:
    return f"/cases/{case.reference}/actions/{action}/confirm"


def text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


@pytest.mark.parametrize(("action", "status", "after", "label"), [
    ("withdraw", S.FILED, S.WITHDRAWN, "Withdraw the claim"),
    ("mark_paid", S.NOTICE_SERVED, S.PAID, "Mark paid in full"),
])
def test_the_case_page_links_to_a_page_that_asks_for_a_reason(client, auth, people, action, status, after,
                                                              label):
    creditor, _ = people
    case = CaseFactory(creditor=creditor.organization, _status=status)
    auth.login_as(creditor)
    page = text(client.get(f"/cases/{case.reference}"))
    link = re.search(rf'<a class="button danger" href="{re.escape(confirm_url(case, action))}">([^<]+)</a>', page)
    assert link and link.group(1) == f"{label}…"
    assert f'action="/cases/{case.reference}/actions/{action}"' not in page  # no one-click form

    ask = client.get(confirm_url(case, action))
    body = text(ask)
    assert ask.status_code == 200 and f"{label}: {case.reference}?" in body and "cannot be undone" in body
    assert '<button type="submit" class="danger">' in body and 'name="reason"' in body
    assert case.status == status  # asking changes nothing

    done = client.post(confirm_url(case, action), data={"csrf_token": csrf_from(ask), "reason": f"  {REASON}  "})
    assert done.status_code == 302 and done.headers["Location"] == f"/cases/{case.reference}"
    assert case.status == after
    [event] = [e for e in audit.events_for_case(case.id) if e.action == f"case.{action}"]
    assert event.actor_id == creditor.id
    assert event.data == {"from": status.value, "to": after.value, "reason": REASON}


@pytest.mark.parametrize("reason", ["", "   ", "ok", "x" * 1001])
def test_an_empty_or_unusable_reason_is_422_and_nothing_changes(client, auth, people, reason):
    creditor, _ = people
    case = CaseFactory(creditor=creditor.organization, _status=S.FILED)
    auth.login_as(creditor)
    resp = client.post(confirm_url(case, "withdraw"), data={"csrf_token": csrf_for(client), "reason": reason})
    assert resp.status_code == 422 and "Give your reason" in text(resp)
    assert case.status == S.FILED and audit.events_for_case(case.id) == []


def test_a_post_without_a_fresh_form_changes_nothing(client, auth, people):
    creditor, _ = people
    case = CaseFactory(creditor=creditor.organization, _status=S.FILED)
    auth.login_as(creditor)
    resp = client.post(confirm_url(case, "withdraw"), data={"reason": REASON})
    assert resp.status_code == 400 and case.status == S.FILED  # the CSRF check refuses it


def test_the_one_click_post_only_leads_to_the_question(client, auth, people):
    creditor, _ = people
    case = CaseFactory(creditor=creditor.organization, _status=S.FILED)
    auth.login_as(creditor)
    resp = client.post(f"/cases/{case.reference}/actions/withdraw", data={"csrf_token": csrf_for(client)})
    assert resp.status_code == 302 and resp.headers["Location"] == confirm_url(case, "withdraw")
    assert case.status == S.FILED and audit.events_for_case(case.id) == []


def test_the_wrong_role_is_403_and_a_stranger_404(client, auth, people):
    creditor, advocate = people
    case = CaseFactory(creditor=creditor.organization, _status=S.NOTICE_SERVED)
    debtor = DebtorUserFactory()
    case.debtor.user_id = debtor.id
    outsider = CreditorFactory()   # another organisation's staff
    for user, expected in ((advocate, 403), (debtor, 403), (outsider, 404)):
        auth.login_as(user)
        for action in ("withdraw", "mark_paid"):
            assert client.get(confirm_url(case, action)).status_code == expected, (user.role, action)
            posted = client.post(confirm_url(case, action), data={"csrf_token": csrf_for(client),
                                                                  "reason": REASON})
            assert posted.status_code == expected, (user.role, action)
    assert case.status == S.NOTICE_SERVED and audit.events_for_case(case.id) == []


def test_not_possible_now_is_409_before_asking(client, auth, people):
    creditor, _ = people
    case = CaseFactory(creditor=creditor.organization, _status=S.CLOSED)
    auth.login_as(creditor)
    resp = client.get(confirm_url(case, "withdraw"))
    assert resp.status_code == 409 and "is not possible while the case is closed" in text(resp)


def test_other_actions_have_no_confirmation_page(client, auth, people):
    creditor, _ = people
    case = CaseFactory(creditor=creditor.organization, _status=S.DRAFT)
    auth.login_as(creditor)
    assert client.get(confirm_url(case, "file")).status_code == 404
    assert client.get(confirm_url(case, "explode")).status_code == 404
