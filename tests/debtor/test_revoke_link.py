"""Revoking a debtor's personal link asks first (issue 16, item 7): the case page lists the links
with a danger "Revoke…" link; a page takes the reason; its POST ends the link and any session
opened with it, and the audit event keeps the reason."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from notices.serving import dispatch as dispatching
from notices.serving.models import ChannelKind
from portal import audit
from portal.database import commit
from portal.debtor.models import DebtorLink
from portal.extensions import db
from tests.conftest import csrf_for, csrf_from
from tests.debtor.guest import login_guest
from tests.factories import CreditorFactory, DebtorUserFactory
from tests.serving.helpers import signed_notice

TOKEN = re.compile(r"/n/([A-Za-z0-9_-]{20,})")
REASON = "That e-mail address belongs to the debtor's former accountant."


@pytest.fixture
def served(db_session, outbox):
    creditor, advocate, case, notice = signed_notice()
    dispatching.serve(creditor, notice, {ChannelKind.EMAIL})
    commit()
    mail = next(m for m in outbox() if "debtor@example.in" in m["To"])
    token = TOKEN.search(mail.get_body(("plain",)).get_content()).group(1)
    link = db.session.scalars(select(DebtorLink).where(DebtorLink.case_id == case.id)).one()
    return creditor, advocate, case, link, token


def revoke_url(case, link) -> str:
    return f"/cases/{case.reference}/links/{link.id}/revoke"


def text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def test_revoking_asks_then_ends_the_link_and_its_session(client, auth, served, outbox):
    creditor, _advocate, case, link, token = served
    login_guest(client, case, outbox, token=token)           # the debtor is reading the case
    assert client.get(f"/d/{case.reference}").status_code == 200

    auth.login_as(creditor)
    page = text(client.get(f"/cases/{case.reference}"))
    assert "The debtor's personal links" in page and "debtor@example.in (e-mail)" in page
    assert f'<a class="button danger" href="{revoke_url(case, link)}">Revoke…</a>' in page
    ask = client.get(revoke_url(case, link))
    assert ask.status_code == 200 and "Revoke this personal link?" in text(ask)
    assert '<button type="submit" class="danger">Revoke the link</button>' in text(ask)
    assert link.revoked_at is None   # asking changes nothing
    done = client.post(revoke_url(case, link), data={"csrf_token": csrf_from(ask), "reason": REASON})
    assert done.status_code == 302 and done.headers["Location"] == f"/cases/{case.reference}"
    db.session.refresh(link)
    assert link.revoked_at is not None
    [event] = [e for e in audit.events_for_case(case.id) if e.action == "debtor_link.revoked"]
    assert event.actor_id == creditor.id and event.data["reason"] == REASON
    assert event.data["link_id"] == link.id
    assert "Revoked" in text(client.get(f"/cases/{case.reference}"))

    auth.logout()
    assert client.get(f"/n/{token}").status_code == 404   # the token opens nothing
    session_page = client.get(f"/d/{case.reference}")
    assert session_page.status_code == 302           # nor does a session it opened


def test_the_assigned_advocate_may_revoke_too(client, auth, served):
    _creditor, advocate, case, link, _token = served
    auth.login_as(advocate)
    resp = client.post(revoke_url(case, link), data={"csrf_token": csrf_for(client), "reason": REASON})
    assert resp.status_code == 302
    db.session.refresh(link)
    assert link.revoked_at is not None


@pytest.mark.parametrize("reason", ["", "   ", "no"])
def test_an_empty_reason_is_422_and_the_link_stays(client, auth, served, reason):
    creditor, _advocate, case, link, _token = served
    auth.login_as(creditor)
    resp = client.post(revoke_url(case, link), data={"csrf_token": csrf_for(client), "reason": reason})
    assert resp.status_code == 422 and "Give your reason" in text(resp)
    db.session.refresh(link)
    assert link.revoked_at is None
    assert not [e for e in audit.events_for_case(case.id) if e.action == "debtor_link.revoked"]


def test_the_wrong_party_is_refused(client, auth, served):
    _creditor, _advocate, case, link, _token = served
    debtor = DebtorUserFactory()
    case.debtor.user_id = debtor.id
    outsider = CreditorFactory()
    for user, expected in ((debtor, 403), (outsider, 404)):
        auth.login_as(user)
        assert client.get(revoke_url(case, link)).status_code == expected
        resp = client.post(revoke_url(case, link), data={"csrf_token": csrf_for(client), "reason": REASON})
        assert resp.status_code == expected
    db.session.refresh(link)
    assert link.revoked_at is None


def test_a_link_of_another_case_or_revoked_already(client, auth, served):
    creditor, _advocate, case, link, _token = served
    auth.login_as(creditor)
    assert client.get(f"/cases/{case.reference}/links/{link.id + 999}/revoke").status_code == 404
    assert client.post(revoke_url(case, link), data={"csrf_token": csrf_for(client),
                                                     "reason": REASON}).status_code == 302
    again = client.post(revoke_url(case, link), data={"csrf_token": csrf_for(client), "reason": REASON})
    assert again.status_code == 409 and "opens nothing already" in text(again)
    assert client.get(revoke_url(case, link)).status_code == 409
