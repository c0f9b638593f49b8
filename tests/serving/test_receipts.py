"""What comes back after dispatch: the debtor's link (viewed, acknowledged), the tracking pixel,
bounces through the signed inbound webhook; forged, replayed and unknown ones change nothing."""
from __future__ import annotations

import io
import re
import subprocess
import time
from datetime import timedelta

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import func, select

from notices.serving import dispatch as dispatching
from notices.serving.models import ChannelKind, DeliveryEvent, EventKind
from notices.serving.states import DispatchStatus
from notices.serving.views.webhooks import inbound_signature
from portal import seal
from portal.adapters.esign.keys import load_signer
from portal.database import commit
from portal.debtor.models import DebtorLink
from portal.extensions import db
from portal.types import utcnow
from tests.conftest import csrf_from
from tests.debtor.guest import login_guest
from tests.serving.helpers import signed_notice

LINK = re.compile(r"/n/([A-Za-z0-9_-]{20,})")


def count(notice, kind: EventKind) -> int:
    return db.session.scalar(select(func.count(DeliveryEvent.id)).where(
        DeliveryEvent.notice_id == notice.id, DeliveryEvent.kind == kind))


@pytest.fixture
def served(db_session, outbox):
    creditor, advocate, case, notice = signed_notice(mobile=None)
    (dispatch,) = dispatching.serve(creditor, notice, {ChannelKind.EMAIL})
    commit()
    (mail,) = [m for m in outbox() if "debtor@example.in" in m["To"]]
    token = LINK.search(mail.get_body(("plain",)).get_content()).group(1)
    return creditor, case, notice, db.session.get(type(dispatch), dispatch.id), token


def test_personal_link_records_view_once_and_acknowledgement(client, served, outbox):
    # The one-time code flow itself is tested in tests/debtor/test_access.py.
    _creditor, case, notice, _dispatch, token = served
    page = client.get(f"/n/{token}")
    assert page.status_code == 200 and case.reference in page.get_data(as_text=True)
    assert count(notice, EventKind.VIEWED) == 0  # the view counts once the code proves the address
    login_guest(client, case, outbox, token=token)
    client.get(f"/n/{token}")
    assert count(notice, EventKind.VIEWED) == 1
    home = client.get(f"/d/{case.reference}")
    ack = client.post(f"/d/{case.reference}/notices/{notice.id}/acknowledge",
                      data={"csrf_token": csrf_from(home)})
    assert ack.status_code == 302 and count(notice, EventKind.ACKNOWLEDGED) == 1
    assert "You have acknowledged" in client.get(f"/d/{case.reference}").get_data(as_text=True)


def test_acknowledgement_without_csrf_is_refused(client, served, outbox):
    _creditor, case, notice, _dispatch, token = served
    login_guest(client, case, outbox, token=token)
    assert client.post(f"/d/{case.reference}/notices/{notice.id}/acknowledge").status_code == 400
    assert count(notice, EventKind.ACKNOWLEDGED) == 0


def test_expired_or_revoked_link_is_refused(client, served):
    _creditor, _case, _notice, _dispatch, token = served
    link = db.session.scalars(select(DebtorLink)).one()
    link.expires_at = utcnow() - timedelta(seconds=1)
    assert client.get(f"/n/{token}").status_code == 404
    link.expires_at, link.revoked_at = utcnow() + timedelta(days=1), utcnow()
    assert client.get(f"/n/{token}").status_code == 404


def test_pixel_records_first_open(client, served):
    _creditor, _case, notice, dispatch, _token = served
    resp = client.get(f"/t/{dispatch.pixel_token}.gif")
    assert resp.status_code == 200 and resp.mimetype == "image/gif"
    client.get(f"/t/{dispatch.pixel_token}.gif")
    assert count(notice, EventKind.OPENED) == 1
    assert client.get(f"/t/{'0' * 24}.gif").status_code == 404
    assert client.get("/t/short.gif").status_code == 404


def dsn(dispatch_address: str, status: str = "5.1.1", action: str = "failed") -> bytes:
    return (
        f"From: MAILER-DAEMON@mx.example.in\r\nTo: {dispatch_address}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
        "--B\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver your message.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.in\r\n\r\n"
        f"Final-Recipient: rfc822; debtor@example.in\r\nAction: {action}\r\nStatus: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <debtor@example.in>: Recipient address rejected\r\n"
        "--B--\r\n").encode()


def post_inbound(client, app, recipient: str, body: bytes, *, secret=None, timestamp=None):
    ts = str(int(time.time()) if timestamp is None else timestamp)
    sig = inbound_signature(secret or app.config["INBOUND_MAIL_SECRET"], ts, recipient, body)
    return client.post("/webhooks/mail/inbound", data=body, headers={
        "X-Sulah-Recipient": recipient, "X-Sulah-Timestamp": ts, "X-Sulah-Signature": sig,
        "Content-Type": "message/rfc822"})


