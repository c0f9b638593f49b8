"""TOTP: mandatory for advocates, neutrals and admins before any case; setup, second step, no replay,
recovery codes once, throttled guesses."""
import re
from datetime import UTC, datetime

import pyotp
import pytest
from sqlalchemy import select, text

from portal.accounts import twofactor
from portal.accounts.policy import Action, Denied, require
from portal.accounts.roles import Role
from portal.audit import AuditEvent
from portal.cases.states import CaseStatus
from tests.accounts.conftest import page_text
from tests.conftest import csrf_for, csrf_from
from tests.factories import (
    PASSWORD,
    AdminFactory,
    AdvocateFactory,
    CaseFactory,
    CreditorFactory,
    EngagementFactory,
    NeutralFactory,
)

BAD_CODE = "That code is not valid or was already used."
FACTORIES = {Role.ADVOCATE: AdvocateFactory, Role.NEUTRAL: NeutralFactory, Role.ADMIN: AdminFactory}


@pytest.fixture
def case(db_session):
    return CaseFactory(_status=CaseStatus.FILED)


def without_totp(role, case, **kw):
    user = FACTORIES[role](totp_enabled=False, totp_secret=None, **kw)
    if role == Role.ADVOCATE:
        EngagementFactory(org_id=case.creditor_org_id, advocate_id=user.id)
    elif role == Role.NEUTRAL:
        case.neutral_id = user.id
    return user


def case_urls(app, case):
    """Every route of the app that acts on one case, with its methods: new routes join by themselves."""
    for rule in app.url_map.iter_rules():
        if "reference" in rule.arguments:
            # Other arguments (a document id, an action) need not exist: the redirect comes first.
            values = dict.fromkeys(rule.arguments, 1)
            path = rule.build({**values, "reference": case.reference})[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, path


@pytest.mark.parametrize("role", [Role.ADVOCATE, Role.NEUTRAL, Role.ADMIN])
def test_without_totp_every_case_page_sends_to_setup(app, client, auth, case, role):
    user = without_totp(role, case)
    auth.login_as(user)
    token = csrf_for(client)
    urls = list(case_urls(app, case))
    assert len(urls) >= 6
    for method, path in urls + [("GET", "/dashboard"), ("GET", "/cases/"), ("GET", "/team")]:
        resp = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
        if path.startswith("/api/"):
            assert resp.status_code == 403, (method, path)
            assert resp.get_json()["message"] == "Set up two-factor authentication before working on cases."
        else:
            assert resp.status_code == 302, (method, path)
            assert resp.headers["Location"] == "/account/2fa", (method, path)


def test_without_totp_the_open_endpoints_answer_without_loading_the_user(client, auth, case):
    """The stylesheet, /health and the setup page itself stay reachable; the first two never read the
    account (a static file asked for with every page costs no statement), and a page still redirects."""
    from tests.conftest import StatementCount

    auth.login_as(without_totp(Role.ADVOCATE, case))
    client.get("/static/sulah.css").close()
    with StatementCount() as sql:
        css = client.get("/static/sulah.css")
        css.close()
    assert css.status_code == 200 and sql.n == 0
    assert client.get("/health").status_code == 200
    assert client.get("/account/2fa").status_code == 200
    assert client.get("/dashboard").headers["Location"] == "/account/2fa"


@pytest.mark.parametrize("role", [Role.ADVOCATE, Role.NEUTRAL, Role.ADMIN])
def test_without_totp_the_policy_refuses(case, role):
    user = without_totp(role, case)
    for action in (Action.VIEW_CASE, Action.VIEW_AUDIT):
        with pytest.raises(Denied) as refused:
            require(user, action, case)
        assert refused.value.status == 403
        assert refused.value.message == "Set up two-factor authentication before working on cases."


def test_totp_is_optional_for_creditors(client, auth, db_session):
    creditor = CreditorFactory()
    auth.login_as(creditor)
    assert client.get("/dashboard").status_code == 200


def setup_page(client):
    page = client.get("/account/2fa")
    assert page.status_code == 200
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.get_data(as_text=True)).group(1)
    return page, secret


