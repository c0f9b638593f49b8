"""The debtor's own account: created from the personal-link session with a proven e-mail, linked
to the debtor party; afterwards a normal login lists every served case against the business."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from notices.models import NoticeLanguage
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.audit import AuditEvent
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.onetime_codes import OneTimeCode
from tests.debtor.claims import as_guest, post_form, served_claim
from tests.debtor.guest import code_from, signed_notice_record
from tests.factories import CaseFactory, DebtorUserFactory

PASSWORD = "Kaveri-dues-2026"
S = CaseStatus


@pytest.fixture
def claim(db_session):
    return served_claim()


def account_form(**over) -> dict:
    return {"name": "Suresh Rao", "email": "debtor@example.in", "code": "", "password": PASSWORD,
            "confirm": PASSWORD, **over}


def users(email: str) -> list[User]:
    return list(db.session.scalars(select(User).where(User.email == email)))


def test_the_address_the_code_went_to_makes_an_account_at_once(client, auth, claim, outbox):
    _creditor, case = claim
    as_guest(client, case, outbox)
    assert "Create an account" in client.get(f"/d/{case.reference}").get_data(as_text=True)
    page = client.get(f"/d/{case.reference}/account")
    assert page.status_code == 200 and 'value="debtor@example.in"' in page.get_data(as_text=True)
    resp = post_form(client, f"/d/{case.reference}/account", account_form(email="Debtor@Example.in "))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/d/")
    (user,) = users("debtor@example.in")
    db.session.refresh(case.debtor)
    assert user.role == Role.DEBTOR and case.debtor.user_id == user.id and not user.needs_totp_setup
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "debtor.account_created"))
    assert event.case_id == case.id and event.actor_id is None
    # Signed in with the account now: the list shows the case, and a later served case of the same party.
    later = CaseFactory(creditor=case.creditor, debtor=case.debtor, _status=S.IN_NEGOTIATION,
                        created_by_id=case.created_by_id)
    draft = CaseFactory(creditor=case.creditor, debtor=case.debtor, _status=S.FILED,
                        created_by_id=case.created_by_id)
    listing = client.get("/d/").get_data(as_text=True)
    assert case.reference in listing and later.reference in listing and draft.reference not in listing
    assert client.get(f"/d/{later.reference}").status_code == 200
    # ... and after logging out, a normal login (no two-factor step for debtors) gets them back.
    auth.logout()
    login = auth.login("debtor@example.in", PASSWORD)
    assert login.status_code == 302 and "2fa" not in login.headers["Location"]
    assert later.reference in client.get("/d/").get_data(as_text=True)


def test_another_address_is_proven_by_a_code_first(client, claim, outbox):
    _creditor, case = claim
    as_guest(client, case, outbox)
    path = f"/d/{case.reference}/account"
    first = post_form(client, path, account_form(email="accounts@debtor.example"))
    assert first.status_code == 200 and "a•••@debtor.example" in first.get_data(as_text=True)
    assert users("accounts@debtor.example") == []
    code = code_from(outbox(), "accounts@debtor.example")
    wrong = "000000" if code != "000000" else "111111"
    bad = post_form(client, path, account_form(email="accounts@debtor.example", code=wrong))
    assert bad.status_code == 422 and users("accounts@debtor.example") == []
    # The wrong try is counted although the answer is a 4xx (the request boundary keeps it).
    pending = db.session.scalar(select(OneTimeCode).where(OneTimeCode.purpose == "debtor_account"))
    assert pending.attempts == 1 and "4 tries left" in bad.get_data(as_text=True)
    done = post_form(client, path, account_form(email="accounts@debtor.example", code=code))
    assert done.status_code == 302
    (user,) = users("accounts@debtor.example")
    db.session.refresh(case.debtor)
    assert case.debtor.user_id == user.id


@pytest.mark.parametrize(("lang", "words"), [
    ("hi", "अपने सुलह खाते ({name}) के लिए इस ई-मेल की पुष्टि करने के लिए आपका सुलह कोड"),
    ("en", "Your Sulah code to confirm this e-mail for your Sulah account ({name}) is"),
])
def test_the_code_proving_an_address_goes_in_the_debtor_s_language(client, claim, outbox, lang, words):
    _creditor, case = claim
    signed_notice_record(case).language = NoticeLanguage(lang)  # the debtor's language: its notice's
    as_guest(client, case, outbox)
    post_form(client, f"/d/{case.reference}/account", account_form(email="accounts@debtor.example"))
    [mail] = [m for m in outbox() if "accounts@debtor.example" in m["To"]]
    assert words.format(name=case.debtor.legal_name) in mail.get_body(("plain",)).get_content()


def test_a_code_for_one_address_does_not_prove_another(client, claim, outbox):
    _creditor, case = claim
    as_guest(client, case, outbox)
    path = f"/d/{case.reference}/account"
    post_form(client, path, account_form(email="accounts@debtor.example"))
    code = code_from(outbox(), "accounts@debtor.example")
    resp = post_form(client, path, account_form(email="owner@debtor.example", code=code))
    assert resp.status_code == 422 and users("owner@debtor.example") == []


def test_a_party_with_an_account_is_told_to_log_in(client, claim, outbox):
    _creditor, case = claim
    case.debtor.user_id = DebtorUserFactory().id
    db.session.flush()
    as_guest(client, case, outbox)
    page = client.get(f"/d/{case.reference}/account").get_data(as_text=True)
    assert "already has a Sulah account" in page and "/login" in page
    resp = post_form(client, f"/d/{case.reference}/account", account_form())
    assert resp.status_code == 409 and users("debtor@example.in") == []


def test_an_address_with_an_account_is_refused(client, claim, outbox):
    _creditor, case = claim
    DebtorUserFactory(email="debtor@example.in")
    as_guest(client, case, outbox)
    resp = post_form(client, f"/d/{case.reference}/account", account_form())
    assert resp.status_code == 409 and "already exists" in resp.get_data(as_text=True)
    db.session.refresh(case.debtor)
    assert case.debtor.user_id is None


@pytest.mark.parametrize("change,message", [
    ({"password": "short", "confirm": "short"}, "at least 10 characters"),
    ({"password": "alllowercase123", "confirm": "alllowercase123"}, "Mix upper and lower case"),
    ({"confirm": "Something-else-1"}, "The passwords differ"),
    ({"email": "not-an-address"}, "valid e-mail"),
    ({"name": ""}, "Give your name"),
])
def test_bad_account_details_are_refused(client, claim, outbox, change, message):
    _creditor, case = claim
    as_guest(client, case, outbox)
    resp = post_form(client, f"/d/{case.reference}/account", account_form(**change))
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.role == Role.DEBTOR)) is None


def test_a_signed_in_debtor_has_nothing_to_create_and_others_have_no_list(client, auth, claim):
    creditor, case = claim
    user = DebtorUserFactory()
    case.debtor.user_id = user.id
    db.session.flush()
    auth.login_as(user)
    assert client.get(f"/d/{case.reference}/account").headers["Location"].endswith("/d/")
    auth.login_as(creditor)
    assert client.get("/d/").status_code == 403
    assert client.get(f"/d/{case.reference}/account").status_code == 403
