"""Log in and out: wrong passwords, switched-off accounts, same-site `next`, throttling and lockout."""
import pytest
from sqlalchemy import select

from portal.audit import AuditEvent
from tests.accounts.conftest import page_text
from tests.conftest import csrf_from
from tests.factories import PASSWORD, CreditorFactory

NO_MATCH = "That e-mail and password do not match an account."
LOCKOUT = "Too many sign-in attempts. For your account's safety, sign-in is paused"


@pytest.fixture
def creditor(db_session):
    return CreditorFactory(email="meera@kaveri.example")


def post_login(client, email, password, *, ip="127.0.0.1", query=""):
    page = client.get("/login" + query)
    return client.post("/login" + query, data={"email": email, "password": password,
                                               "csrf_token": csrf_from(page)},
                       environ_base={"REMOTE_ADDR": ip})


def test_login_then_logout(client, auth, creditor, db_session):
    resp = auth.login("Meera@Kaveri.example ", PASSWORD)
    assert resp.status_code == 302 and resp.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    assert creditor.last_login_at is not None
    assert db_session.scalar(select(AuditEvent.action).where(AuditEvent.actor_id == creditor.id)) \
        == "user.logged_in"

    out = auth.logout()
    assert out.status_code == 302 and out.headers["Location"] == "/login"
    assert "You are logged out." in page_text(client.get("/login"))
    after = client.get("/dashboard")
    assert after.status_code == 302 and after.headers["Location"].startswith("/login")


def test_logout_needs_post_and_a_csrf_token(client, auth, creditor):
    auth.login_as(creditor)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/dashboard").status_code == 200  # still signed in


@pytest.mark.parametrize("email,password", [("meera@kaveri.example", "Wrong-Horse-42"),
                                            ("nobody@kaveri.example", PASSWORD)])
def test_wrong_password_and_unknown_account_look_the_same(client, creditor, email, password):
    resp = post_login(client, email, password)
    assert resp.status_code == 422
    assert NO_MATCH in page_text(resp)
    assert client.get("/dashboard").status_code == 302


def test_malformed_email_is_refused(client, creditor):
    resp = post_login(client, "meera-at-kaveri", PASSWORD)
    assert resp.status_code == 422
    assert "Enter a valid e-mail address." in page_text(resp)


def test_switched_off_account_cannot_log_in(client, db_session):
    CreditorFactory(email="gone@kaveri.example", active=False)
    resp = post_login(client, "gone@kaveri.example", PASSWORD)
    assert resp.status_code == 422
    assert "This account has been switched off." in page_text(resp)
    # Without the right password it is just a wrong password: nothing is revealed.
    wrong = post_login(client, "gone@kaveri.example", "Wrong-Horse-42")
    assert NO_MATCH in page_text(wrong) and "switched off" not in page_text(wrong)


def test_a_session_of_a_switched_off_account_stops_working(client, auth, creditor, db_session):
    auth.login_as(creditor)
    assert client.get("/dashboard").status_code == 200
    creditor.active = False
    assert client.get("/dashboard").status_code == 302


def test_next_takes_the_user_back_to_the_page_they_wanted(client, creditor):
    bounced = client.get("/cases/?page=2")
    assert bounced.status_code == 302
    login_url = bounced.headers["Location"]
    assert login_url == "/login?next=/cases/?page%3D2"
    resp = post_login(client, "meera@kaveri.example", PASSWORD, query=login_url.removeprefix("/login"))
    assert resp.headers["Location"] == "/cases/?page=2"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "///evil.example", "/\\evil.example",
    "\\\\evil.example", "/\t/evil.example", "/\n/evil.example", "javascript:alert(1)",
    "http:/evil.example", "https:evil.example", " //evil.example", "evil.example",
])
def test_next_pointing_off_site_is_ignored(client, creditor, target):
    from urllib.parse import quote

    resp = post_login(client, "meera@kaveri.example", PASSWORD, query="?next=" + quote(target, safe=""))
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/dashboard"