def test_advocate_logs_in_sets_up_totp_and_sees_recovery_codes_once(client, auth, case, db_session):
    advocate = without_totp(Role.ADVOCATE, case, email="rohan@law.example")
    resp = auth.login("rohan@law.example", PASSWORD)
    assert resp.headers["Location"] == "/account/2fa"

    page, secret = setup_page(client)
    assert "<svg" in page.get_data(as_text=True)  # the QR code, inline
    assert advocate.totp_secret == secret
    stored = db_session.execute(text("SELECT totp_secret FROM users WHERE id = :id"),
                                {"id": advocate.id}).scalar()
    assert secret not in stored  # encrypted at rest

    wrong = client.post("/account/2fa", data={"csrf_token": csrf_from(page), "code": "000000"})
    assert wrong.status_code == 422
    assert "That code did not match." in page_text(wrong)
    assert not advocate.totp_enabled

    done = client.post("/account/2fa", data={"csrf_token": csrf_from(page),
                                              "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == len(set(codes)) == 10
    assert advocate.totp_enabled
    assert db_session.scalar(select(AuditEvent.action).where(
        AuditEvent.actor_id == advocate.id, AuditEvent.action == "user.totp_enabled"))

    again = client.get("/account/2fa")
    assert "Two-factor authentication is on" in page_text(again)
    assert not any(c in again.get_data(as_text=True) for c in codes)  # shown only once
    assert client.get(f"/cases/{case.reference}").status_code == 200


def test_setup_keeps_the_same_secret_until_confirmed(client, auth, case):
    auth.login_as(without_totp(Role.ADVOCATE, case))
    _, first = setup_page(client)
    _, second = setup_page(client)
    assert first == second


def test_a_wrong_first_code_keeps_the_secret_the_page_shows(client, auth, case, db_session):
    """The secret made by a POST is kept although the wrong code's answer is a 422."""
    user = without_totp(Role.ADVOCATE, case)
    auth.login_as(user)
    wrong = client.post("/account/2fa", data={"csrf_token": csrf_for(client), "code": "000000"})
    assert wrong.status_code == 422 and "That code did not match." in page_text(wrong)
    db_session.refresh(user)
    assert user.totp_secret and user.totp_secret in wrong.get_data(as_text=True)
    assert not user.totp_enabled


@pytest.fixture
def advocate(db_session, case):
    user = AdvocateFactory(email="rohan@law.example")
    EngagementFactory(org_id=case.creditor_org_id, advocate_id=user.id)
    return user


def second_step(client, code, next_query=""):
    page = client.get("/login/2fa")
    assert page.status_code == 200
    return client.post("/login/2fa" + next_query, data={"csrf_token": csrf_from(page), "code": code})


def test_login_with_totp_needs_the_second_step(client, auth, advocate):
    first = auth.login("rohan@law.example", PASSWORD)
    assert first.status_code == 302 and first.headers["Location"].startswith("/login/2fa")
    # Password alone is not a login: the dashboard still sends to the login page.
    pending = client.get("/dashboard")
    assert pending.status_code == 302 and pending.headers["Location"].startswith("/login")

    done = second_step(client, pyotp.TOTP(advocate.totp_secret).now())
    assert done.status_code == 302 and done.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200


def test_next_survives_the_second_step(client, advocate, case):
    page = client.get("/login")
    first = client.post(f"/login?next=/cases/{case.reference}", data={
        "csrf_token": csrf_from(page), "email": "rohan@law.example", "password": PASSWORD})
    assert first.headers["Location"] == f"/login/2fa?next=/cases/{case.reference}"
    done = second_step(client, pyotp.TOTP(advocate.totp_secret).now(),
                       next_query=f"?next=/cases/{case.reference}")
    assert done.headers["Location"] == f"/cases/{case.reference}"


@pytest.fixture
def clock(monkeypatch):
    """Pin the server's TOTP clock, so a test's two uses of a code fall in the same time-step."""
    moment = datetime.now(UTC)
    monkeypatch.setattr(twofactor, "utcnow", lambda: moment)
    return moment


def test_a_code_cannot_be_replayed(client, auth, advocate, clock):
    code = pyotp.TOTP(advocate.totp_secret).at(clock)
    auth.login("rohan@law.example", PASSWORD)
    assert second_step(client, code).status_code == 302
    auth.logout()

    auth.login("rohan@law.example", PASSWORD)
    replay = second_step(client, code)
    assert replay.status_code == 422
    assert BAD_CODE in page_text(replay)
    assert client.get("/dashboard").status_code == 302


def test_codes_of_the_used_step_or_older_are_refused(advocate, db_session, clock):
    totp = pyotp.TOTP(advocate.totp_secret)
    step = totp.timecode(clock)
    assert twofactor.check_totp(advocate, totp.generate_otp(step))
    assert advocate.totp_last_step == step
    assert not twofactor.check_totp(advocate, totp.generate_otp(step))
    assert not twofactor.check_totp(advocate, totp.generate_otp(step - 1))
    # The next step (30 s of clock drift) is still a fresh code.
    assert twofactor.check_totp(advocate, totp.generate_otp(step + 1))
    assert not twofactor.check_totp(advocate, totp.generate_otp(step + 2))  # too far ahead


def test_a_step_is_claimed_in_the_database_not_only_in_memory(advocate, db_session, clock):
    # Another request (another session object) already used this step: the row says so.
    step = pyotp.TOTP(advocate.totp_secret).timecode(clock)
    db_session.execute(text("UPDATE users SET totp_last_step = :s WHERE id = :id"),
                       {"s": step, "id": advocate.id})
    assert advocate.totp_last_step is None  # this session's copy is stale
    assert not twofactor.check_totp(advocate, pyotp.TOTP(advocate.totp_secret).at(clock))


@pytest.mark.parametrize("code,message", [
    ("000000", BAD_CODE), ("abcdef", BAD_CODE), ("1234567", BAD_CODE), ("zzzzz-zzzzz", BAD_CODE),
    ("12345", "Field must be between 6 and 20 characters long.")])
def test_wrong_code_is_refused_with_a_message(client, auth, advocate, code, message):
    auth.login("rohan@law.example", PASSWORD)
    resp = second_step(client, code)
    assert resp.status_code == 422
    assert message in page_text(resp)
    assert client.get("/dashboard").status_code == 302


def test_recovery_code_works_once(client, auth, advocate, db_session):
    codes = twofactor.new_recovery_codes(advocate)
    auth.login("rohan@law.example", PASSWORD)
    assert second_step(client, codes[0].upper()).status_code == 302
    events = db_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "user.recovery_code_used")).all()
    assert [e.data for e in events] == [{"remaining": 9}]
    auth.logout()

    auth.login("rohan@law.example", PASSWORD)
    again = second_step(client, codes[0])
    assert again.status_code == 422 and BAD_CODE in page_text(again)
    # Another code, typed without its dash, still works.
    assert second_step(client, codes[1].replace("-", "")).status_code == 302


def test_the_pending_second_step_expires(client, auth, advocate):
    auth.login("rohan@law.example", PASSWORD)
    with client.session_transaction() as sess:
        sess["pending_2fa_at"] -= 10 * 60
    resp = client.get("/login/2fa")
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"


def test_second_step_without_a_password_step_goes_to_login(client, advocate):
    resp = client.get("/login/2fa")
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"


def test_guessing_codes_is_throttled(client, auth, advocate):
    auth.login("rohan@law.example", PASSWORD)
    for _ in range(5):
        assert second_step(client, "000000").status_code == 422
    locked = second_step(client, pyotp.TOTP(advocate.totp_secret).now())
    assert locked.status_code == 429
    assert "Too many sign-in attempts." in page_text(locked)
