"""Registered / speed post: the S10 article number, the print pack, recording the posting, the
tracking record and the returned A.D. card; bad input and the wrong people change nothing."""
from __future__ import annotations

import io
import json
import subprocess
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from evidence.models import Document, DocumentKind
from notices.serving import dispatch as dispatching
from notices.serving import postal
from notices.serving.models import ChannelKind, DeliveryEvent, Dispatch, EventKind, ServiceTerms
from notices.serving.states import DispatchStatus
from portal.audit import AuditEvent
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.errors import DomainError
from portal.extensions import db
from portal.types import IST
from tests.conftest import csrf_for, csrf_from
from tests.factories import CreditorFactory, DebtorUserFactory
from tests.serving.helpers import signed_notice

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17) + b"scan of the signed card"


@pytest.mark.parametrize("number,ok", [
    ("RK123456785IN", True),
    ("rk 1234 5678 5in", True),       # as typed from the receipt: spaces and lower case are fine
    ("RN100000025IN", True),          # 11 - (sum % 11) == 11 → 5
    ("RK100000140IN", True),          # 11 - (sum % 11) == 10 → 0
    ("EK473124829IN", True),
    ("RK123456784IN", False),         # wrong check digit
    ("RK123456780IN", False),
    ("RK12345678IN", False),          # eight digits
    ("R1234567855IN", False),
    ("RK123456785US", False),         # not booked in India
    ("", False),
])
def test_s10_article_numbers(number, ok):
    if ok:
        assert postal.article_number(number) == number.replace(" ", "").upper()
    else:
        with pytest.raises(postal.PostalInputError):
            postal.article_number(number)


@pytest.mark.parametrize("serial,digit", [("12345678", 5), ("47312482", 9), ("10000002", 5),
                                          ("10000014", 0), ("98765432", 6)])
def test_s10_check_digit(serial, digit):
    assert postal.s10_check_digit(serial) == digit


def test_service_must_match_the_number():
    assert postal.article_number("RK123456785IN", postal.PostalService.REGISTERED) == "RK123456785IN"
    with pytest.raises(postal.PostalInputError, match="speed post number"):
        postal.article_number("RK123456785IN", postal.PostalService.SPEED)


@pytest.fixture
def posted(db_session):
    """A signed notice served by post only; returns (creditor, advocate, case, notice, dispatch)."""
    creditor, advocate, case, notice = signed_notice(mobile=None)
    (dispatch,) = dispatching.serve(creditor, notice, {ChannelKind.POST})
    commit()
    return creditor, advocate, case, notice, dispatch


def events(dispatch, kind: EventKind) -> list[DeliveryEvent]:
    return list(db.session.scalars(select(DeliveryEvent).where(
        DeliveryEvent.dispatch_id == dispatch.id, DeliveryEvent.kind == kind)))