def test_hard_bounce_fails_the_dispatch_and_tells_the_creditor(client, app, served, outbox):
    creditor, _case, notice, dispatch, _token = served
    address = f"bounces+{dispatch.bounce_token}@{app.config['MAIL_BOUNCE_DOMAIN']}"
    resp = post_inbound(client, app, address, dsn(address))
    assert resp.status_code == 200 and resp.json["permanent"] is True
    db.session.refresh(dispatch)
    assert dispatch.status == DispatchStatus.FAILED and "5.1.1" in dispatch.last_error
    assert count(notice, EventKind.BOUNCED) == 1
    assert any(creditor.email in m["To"] and "could not be served" in m.get_body(("plain",)).get_content()
               for m in outbox())
    # The same bounce again is a replay: refused, nothing added.
    assert post_inbound(client, app, address, dsn(address)).status_code == 409
    assert count(notice, EventKind.BOUNCED) == 1


def test_soft_bounce_only_joins_the_timeline(client, app, served):
    _creditor, _case, notice, dispatch, _token = served
    address = f"bounces+{dispatch.bounce_token}@sulah.localhost"
    assert post_inbound(client, app, address, dsn(address, "4.2.2", "delayed")).status_code == 200
    db.session.refresh(dispatch)
    assert dispatch.status == DispatchStatus.SENT and count(notice, EventKind.BOUNCED) == 1


@pytest.mark.parametrize("case", ["bad_signature", "stale", "unknown_token", "not_a_report", "not_ours"])
def test_forged_or_unknown_bounces_change_nothing(client, app, served, case):
    _creditor, _case, notice, dispatch, _token = served
    address = f"bounces+{dispatch.bounce_token}@sulah.localhost"
    body, expected = dsn(address), {"bad_signature": 403, "stale": 403, "unknown_token": 404,
                                    "not_a_report": 422, "not_ours": 422}[case]
    kwargs = {}
    if case == "bad_signature":
        kwargs["secret"] = "not-the-secret"
    elif case == "stale":
        kwargs["timestamp"] = int(time.time()) - 3600
    elif case == "unknown_token":
        address = "bounces+" + "0" * 24 + "@sulah.localhost"
    elif case == "not_a_report":
        body = b"From: someone@example.in\r\nSubject: hello\r\n\r\nJust a reply.\r\n"
    elif case == "not_ours":
        address = "postmaster@sulah.localhost"
    assert post_inbound(client, app, address, body, **kwargs).status_code == expected
    db.session.refresh(dispatch)
    assert dispatch.status == DispatchStatus.SENT and count(notice, EventKind.BOUNCED) == 0


def test_delivery_page_and_proof_certificate(client, auth, served, tmp_path, outbox):
    creditor, case, notice, _dispatch, token = served
    login_guest(client, case, outbox, token=token)  # viewed: the proof is rebuilt with it
    auth.login_as(creditor)
    page = client.get(f"/notices/{notice.id}/delivery")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "dispatched" in text and "viewed" in text
    pdf = client.get(f"/notices/{notice.id}/delivery-proof.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    path = tmp_path / "proof.pdf"
    path.write_bytes(pdf.data)
    words = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                    check=True).stdout.split())
    assert "Section 63" in words and notice.signed_pdf_sha256 in words.replace(" ", "")
    assert "viewed" in words and "dispatched" in words and "IST" in words
    # Sealed by the platform over the whole file: a changed byte would show.
    signer, _demo = load_signer(*seal.seal_key())
    (sig,) = PdfFileReader(io.BytesIO(pdf.data)).embedded_signatures
    assert sig.field_name == "PlatformSeal"
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=[signer.signing_cert]))
    assert status.intact and status.valid and status.trusted and status.coverage.name == "ENTIRE_FILE"


def test_a_locked_database_makes_the_proof_refresh_try_again(served, monkeypatch):
    """Two writers at once on SQLite (or a lock timeout on PostgreSQL) fail one refresh: it retries."""
    from celery.exceptions import Retry
    from sqlalchemy.exc import OperationalError

    from notices.serving import proof
    from notices.serving.models import DeliveryProof
    from notices.serving.tasks import refresh_delivery_proof

    _creditor, _case, notice, _dispatch, _token = served
    real, calls = proof.refresh, []

    def locked_once(notice_id):
        calls.append(notice_id)
        if len(calls) == 1:
            raise OperationalError("BEGIN", {}, Exception("database is locked"))
        return real(notice_id)

    monkeypatch.setattr(proof, "refresh", locked_once)
    before = db.session.scalar(select(func.count(DeliveryProof.id)))
    db.session.add(DeliveryEvent(notice_id=notice.id, dispatch_id=_dispatch.id, kind=EventKind.OPENED, source="test",
                                 occurred_at=utcnow(), payload_sha256="0" * 64))
    commit()
    # Run eagerly, the retry surfaces as Retry (a worker would queue it); then it runs again.
    with pytest.raises(Retry, match="database is locked"):
        refresh_delivery_proof.delay(notice.id)
    refresh_delivery_proof.delay(notice.id)
    assert calls == [notice.id, notice.id]
    assert db.session.scalar(select(func.count(DeliveryProof.id))) >= before + 1
