"""Password reset: no account enumeration, an e-mailed link that works once and expires, strong
passwords only."""
import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from portal.audit import AuditEvent
from tests.accounts.conftest import link_in, mail_text, page_text
from tests.conftest import csrf_from
from tests.factories import PASSWORD, AdvocateFactory, CreditorFactory

NEW_PASSWORD = "Narmada-Weaves-9"
SENT = "If that address has an account, we have e-mailed a reset link. It works once, within 60 minutes."
GONE = "This reset link has expired or was already used. Ask for a new one."


@pytest.fixture
def creditor(db_session):
    return CreditorFactory(name="Meera Kulkarni", email="meera@kaveri.example")


def ask_reset(client, email):
    page = client.get("/reset")
    return client.post("/reset", data={"csrf_token": csrf_from(page), "email": email})


def choose_password(client, path, password=NEW_PASSWORD, confirm=None):
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={"csrf_token": csrf_from(page), "password": password,
                                   "confirm": confirm if confirm is not None else password})


def reset_link(client, outbox, email="meera@kaveri.example") -> str:
    ask_reset(client, email)
    [mail] = outbox()
    return link_in(mail, "/reset/")


@pytest.mark.parametrize("email", ["meera@kaveri.example", "nobody@kaveri.example"])
def test_the_response_is_the_same_whether_or_not_the_account_exists(client, creditor, outbox, email):
    resp = ask_reset(client, email)
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    assert SENT in page_text(client.get("/login"))
    assert len(outbox()) == (1 if email.startswith("meera") else 0)


def test_switched_off_accounts_get_no_mail(client, db_session, outbox):
    CreditorFactory(email="gone@kaveri.example", active=False)
    assert ask_reset(client, "gone@kaveri.example").status_code == 302
    assert outbox() == []


def test_the_emailed_link_resets_the_password_once(client, auth, creditor, outbox, db_session):
    ask_reset(client, "MEERA@kaveri.example")
    [mail] = outbox()
    assert mail["To"] == "meera@kaveri.example" and mail["Subject"] == "Reset your Sulah password"
    assert "Hello Meera Kulkarni," in mail_text(mail)
    assert "valid for 60 minutes, usable once" in mail_text(mail)
    path = link_in(mail, "/reset/")

    done = choose_password(client, path)
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert "Your password has been changed. Please log in." in page_text(client.get("/login"))
    assert db_session.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc())) \
        == "user.password_reset"

    again = client.get(path)
    assert again.status_code == 404 and GONE in page_text(again)
    assert auth.login("meera@kaveri.example", PASSWORD).status_code == 422
    assert auth.login("meera@kaveri.example", NEW_PASSWORD).status_code == 302


def test_an_older_link_dies_when_a_newer_one_is_used(client, creditor, outbox):
    ask_reset(client, "meera@kaveri.example")
    ask_reset(client, "meera@kaveri.example")
    first, second = (link_in(m, "/reset/") for m in outbox())
    assert choose_password(client, second).status_code == 302
    assert client.get(first).status_code == 404


def test_an_expired_link_is_refused(client, creditor, outbox, monkeypatch, app):
    path = reset_link(client, outbox)
    real = TimestampSigner.get_timestamp
    max_age = app.config["PASSWORD_RESET_MAX_AGE"]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + max_age + 1)
    resp = client.get(path)
    assert resp.status_code == 404 and GONE in page_text(resp)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + max_age - 5)
    assert client.get(path).status_code == 200  # just inside the hour it still works


@pytest.mark.parametrize("password,confirm,message", [
    ("password12", None, "Mix upper and lower case letters and at least one digit."),
    ("Short-1", None, "Use at least 10 characters."),
    (NEW_PASSWORD, "Narmada-Weaves-8", "The passwords differ."),
    ("", None, "This field is required."),
])
def test_a_weak_new_password_is_refused(client, auth, creditor, outbox, password, confirm, message):
    path = reset_link(client, outbox)
    resp = choose_password(client, path, password, confirm)
    assert resp.status_code == 422 and message in page_text(resp)
    assert auth.login("meera@kaveri.example", PASSWORD).status_code == 302  # unchanged
    auth.logout()
    assert client.get(path).status_code == 200  # and the link still works


@pytest.mark.parametrize("token", ["nonsense", "eyJ1aWQiOjF9.forged.signature"])
def test_a_forged_link_is_refused(client, creditor, token):
    resp = client.get(f"/reset/{token}")
    assert resp.status_code == 404 and GONE in page_text(resp)


def test_reset_does_not_bypass_two_factor(client, auth, db_session, outbox):
    AdvocateFactory(email="rohan@law.example")
    path = reset_link(client, outbox, "rohan@law.example")
    assert choose_password(client, path).status_code == 302
    resp = auth.login("rohan@law.example", NEW_PASSWORD)
    assert resp.headers["Location"].startswith("/login/2fa")
    assert client.get("/dashboard").status_code == 302


def test_reset_requests_are_throttled(client, creditor, outbox):
    for _ in range(10):
        assert ask_reset(client, "meera@kaveri.example").status_code == 302
    resp = ask_reset(client, "meera@kaveri.example")
    assert resp.status_code == 429
    assert "Too many attempts. This is paused for now" in page_text(resp)
    assert len(outbox()) == 10


def test_a_password_change_ends_other_sessions(app, db_session):
    """A session opened before a reset stops working once the password changes."""
    from portal.accounts.passwords import hash_password
    from tests.conftest import Auth
    from tests.factories import CreditorFactory

    creditor = CreditorFactory()
    other_device = app.test_client()
    Auth(other_device).login_as(creditor)
    assert other_device.get("/dashboard").status_code == 200
    creditor.password_hash = hash_password("Brand-New-Pass-77")
    db_session.commit()
    resp = other_device.get("/dashboard")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