def documents(case) -> int:
    return db.session.scalar(select(func.count(Document.id)).where(Document.case_id == case.id))


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(data)
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def test_full_postal_flow(client, auth, posted, tmp_path):
    creditor, advocate, case, notice, dispatch = posted
    assert dispatch.status == DispatchStatus.QUEUED and dispatch.address == case.debtor.postal_address
    auth.login_as(creditor)
    page = client.get(f"/notices/{notice.id}/delivery")
    body = page.get_data(as_text=True)
    assert "Registered / speed post" in body and f"/dispatches/{dispatch.id}/post-pack.pdf" in body

    pack = client.get(f"/dispatches/{dispatch.id}/post-pack.pdf")
    assert pack.status_code == 200 and pack.mimetype == "application/pdf"
    words = pdf_text(pack.data, tmp_path)
    assert case.debtor.legal_name in words and "ACKNOWLEDGEMENT" in words
    assert "REGISTERED POST A.D." in words and case.reference in words
    assert advocate.name in words and case.creditor.legal_name in words
    sizes = subprocess.run(["pdfinfo", "-f", "1", "-l", "2", str(tmp_path / "pack.pdf")], capture_output=True,
                           text=True, check=True).stdout
    assert "Page    1 size:  623.622 x 311.811 pts" in sizes  # the DL envelope, 220 × 110 mm

    resp = client.post(f"/dispatches/{dispatch.id}/posting", data={
        "csrf_token": csrf_from(page), "article_number": "rk 1234 5678 5in", "service": "registered_post",
        "booked_on": today_ist().isoformat()})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/notices/{notice.id}/delivery")
    dispatch = db.session.get(Dispatch, dispatch.id)
    assert dispatch.status == DispatchStatus.SENT and dispatch.sent_at is not None
    assert (dispatch.provider, dispatch.provider_message_id) == ("india_post", "RK123456785IN")
    assert db.session.get(type(case), case.id).status == CaseStatus.NOTICE_SERVED
    terms = db.session.get(ServiceTerms, notice.id)
    assert terms.first_dispatched_at is not None
    assert terms.respond_by is None  # posted is dispatched, not received: no period runs yet
    (sent,) = events(dispatch, EventKind.DISPATCHED)
    assert sent.source == "india_post" and sent.provider_ref == "RK123456785IN"
    assert json.loads(sent.raw) == {"article_number": "RK123456785IN", "booked_on": today_ist().isoformat(),
                                    "dispatch_id": dispatch.id, "service": "registered_post"}
    # The pack now carries the article number on the card.
    assert "RK123456785IN" in pdf_text(client.get(f"/dispatches/{dispatch.id}/post-pack.pdf").data, tmp_path)

    page = client.get(f"/notices/{notice.id}/delivery")
    resp = client.post(f"/dispatches/{dispatch.id}/tracking", content_type="multipart/form-data", data={
        "csrf_token": csrf_from(page), "outcome": "delivered", "scanned_at": f"{today_ist()}T00:00",
        "file": (io.BytesIO(b"RK123456785IN Item Delivered, Bengaluru GPO\n"), "tracking.txt")})
    assert resp.status_code == 302
    (tracked,) = events(dispatch, EventKind.RECORDED)
    assert tracked.source == "india_post" and "tracking.txt" in tracked.detail
    # The delivery scan, at the tracker's own time (00:00 IST), is receipt: the period starts that day.
    (scan,) = events(dispatch, EventKind.DELIVERED)
    scanned = datetime.combine(today_ist(), time(0), IST)
    assert scan.occurred_at == scanned and scan.time_known
    db.session.refresh(terms)
    assert terms.received_at == scanned
    assert terms.respond_by == today_ist() + timedelta(days=notice.pay_within_days)

    page = client.get(f"/notices/{notice.id}/delivery")
    resp = client.post(f"/dispatches/{dispatch.id}/returned-card", content_type="multipart/form-data", data={
        "csrf_token": csrf_from(page), "file": (io.BytesIO(PNG), "ad-card.png"),
        "delivered_on": today_ist().isoformat()})
    assert resp.status_code == 302
    delivered = events(dispatch, EventKind.DELIVERED)[-1]
    assert delivered.source == "india_post" and not delivered.time_known  # the card gives a day only
    assert f"A.D. card returned, signed by the addressee on {today_ist():%d %b %Y}" in delivered.detail

    docs = {d.filename: d for d in db.session.scalars(select(Document).where(Document.case_id == case.id))}
    assert docs["tracking.txt"].kind == DocumentKind.CORRESPONDENCE
    assert docs["ad-card.png"].kind == DocumentKind.DELIVERY_PROOF
    assert delivered.raw == f"{docs['ad-card.png'].sha256} ad-card.png".encode()
    listing = client.get(f"/cases/{case.reference}/evidence").get_data(as_text=True)
    assert "tracking.txt" in listing and "ad-card.png" in listing
    timeline = client.get(f"/notices/{notice.id}/delivery").get_data(as_text=True)
    assert "RK123456785IN" in timeline and "A.D. card returned" in timeline
    # The booking and the card give a day, not a time: the timeline shows the day alone (not the noon
    # it is stored at), the tracker's scan its own time.
    booked = f'<time datetime="{today_ist().isoformat()}">{today_ist():%d %b %Y}</time> (the record gives the day'
    assert timeline.count(booked) == 2
    assert f"{today_ist():%d %b %Y}, 00:00 IST" in timeline
    case_page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert booked in case_page


