"""Invitations: the org admin invites colleagues and advocates by e-mail; links are single-use and
expire; only the admin may invite; existing advocates are engaged, other accounts refused."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import AdvocateProfile, Engagement, Invitation, User
from portal.accounts.roles import Role
from portal.audit import AuditEvent
from portal.types import utcnow
from tests.accounts.conftest import link_in, mail_text, page_text
from tests.conftest import csrf_from
from tests.factories import AdvocateFactory, CreditorFactory, DebtorUserFactory, NeutralFactory, UserFactory

NEW_PASSWORD = "Godavari-Mills-7"
GONE = "This invitation has expired or was already used. Ask for a new one."


@pytest.fixture
def admin(db_session):
    return CreditorFactory(name="Meera Kulkarni", email="meera@kaveri.example",
                           organization__legal_name="Kaveri Looms Pvt Ltd")


def invite(client, email, role="creditor"):
    page = client.get("/team")
    assert page.status_code == 200
    return client.post("/team", data={"csrf_token": csrf_from(page), "email": email, "role": role})


def accept(client, path, **fields):
    page = client.get(path)
    assert page.status_code == 200
    data = {"csrf_token": csrf_from(page), "name": "Arjun Rao", "phone": "",
            "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, **fields}
    return client.post(path, data=data)


def test_admin_invites_a_colleague_who_joins_through_the_emailed_link(client, auth, admin, outbox,
                                                                      db_session):
    auth.login_as(admin)
    resp = invite(client, " Arjun@Kaveri.example ")
    assert resp.status_code == 302
    assert "Invitation sent to arjun@kaveri.example." in page_text(client.get("/team"))

    [mail] = outbox()
    assert mail["To"] == "arjun@kaveri.example"
    assert mail["Subject"] == "Kaveri Looms Pvt Ltd invites you to Sulah"
    assert "Meera Kulkarni of Kaveri Looms Pvt Ltd invites you to join Sulah as a colleague." \
        in mail_text(mail)
    assert "valid for 7 days, usable once" in mail_text(mail)
    path = link_in(mail, "/invitations/")
    assert mail_text(mail).count("http://127.0.0.1:5000/invitations/") == 1

    auth.logout()
    joined = accept(client, path)
    assert joined.status_code == 302 and joined.headers["Location"] == "/dashboard"
    user = db_session.scalar(select(User).where(User.email == "arjun@kaveri.example"))
    assert (user.role, user.org_id, user.is_org_admin, user.name) == (
        Role.CREDITOR, admin.org_id, False, "Arjun Rao")
    inv = db_session.scalar(select(Invitation).where(Invitation.email == "arjun@kaveri.example"))
    assert inv.accepted_at is not None and inv.invited_by_id == admin.id
    assert len(inv.token_hash) == 64 and inv.token_hash not in path  # only its hash is stored
    actions = db_session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions[-3:] == ["org.invited", "org.invitation_accepted", "user.logged_in"]
    assert client.get("/dashboard", follow_redirects=True).status_code == 200

    # Single use: the same link now refuses, clearly.
    again = client.get(path)
    assert again.status_code == 404 and GONE in page_text(again)


def test_advocate_invitation_creates_profile_and_engagement(client, auth, admin, outbox, db_session,
                                                            count_rows):
    auth.login_as(admin)
    assert invite(client, "rohan@law.example", "advocate").status_code == 302
    [mail] = outbox()
    assert "invites you to join Sulah as an advocate (independent counsel)" in mail_text(mail)
    path = link_in(mail, "/invitations/")
    auth.logout()

    before = count_rows(User, AdvocateProfile, Engagement)
    missing = accept(client, path, enrolment_number=" ", bar_council_state="")
    assert missing.status_code == 422
    text = page_text(missing)
    assert "Give your enrolment number as on your Bar Council certificate." in text
    assert "Give the State Bar Council you are enrolled with." in text
    assert count_rows(User, AdvocateProfile, Engagement) == before

    joined = accept(client, path, enrolment_number="MAH/1234/2015", bar_council_state="Maharashtra")
    assert joined.status_code == 302
    assert joined.headers["Location"] == "/account/2fa"  # advocates must set up TOTP first
    user = db_session.scalar(select(User).where(User.email == "rohan@law.example"))
    assert user.role == Role.ADVOCATE and user.org_id is None
    assert (user.advocate_profile.enrolment_number, user.advocate_profile.bar_council_state) == (
        "MAH/1234/2015", "Maharashtra")
    assert db_session.scalar(select(Engagement.org_id).where(Engagement.advocate_id == user.id)) \
        == admin.org_id


def test_expired_invitation_is_refused_with_a_clear_message(client, auth, admin, outbox, db_session):
    auth.login_as(admin)
    invite(client, "arjun@kaveri.example")
    path = link_in(outbox()[0], "/invitations/")
    inv = db_session.scalar(select(Invitation))
    inv.expires_at = utcnow() - timedelta(seconds=1)
    auth.logout()
    resp = client.get(path)
    assert resp.status_code == 404 and GONE in page_text(resp)
    page_post = client.post(path, data={"name": "x"})
    assert page_post.status_code in (400, 404)
    assert db_session.scalar(select(User).where(User.email == "arjun@kaveri.example")) is None


@pytest.mark.parametrize("token", ["not-a-token", "A" * 43])
def test_unknown_invitation_token_is_404(client, db_session, token):
    resp = client.get(f"/invitations/{token}")
    assert resp.status_code == 404 and GONE in page_text(resp)


def test_a_new_invitation_replaces_the_open_one(client, auth, admin, outbox):
    auth.login_as(admin)
    invite(client, "arjun@kaveri.example")
    invite(client, "arjun@kaveri.example")
    first, second = (link_in(m, "/invitations/") for m in outbox())
    assert first != second
    auth.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


@pytest.mark.parametrize("factory", [lambda org: CreditorFactory(is_org_admin=False, organization=org),
                                     lambda org: AdvocateFactory(), lambda org: NeutralFactory(),
                                     lambda org: DebtorUserFactory()],
                         ids=["creditor-staff", "advocate", "neutral", "debtor"])
def test_only_the_org_admin_can_invite(client, auth, admin, outbox, count_rows, factory):
    user = factory(admin.organization)
    auth.login_as(user)
    assert client.get("/team").status_code == 403
    before = count_rows(Invitation)
    page = client.get("/dashboard", follow_redirects=True)
    resp = client.post("/team", data={"csrf_token": csrf_from(page), "email": "x@kaveri.example",
                                      "role": "creditor"})
    assert resp.status_code == 403
    assert "Only your organisation's administrator can do that." in page_text(resp)
    assert count_rows(Invitation) == before and outbox() == []


def test_inviting_an_existing_advocate_engages_them(client, auth, admin, outbox, db_session, count_rows):
    advocate = AdvocateFactory(email="rohan@law.example")
    auth.login_as(admin)
    before = count_rows(Invitation)
    resp = invite(client, "ROHAN@law.example", "advocate")
    assert resp.status_code == 302
    assert ("rohan@law.example already has a Sulah advocate account and is now engaged by your "
            "organisation.") in page_text(client.get("/team"))
    assert db_session.scalar(select(Engagement).where(Engagement.advocate_id == advocate.id,
                                                      Engagement.org_id == admin.org_id))
    assert count_rows(Invitation) == before and outbox() == []
    assert db_session.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc())) \
        == "org.advocate_engaged"
    # Again: still one engagement, no error.
    assert invite(client, "rohan@law.example", "advocate").status_code == 302
    assert count_rows(Engagement) == (1,)


@pytest.mark.parametrize("make,role,message", [
    (lambda admin: CreditorFactory(email="taken@kaveri.example"), "creditor",
     "That address already has a Sulah account, so it cannot be invited."),
    (lambda admin: DebtorUserFactory(email="taken@kaveri.example"), "advocate",
     "That address already has a Sulah account, so it cannot be invited."),
    (lambda admin: AdvocateFactory(email="taken@kaveri.example"), "creditor",
     "That address belongs to an advocate. Invite them as an advocate."),
    (lambda admin: UserFactory(email="taken@kaveri.example", organization=admin.organization),
     "creditor", "That person is already a member of your organisation."),
])
def test_inviting_an_existing_account_is_refused_clearly(client, auth, admin, outbox, count_rows,
                                                         make, role, message):
    make(admin)
    auth.login_as(admin)
    before = count_rows(Invitation, Engagement, AuditEvent)
    resp = invite(client, "taken@kaveri.example", role)
    assert resp.status_code == 422
    assert message in page_text(resp)
    assert count_rows(Invitation, Engagement, AuditEvent) == before and outbox() == []


@pytest.mark.parametrize("data,message", [
    ({"email": "not-an-address", "role": "creditor"}, "Enter a valid e-mail address."),
    ({"email": "a@kaveri.example", "role": "admin"}, "Not a valid choice."),
    ({"email": "a@kaveri.example", "role": "neutral"}, "Not a valid choice."),
])
def test_bad_invitation_input_is_refused(client, auth, admin, outbox, count_rows, data, message):
    auth.login_as(admin)
    page = client.get("/team")
    before = count_rows(Invitation)
    resp = client.post("/team", data={"csrf_token": csrf_from(page), **data})
    assert resp.status_code == 422 and message in page_text(resp)
    assert count_rows(Invitation) == before and outbox() == []


def test_accepting_with_a_taken_address_is_refused(client, auth, admin, outbox, db_session, count_rows):
    auth.login_as(admin)
    invite(client, "arjun@kaveri.example")
    path = link_in(outbox()[0], "/invitations/")
    auth.logout()
    UserFactory(email="arjun@kaveri.example")  # someone registered the address in the meantime
    before = count_rows(User)
    resp = accept(client, path)
    assert resp.status_code == 422
    assert "An account with that e-mail address already exists. Try logging in." in page_text(resp)
    assert count_rows(User) == before


def test_weak_password_on_acceptance_is_refused(client, auth, admin, outbox, count_rows):
    auth.login_as(admin)
    invite(client, "arjun@kaveri.example")
    path = link_in(outbox()[0], "/invitations/")
    auth.logout()
    before = count_rows(User)
    resp = accept(client, path, password="password", confirm="password")
    assert resp.status_code == 422 and "Use at least 10 characters." in page_text(resp)
    assert count_rows(User) == before
    assert client.get(path).status_code == 200  # the link still works