def test_login_is_throttled_after_the_limit_with_a_clear_message(client, creditor, app):
    assert app.config["LOGIN_RATE_LIMIT"].startswith("5 per minute")
    for _ in range(5):
        assert post_login(client, "meera@kaveri.example", "Wrong-Horse-42").status_code == 422
    locked = post_login(client, "meera@kaveri.example", PASSWORD)  # even the right password
    assert locked.status_code == 429
    text = page_text(locked)
    assert LOCKOUT in text and "please wait a minute and try again" in text
    assert int(locked.headers["Retry-After"]) <= 60
    assert client.get("/dashboard").status_code == 302


def test_per_account_throttling_holds_across_ips(client, creditor, db_session):
    CreditorFactory(email="other@kaveri.example")
    for n in range(5):
        resp = post_login(client, "meera@kaveri.example", "Wrong-Horse-42", ip=f"203.0.113.{n + 1}")
        assert resp.status_code == 422
    fresh_ip = post_login(client, "MEERA@kaveri.example", PASSWORD, ip="198.51.100.7")
    assert fresh_ip.status_code == 429
    assert LOCKOUT in page_text(fresh_ip)
    # Another account from yet another address is not affected.
    assert post_login(client, "other@kaveri.example", PASSWORD, ip="198.51.100.8").status_code == 302


def test_per_ip_throttling_holds_across_accounts(client, creditor):
    for n in range(5):
        assert post_login(client, f"guess{n}@kaveri.example", "Wrong-Horse-42").status_code == 422
    resp = post_login(client, "meera@kaveri.example", PASSWORD)
    assert resp.status_code == 429
    assert post_login(client, "meera@kaveri.example", PASSWORD, ip="198.51.100.9").status_code == 302


def test_throttle_counters_start_empty_in_each_test(client, creditor):
    # The autouse fixture resets the limiter's storage: the tests above left it saturated.
    for _ in range(4):
        assert post_login(client, "meera@kaveri.example", "Wrong-Horse-42").status_code == 422
    assert post_login(client, "meera@kaveri.example", PASSWORD).status_code == 302


def test_a_signed_in_user_visiting_login_goes_to_the_dashboard(client, auth, creditor):
    auth.login_as(creditor)
    resp = client.get("/login")
    assert resp.status_code == 302 and resp.headers["Location"] == "/dashboard"


def test_login_starts_a_fresh_session(client, creditor):
    client.get("/login")
    with client.session_transaction() as sess:
        sess["planted"] = "by someone else"
        old_csrf = sess["csrf_token"]
    assert post_login(client, "meera@kaveri.example", PASSWORD).status_code == 302
    with client.session_transaction() as sess:
        assert "planted" not in sess and sess.get("csrf_token") != old_csrf
        assert sess["_user_id"] == creditor.get_id()


def test_the_signed_in_user_is_read_afresh_on_every_request(client, auth, creditor, db_session):
    """What the header shows and what the pages allow follow the account as it is now: a right taken
    away between two requests is gone on the second."""
    auth.login_as(creditor)
    assert ">Team</a>" in client.get("/dashboard").get_data(as_text=True)
    creditor.is_org_admin = False
    assert ">Team</a>" not in client.get("/dashboard").get_data(as_text=True)
    assert client.get("/team").status_code == 403


@pytest.mark.parametrize("session_id", ["not-a-number:abc", "999999999:0000000000000000", ""])
def test_a_session_naming_no_account_is_signed_out(client, creditor, session_id):
    with client.session_transaction() as sess:
        sess["_user_id"] = session_id
    resp = client.get("/dashboard")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_the_user_and_its_organisation_are_read_in_one_statement(app, creditor, db_session):
    import sqlalchemy as sa
    from flask import session
    from flask_login import current_user
    from flask_login.utils import _create_identifier

    from portal.extensions import db

    db_session.commit()
    selects = []

    def seen(_conn, _cursor, statement, *_rest):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    with app.test_request_context():
        session.update({"_user_id": creditor.get_id(), "_id": _create_identifier(), "_fresh": True})
        sa.event.listen(db.engine, "before_cursor_execute", seen)
        try:
            name = current_user.organization.legal_name
            assert current_user.id == creditor.id
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert name == creditor.organization.legal_name
    assert len(selects) == 1 and "organizations" in selects[0]
