"""The personal link: a one-time code to an address the notice went to opens that case and no
other; wrong, expired and repeated codes are refused and throttled; revoking the link ends it."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from notices.serving import dispatch as dispatching
from notices.serving.models import ChannelKind, DeliveryEvent, EventKind
from portal.audit import AuditEvent
from portal.database import commit
from portal.debtor.models import DebtorLink
from portal.extensions import db
from portal.onetime_codes import OneTimeCode
from portal.types import utcnow
from tests.conftest import csrf_for, csrf_from
from tests.debtor.guest import code_from, link_for, login_guest
from tests.serving.helpers import signed_notice

LINK = re.compile(r"/n/([A-Za-z0-9_-]{20,})")


def events(notice, kind) -> int:
    return db.session.scalar(select(func.count(DeliveryEvent.id)).where(
        DeliveryEvent.notice_id == notice.id, DeliveryEvent.kind == kind))


@pytest.fixture
def served(db_session, outbox):
    creditor, _advocate, case, notice = signed_notice()
    dispatching.serve(creditor, notice, {ChannelKind.EMAIL, ChannelKind.SMS})
    commit()
    mail = next(m for m in outbox() if "debtor@example.in" in m["To"])
    return case, notice, LINK.search(mail.get_body(("plain",)).get_content()).group(1)


def ask(client, token, destination="0"):
    page = client.get(f"/n/{token}")
    return client.post(f"/n/{token}/code", data={"csrf_token": csrf_from(page), "destination": destination})


def enter(client, token, code):
    page = client.get(f"/n/{token}")
    return client.post(f"/n/{token}/verify", data={"csrf_token": csrf_from(page), "code": code})


def test_the_code_opens_the_case_and_records_the_view(client, served, outbox):
    case, notice, token = served
    page = client.get(f"/n/{token}").get_data(as_text=True)
    assert "d•••@example.in" in page and "+91•••••45678" in page  # both addresses it was served on, masked
    assert "debtor@example.in" not in page and events(notice, EventKind.VIEWED) == 0
    assert client.get(f"/d/{case.reference}").status_code == 302  # not yet: to the login page
    login_guest(client, case, outbox, token=token)
    home = client.get(f"/d/{case.reference}")
    assert home.status_code == 200 and case.reference in home.get_data(as_text=True)
    assert events(notice, EventKind.VIEWED) == 1
    pdf = client.get(f"/d/{case.reference}/notices/{notice.id}.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get(f"/n/{token}").headers["Location"].endswith(f"/d/{case.reference}")  # already in
    ack = client.post(f"/d/{case.reference}/notices/{notice.id}/acknowledge",
                      data={"csrf_token": csrf_from(home)})
    assert ack.status_code == 302 and events(notice, EventKind.ACKNOWLEDGED) == 1


def test_the_code_can_go_by_sms(client, served, app):
    case, _notice, token = served
    assert ask(client, token, destination="1").status_code == 302
    row = db.session.scalars(select(OneTimeCode)).one()
    assert row.channel == "sms" and row.destination == "+919812345678"
    box = app.config["OUTBOX_PATH"] / "sms"
    text = max(box.glob("*.json"), key=lambda p: p.stat().st_mtime).read_text()
    code = re.search(r"is (\d{6})", text).group(1)
    assert enter(client, token, code).headers["Location"].endswith(f"/d/{case.reference}")


def test_wrong_codes_are_counted_then_the_code_dies(client, served, outbox):
    case, notice, token = served
    ask(client, token)
    good = code_from(outbox(), "debtor@example.in")
    wrong = "000000" if good != "000000" else "111111"
    first = enter(client, token, wrong)
    assert first.status_code == 422 and "4 tries left" in first.get_data(as_text=True)
    # The refusal is a 4xx, yet the request boundary kept the counted try and its audit event.
    assert db.session.scalars(select(OneTimeCode)).one().attempts == 1
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "one_time_code.refused")) == 1
    assert enter(client, token, "12ab56").status_code == 422
    for _ in range(2):
        enter(client, token, wrong)
    last = enter(client, token, wrong)
    assert last.status_code == 429 and "Too many wrong codes" in last.get_data(as_text=True)
    locked = enter(client, token, good)  # even the right code: ask for a new one
    assert locked.status_code == 429
    assert client.get(f"/d/{case.reference}").status_code == 302 and events(notice, EventKind.VIEWED) == 0


def test_an_expired_code_is_refused(client, served, outbox):
    _case, _notice, token = served
    ask(client, token)
    code = code_from(outbox(), "debtor@example.in")
    db.session.scalars(select(OneTimeCode)).one().expires_at = utcnow() - timedelta(seconds=1)
    commit()
    resp = enter(client, token, code)
    assert resp.status_code == 422 and "expired" in resp.get_data(as_text=True)


def test_a_new_code_replaces_the_old_one_and_sending_is_capped(client, served, outbox, app):
    _case, _notice, token = served
    ask(client, token)
    old = code_from(outbox(), "debtor@example.in")
    ask(client, token)
    new = code_from(outbox(), "debtor@example.in")
    if old != new:
        assert enter(client, token, old).status_code == 422
    for _ in range(app.config["ONE_TIME_CODE_SENDS_PER_HOUR"] - 2):
        assert ask(client, token).status_code == 302
    capped = ask(client, token)
    assert capped.status_code == 429 and "Too many codes" in capped.get_data(as_text=True)


def test_bad_requests_are_refused_cleanly(client, served):
    _case, _notice, token = served
    assert client.post(f"/n/{token}/code", data={"destination": "0"}).status_code == 400  # no CSRF
    assert ask(client, token, destination="7").status_code == 400
    assert ask(client, token, destination="x").status_code == 400
    assert enter(client, token, "").status_code == 400
    assert enter(client, token, "123456").status_code == 422  # no code was sent
    for bad in ("x" * 32, token[:-1] + ("A" if token[-1] != "A" else "B"), "a" * 200):
        assert client.get(f"/n/{bad}").status_code == 404
        assert client.post(f"/n/{bad}/code", data={"csrf_token": csrf_for(client), "destination": "0"}
                           ).status_code == 404


def test_a_link_opens_its_own_case_and_no_other(client, served, outbox):
    case, _notice, token = served
    _c2, _a2, other, other_notice = signed_notice()
    login_guest(client, case, outbox, token=token)
    assert client.get(f"/d/{other.reference}").status_code == 404
    assert client.get(f"/cases/{other.reference}").status_code == 404
    assert client.get(f"/d/{other.reference}/notices/{other_notice.id}.pdf").status_code == 404
    assert other.reference not in client.get("/cases").get_data(as_text=True)


def test_a_code_for_one_link_does_not_open_another(client, served, outbox):
    case, _notice, token = served
    _c2, _a2, other, _n2 = signed_notice()
    other_token = link_for(other)
    ask(client, token)
    code = code_from(outbox(), "debtor@example.in")
    assert enter(client, other_token, code).status_code == 422
    assert client.get(f"/d/{other.reference}").status_code == 302


def test_revoking_or_expiring_the_link_ends_the_session(client, served, outbox):
    case, _notice, token = served
    login_guest(client, case, outbox, token=token)
    link = db.session.scalars(select(DebtorLink).where(DebtorLink.case_id == case.id)).first()
    link.revoked_at = utcnow()
    commit()
    assert client.get(f"/d/{case.reference}").status_code == 302
    assert client.get(f"/n/{token}").status_code == 404


def test_a_link_session_is_read_in_one_statement_with_what_the_guest_names(app, client, served, outbox):
    """The link, its case and debtor, and the code behind the session: one SELECT per page."""
    import sqlalchemy as sa
    from flask import session
    from flask_login import current_user
    from flask_login.utils import _create_identifier

    case, _notice, token = served
    login_guest(client, case, outbox, token=token)
    with client.session_transaction() as sess:
        session_id = sess["_user_id"]
    selects = []

    def seen(_conn, _cursor, statement, *_rest):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    with app.test_request_context():
        session.update({"_user_id": session_id, "_id": _create_identifier(), "_fresh": True})
        sa.event.listen(db.engine, "before_cursor_execute", seen)
        try:
            assert current_user.is_authenticated and current_user.debtor_name == case.debtor.legal_name
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert len(selects) == 1, selects