def test_speed_post_pack_is_marked_speed_post(client, auth, posted, tmp_path):
    creditor, _advocate, _case, _notice, dispatch = posted
    auth.login_as(creditor)
    words = pdf_text(client.get(f"/dispatches/{dispatch.id}/post-pack.pdf?service=speed_post").data, tmp_path)
    assert "SPEED POST" in words and "REGISTERED POST" not in words
    assert client.get(f"/dispatches/{dispatch.id}/post-pack.pdf?service=pigeon").status_code == 400


def _post_posting(client, dispatch, **form):
    data = {"csrf_token": csrf_for(client), "article_number": "RK123456785IN", "service": "registered_post",
            "booked_on": today_ist().isoformat(), **form}
    return client.post(f"/dispatches/{dispatch.id}/posting", data=data)


@pytest.mark.parametrize("form,message", [
    ({"article_number": "RK123456784IN"}, "check digit"),
    ({"article_number": "12345"}, "two letters, nine digits"),
    ({"article_number": "EK473124829IN"}, "registered post a.d. number"),
    ({"service": "courier"}, "Not a valid choice"),
    # Days from today (IST), resolved when the test runs: collected before midnight IST, run after it,
    # a date fixed at collection would be "today" by then.
    ({"booked_on": 1}, "in the future"),
    ({"booked_on": -1}, "before the notice was signed"),
    ({"booked_on": "yesterday"}, "Not a valid date"),
])
def test_bad_posting_is_refused_and_changes_nothing(client, auth, posted, form, message):
    creditor, _advocate, case, _notice, dispatch = posted
    auth.login_as(creditor)
    if isinstance(form.get("booked_on"), int):
        form = {**form, "booked_on": (today_ist() + timedelta(days=form["booked_on"])).isoformat()}
    resp = _post_posting(client, dispatch, **form)
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    dispatch = db.session.get(Dispatch, dispatch.id)
    assert dispatch.status == DispatchStatus.QUEUED and dispatch.provider_message_id is None
    assert not events(dispatch, EventKind.DISPATCHED)
    assert db.session.get(type(case), case.id).status == CaseStatus.NOTICE_SIGNED


def test_recording_twice_is_refused(client, auth, posted):
    creditor, _advocate, _case, _notice, dispatch = posted
    auth.login_as(creditor)
    assert _post_posting(client, dispatch).status_code == 302
    again = _post_posting(client, dispatch, article_number="RN100000025IN")
    assert again.status_code == 409 and "already recorded" in again.get_data(as_text=True)
    assert db.session.get(Dispatch, dispatch.id).provider_message_id == "RK123456785IN"
    assert len(events(dispatch, EventKind.DISPATCHED)) == 1


def test_an_article_number_names_one_dispatch(posted):
    creditor, _advocate, _case, _notice, dispatch = posted
    postal.record_posting(creditor, dispatch, "RK123456785IN", "registered_post", today_ist())
    other_creditor, _a, _c, other_notice = signed_notice(mobile=None)
    (other,) = dispatching.serve(other_creditor, other_notice, {ChannelKind.POST})
    with pytest.raises(postal.PostalInputError, match="another notice"):
        postal.record_posting(other_creditor, other, "RK123456785IN", "registered_post", today_ist())


def test_uploads_before_posting_are_refused(client, auth, posted):
    creditor, _advocate, case, _notice, dispatch = posted
    auth.login_as(creditor)
    tracking = client.post(f"/dispatches/{dispatch.id}/tracking", content_type="multipart/form-data", data={
        "csrf_token": csrf_for(client), "file": (io.BytesIO(b"tracking\n"), "tracking.txt")})
    card = client.post(f"/dispatches/{dispatch.id}/returned-card", content_type="multipart/form-data", data={
        "csrf_token": csrf_for(client), "file": (io.BytesIO(PNG), "card.png"),
        "delivered_on": today_ist().isoformat()})
    for resp in (tracking, card):
        assert resp.status_code == 409 and "Record the article number" in resp.get_data(as_text=True)
    assert documents(case) == 0
    assert not events(dispatch, EventKind.RECORDED) and not events(dispatch, EventKind.DELIVERED)


