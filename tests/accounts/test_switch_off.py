"""A colleague who leaves: the organisation's administrator switches off their access on the Team
page (ACCOUNT: portal.accounts.states, through lifecycle.fire with its audit event). They cannot sign
in, their open session ends on its next request, and what they followed in collections goes back to
nobody. Switched on again, they sign in as before. Refused: one's own access, and the organisation's
last administrator."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from flask_login.utils import _create_identifier
from sqlalchemy import select

from portal.accounts import services
from portal.audit import AuditEvent
from portal.errors import DomainError
from portal.receivables.models import DebtorSetting
from portal.receivables.policies import policy_for, setting_for
from tests.accounts.conftest import page_text
from tests.conftest import CommittingClient, csrf_from
from tests.factories import (
    PASSWORD,
    AdminFactory,
    AdvocateFactory,
    CreditorFactory,
    OrganizationFactory,
    PartyFactory,
)
from tests.test_lifecycles import status_writes

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def team(db_session):
    org = OrganizationFactory(legal_name="Kaveri Looms Pvt Ltd")
    admin = CreditorFactory(organization=org, is_org_admin=True, name="Meera Kulkarni")
    leaver = CreditorFactory(organization=org, email="ravi@kaveri.example", name="Ravi Shah", is_org_admin=False)
    db_session.commit()
    return admin, leaver


def _press(client, auth, admin, path: str):
    auth.login_as(admin)
    page = client.get("/dashboard")
    return client.post(path, data={"csrf_token": csrf_from(page)})


def test_a_leavers_access_ends_at_once_and_comes_back_when_switched_on(app, client, auth, team, db_session):
    admin, leaver = team
    theirs = CommittingClient(app, use_cookies=True)  # a request context of its own per request
    with app.test_request_context(environ_base=theirs.environ_base):
        ident = _create_identifier()
    with theirs.session_transaction() as sess:  # the leaver's own session, still open
        sess["_user_id"], sess["_fresh"], sess["_id"] = leaver.get_id(), True, ident
    assert theirs.get("/dashboard").status_code == 200
    auth.login_as(admin)
    page = client.get("/team")
    assert "Switch off Ravi Shah's access" in page_text(page)
    resp = client.post(f"/team/members/{leaver.id}/switch-off", data={"csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    assert "can no longer sign in" in page_text(client.get("/team"))
    db_session.expire_all()
    assert db_session.get(type(leaver), leaver.id).active is False
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "account.switched_off")).one()
    assert event.actor_id == admin.id and json.loads(event.payload)["account_id"] == leaver.id
    assert theirs.get("/dashboard").status_code == 302  # the open session has ended
    with pytest.raises(services.InactiveAccount):
        services.authenticate("ravi@kaveri.example", PASSWORD)
    # On again: signing in works as before.
    page = client.get("/team")
    assert "Access switched off" in page_text(page)
    assert client.post(f"/team/members/{leaver.id}/switch-on",
                       data={"csrf_token": csrf_from(page)}).status_code == 302
    assert services.authenticate("ravi@kaveri.example", PASSWORD).id == leaver.id
    assert theirs.get("/dashboard").status_code == 302  # the session from before stays ended


def test_what_the_leaver_followed_goes_back_to_nobody(client, auth, team, db_session):
    admin, leaver = team
    party = PartyFactory(created_by_org_id=admin.org_id)
    setting_for(admin.org_id, party.id).owner_id = leaver.id
    level = policy_for(admin.org_id).levels[-1]
    level.call_task, level.call_user_id = True, leaver.id
    db_session.commit()
    assert _press(client, auth, admin, f"/team/members/{leaver.id}/switch-off").status_code == 302
    said = page_text(client.get("/team"))
    assert "The debtor they followed in collections is now followed by nobody" in said
    assert "The reminder levels that named them for calls leave the call to each debtor's owner" in said
    db_session.expire_all()
    assert db_session.scalar(select(DebtorSetting.owner_id).where(DebtorSetting.party_id == party.id)) is None
    assert db_session.get(type(level), level.id).call_user_id is None
    assert db_session.scalar(select(AuditEvent.id).where(AuditEvent.action == "receivables.colleague_released"))


def test_the_administrator_is_told_which_api_keys_stop(client, auth, team, db_session):
    from portal.apikeys import services as keys

    admin, _leaver = team
    colleague = CreditorFactory(organization=admin.organization, is_org_admin=True, name="Asha Rao")
    _key, token = keys.create_key(colleague, "Tally connector", ["read"])
    db_session.commit()
    assert keys.authenticate(token) is not None
    assert _press(client, auth, admin, f"/team/members/{colleague.id}/switch-off").status_code == 302
    assert "The API key they created (“Tally connector”) stops working too" in page_text(client.get("/team"))
    assert keys.authenticate(token) is None


def test_ones_own_access_is_refused_with_the_reason(client, auth, team, db_session):
    admin, _leaver = team
    auth.login_as(admin)
    page = client.get("/team")
    assert f"/team/members/{admin.id}/switch-off" not in page_text(page)  # no button for oneself
    resp = client.post(f"/team/members/{admin.id}/switch-off", data={"csrf_token": csrf_from(page)})
    assert resp.status_code == 409
    assert "You cannot switch off your own access." in page_text(resp)
    db_session.expire_all()
    assert db_session.get(type(admin), admin.id).active is True


def test_the_last_administrator_stays(team, db_session):
    admin, _leaver = team
    with pytest.raises(DomainError, match="last administrator"):
        services.switch_off(AdminFactory(), admin)  # a platform administrator, for instance
    assert admin.active is True


def test_only_creditor_staff_are_switched_off_or_on_here(team, db_session):
    """The account machine's guard: an advocate (or a neutral, a debtor) is nobody's colleague here,
    whoever asks; nothing changes and nothing is audited."""
    advocate = AdvocateFactory()
    db_session.commit()
    with pytest.raises(DomainError, match="Only your own colleagues' access"):
        services.switch_off(AdminFactory(), advocate)
    assert advocate.active is True
    advocate.active = False     # as if switched off some other way: not switched on here either
    with pytest.raises(DomainError, match="Only your own colleagues' access"):
        services.switch_on(AdminFactory(), advocate)
    assert advocate.active is False
    assert db_session.scalars(select(AuditEvent).where(AuditEvent.action.like("account.%"))).all() == []


@pytest.mark.parametrize("who", ["staff", "other organisation", "unknown"])
def test_only_the_organisations_administrator_may(client, auth, team, db_session, who):
    admin, leaver = team
    actor = {"staff": lambda: CreditorFactory(organization=admin.organization, is_org_admin=False),
             "other organisation": lambda: CreditorFactory(is_org_admin=True),
             "unknown": lambda: admin}[who]()
    db_session.commit()
    target = 999_999 if who == "unknown" else leaver.id
    resp = _press(client, auth, actor, f"/team/members/{target}/switch-off")
    assert resp.status_code == {"staff": 403, "other organisation": 404, "unknown": 404}[who]
    db_session.expire_all()
    assert db_session.get(type(leaver), leaver.id).active is True


def test_only_the_account_machine_writes_the_active_flag():
    """`User.active` is the account's status: outside its property (models.py), no production code
    assigns it, so every switch off or on goes through lifecycle.fire and is audited."""
    found = []
    for package in ("portal", "notices", "arbitration", "evidence"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "portal" / "accounts" / "models.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [f"{path.relative_to(ROOT)}:{line}: {what}"
                      for line, what in status_writes(tree, {"active", "account_status"}, {"User"}, {"users"})]
    assert found == []