def test_bad_uploads_are_refused(client, auth, posted):
    creditor, _advocate, case, _notice, dispatch = posted
    postal.record_posting(creditor, dispatch, "RK123456785IN", "registered_post", today_ist())
    auth.login_as(creditor)
    url = f"/dispatches/{dispatch.id}/returned-card"
    future = client.post(url, content_type="multipart/form-data", data={
        "csrf_token": csrf_for(client), "file": (io.BytesIO(PNG), "card.png"),
        "delivered_on": (today_ist() + timedelta(days=2)).isoformat()})
    assert future.status_code == 422 and "in the future" in future.get_data(as_text=True)
    no_file = client.post(url, data={"csrf_token": csrf_for(client), "delivered_on": today_ist().isoformat()})
    assert no_file.status_code == 422 and "Choose a file" in no_file.get_data(as_text=True)
    program = client.post(f"/dispatches/{dispatch.id}/tracking", content_type="multipart/form-data", data={
        "csrf_token": csrf_for(client), "file": (io.BytesIO(b"MZ\x90\x00" + bytes(60)), "tracking.exe")})
    assert program.status_code == 422 and "Programs cannot be uploaded" in program.get_data(as_text=True)
    assert documents(case) == 0 and not events(dispatch, EventKind.DELIVERED)
    postal.attach_returned_card(creditor, dispatch, io.BytesIO(PNG), "card.png", today_ist())
    with pytest.raises(DomainError, match="already attached"):
        postal.attach_returned_card(creditor, dispatch, io.BytesIO(PNG + b"2"), "card2.png", today_ist())


def test_wrong_people_are_refused(client, auth, posted):
    creditor, advocate, case, _notice, dispatch = posted
    debtor = DebtorUserFactory()
    case.debtor.user_id = debtor.id
    stranger = CreditorFactory()
    base = f"/dispatches/{dispatch.id}"
    for user, pack, write in ((advocate, 200, 403), (debtor, 403, 403), (stranger, 404, 404)):
        auth.login_as(user)
        resp = client.get(f"{base}/post-pack.pdf")
        assert resp.status_code == pack, user.role
        assert _post_posting(client, dispatch).status_code == write, user.role
        resp = client.post(f"{base}/tracking", content_type="multipart/form-data", data={
            "csrf_token": csrf_for(client), "file": (io.BytesIO(b"tracking\n"), "tracking.txt")})
        assert resp.status_code == write, user.role
    assert db.session.get(Dispatch, dispatch.id).status == DispatchStatus.QUEUED
    assert documents(case) == 0


def test_only_postal_dispatches_have_postal_routes(client, auth, db_session):
    creditor, _advocate, _case, notice = signed_notice(mobile=None)
    (email,) = dispatching.serve(creditor, notice, {ChannelKind.EMAIL})
    commit()
    auth.login_as(creditor)
    assert client.get(f"/dispatches/{email.id}/post-pack.pdf").status_code == 404
    assert client.get("/dispatches/999999/post-pack.pdf").status_code == 404


def test_a_returned_article_on_the_only_channel_leaves_the_notice_unserved(db_session, posted):
    """Issue 23.3: the post came back, nothing else went: the case is "notice signed" again, no period
    runs, and the creditor is offered service on another channel."""
    creditor, _advocate, case, notice, dispatch = posted
    postal.record_posting(creditor, dispatch, "RK123456785IN", "registered_post", today_ist())
    assert case.status == CaseStatus.NOTICE_SERVED
    with pytest.raises(postal.PostalInputError, match="date and time"):
        postal.attach_tracking(creditor, dispatch, io.BytesIO(b"returned"), "t.txt", "returned")
    returned_at = datetime.combine(today_ist(), time(0), IST)
    postal.attach_tracking(creditor, dispatch, io.BytesIO(b"RK123456785IN Item Returned"), "tracking.txt",
                           postal.TrackedOutcome.RETURNED, returned_at.replace(tzinfo=None))
    db.session.refresh(dispatch)
    assert dispatch.status == DispatchStatus.FAILED and "returned undelivered" in dispatch.last_error
    (failed,) = events(dispatch, EventKind.FAILED)
    assert failed.occurred_at == returned_at  # the tracker's time, not ours
    assert case.status == CaseStatus.NOTICE_SIGNED
    terms = db.session.get(ServiceTerms, notice.id)
    assert terms.received_at is None and terms.respond_by is None
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)
                                                    .order_by(AuditEvent.seq))]
    assert actions[-2:] == ["case.service_failed", "notice.service_failed"]
