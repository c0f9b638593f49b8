"""Opening the room (the debtor through its personal link), asking for a conciliator, the
institution's appointment of a neutral, and the privacy of each side's caucus with the neutral."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from arbitration.odr import conciliation, room
from arbitration.odr.models.room import Channel, ConciliationRequest, Message, ReadMarker, RequestStatus
from evidence.models import Audience, Document
from portal.audit import AuditEvent
from portal.cases.states import CaseStatus
from portal.errors import DomainError
from portal.extensions import db
from tests.conftest import csrf_for
from tests.debtor.guest import login_guest
from tests.factories import CreditorFactory, NeutralFactory
from tests.odr.helpers import post_message, room_case

S = CaseStatus


def actions(case) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)
                                   .order_by(AuditEvent.id)))


def test_the_debtor_opens_the_room_through_its_link_and_writes_without_an_account(client, db_session, outbox):
    w, case = room_case(S.NOTICE_SERVED)
    login_guest(client, case, outbox)
    page = client.get(f"/odr/{case.reference}")
    assert page.status_code == 200 and "Open the ODR room" in page.get_data(as_text=True)
    opened = client.post(f"/odr/{case.reference}/open", data={"csrf_token": csrf_for(client)})
    assert opened.status_code == 302 and opened.headers["Location"] == f"/odr/{case.reference}"
    db.session.refresh(case)
    assert case.status == S.IN_NEGOTIATION
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                       AuditEvent.action == "case.open_negotiation"))
    assert event.actor_id is None and event.actor_role == "debtor"

    assert post_message(client, case, "We would like to pay in three parts.").status_code == 302
    message = db.session.scalar(select(Message).where(Message.case_id == case.id))
    assert message.author_id is None and message.author_side.value == "debtor"
    assert case.debtor.legal_name in message.author_name
    marker = db.session.scalar(select(ReadMarker).where(ReadMarker.case_id == case.id))
    assert (marker.reader_key, marker.last_read_id) == ("debtor:link", message.id)  # its own post is read
    # The creditor's attachment reaches the guest through the evidence download route.
    sent = room.post_message(w.creditor_admin, case, Channel.ROOM, "Our ledger, as asked.",
                             attachment=room.Attachment(io.BytesIO(b"Ledger: 3 invoices open.\n"), "ledger.txt"))
    page = client.get(f"/odr/{case.reference}").get_data(as_text=True)
    assert "Our ledger, as asked." in page and "ledger.txt" in page
    download = client.get(f"/cases/{case.reference}/evidence/{sent.document_id}")
    assert download.status_code == 200 and download.data == b"Ledger: 3 invoices open.\n"
    download.close()
    # Opening twice is a state conflict, not a crash.
    again = client.post(f"/odr/{case.reference}/open", data={"csrf_token": csrf_for(client)})
    assert again.status_code == 409
    assert db.session.get(type(case), case.id).status == S.IN_NEGOTIATION


def test_opening_needs_a_served_notice_and_a_valid_form(client, auth, db_session):
    w, case = room_case(S.NOTICE_SIGNED)
    auth.login_as(w.creditor_admin)
    assert client.post(f"/odr/{case.reference}/open", data={"csrf_token": csrf_for(client)}).status_code == 409
    served = w.new_case(S.RESPONDED)
    assert client.post(f"/odr/{served.reference}/open", data={}).status_code == 400
    assert served.status == S.RESPONDED


def test_conciliation_from_request_to_appointment(client, auth, db_session):
    w, case = room_case(neutral=False)
    neutral = NeutralFactory()
    auth.login_as(w.debtor)
    asked = client.post(f"/odr/{case.reference}/conciliation",
                        data={"csrf_token": csrf_for(client), "reason": "We are stuck on interest."})
    assert asked.status_code == 302
    again = client.post(f"/odr/{case.reference}/conciliation", data={"csrf_token": csrf_for(client)})
    assert again.status_code == 409 and "already been requested" in again.get_data(as_text=True)
    page = client.get(f"/odr/{case.reference}").get_data(as_text=True)
    assert "A conciliator was requested" in page

    auth.login_as(w.admin)
    assert "Appoint a neutral for this case" in client.get(f"/odr/{case.reference}").get_data(as_text=True)
    listing = client.get("/admin/conciliation-requests").get_data(as_text=True)
    assert case.reference in listing and "We are stuck on interest." in listing
    form = client.get(f"/odr/{case.reference}/appoint")
    assert form.status_code == 200 and neutral.email in form.get_data(as_text=True)
    # Anyone but a registered neutral is refused, and nothing changes.
    for bad in (CreditorFactory().id, "abc", 999999):
        resp = client.post(f"/odr/{case.reference}/appoint",
                           data={"csrf_token": csrf_for(client), "neutral_id": str(bad)})
        assert resp.status_code == 422
    db.session.refresh(case)
    assert case.status == S.IN_NEGOTIATION and case.neutral_id is None

    done = client.post(f"/odr/{case.reference}/appoint",
                       data={"csrf_token": csrf_for(client), "neutral_id": str(neutral.id)})
    assert done.status_code == 302
    db.session.refresh(case)
    assert case.status == S.IN_CONCILIATION and case.neutral_id == neutral.id
    request = db.session.scalar(select(ConciliationRequest).where(ConciliationRequest.case_id == case.id))
    assert request.status == RequestStatus.APPOINTED and request.neutral_id == neutral.id
    assert actions(case)[-3:] == ["odr.conciliation_requested", "case.start_conciliation",
                                  "odr.neutral_appointed"]
    assert "No open requests." in client.get("/admin/conciliation-requests").get_data(as_text=True)
    # Appointing is for a case in negotiation: now it is a state refusal.
    assert client.get(f"/odr/{case.reference}/appoint").status_code == 403


def test_the_service_appoints_only_an_active_neutral(db_session):
    """The service's own guard (the view's form already limits the choice to neutrals)."""
    w, case = room_case(neutral=False)
    retired = NeutralFactory(active=False)
    for wrong in (w.creditor_admin, w.advocate, retired, None):
        with pytest.raises(DomainError, match="registered as a neutral"):
            conciliation.appoint_neutral(w.admin, case, wrong)
    assert case.status == S.IN_NEGOTIATION and case.neutral_id is None
    assert retired not in conciliation.neutrals()


@pytest.fixture
def conciliating(db_session):
    w, case = room_case(S.IN_CONCILIATION)
    return w, case


def test_each_caucus_is_private_to_its_side_and_the_neutral(client, auth, conciliating):
    w, case = conciliating
    auth.login_as(w.neutral)
    assert post_message(client, case, "Creditor: what is your floor?", caucus="creditor").status_code == 302
    assert post_message(client, case, "Debtor: what can you pay now?", caucus="debtor").status_code == 302

    auth.login_as(w.creditor_staff)
    assert post_message(client, case, "CREDITOR-SECRET floor is 90,000", caucus="creditor",
                        file=(b"Board note: accept 90k.\n", "board.txt")).status_code == 302
    # A party's channel is its own, whatever the form says.
    assert post_message(client, case, "CREDITOR-SECRET again", caucus="debtor").status_code == 302
    page = client.get(f"/odr/{case.reference}/caucus?side=debtor").get_data(as_text=True)
    assert "Creditor: what is your floor?" in page and "Debtor: what can you pay now?" not in page
    doc = db.session.scalar(select(Document).where(Document.case_id == case.id))
    assert doc.audience == Audience.CREDITOR

    auth.login_as(w.debtor)
    assert post_message(client, case, "DEBTOR-SECRET we can pay 70,000", caucus="debtor").status_code == 302
    for url in (f"/odr/{case.reference}/caucus", f"/odr/{case.reference}/caucus?side=creditor"):
        page = client.get(url).get_data(as_text=True)
        assert "Debtor: what can you pay now?" in page and "DEBTOR-SECRET" in page
        assert "CREDITOR-SECRET" not in page and "what is your floor" not in page
    feed = client.get(f"/odr/{case.reference}/messages.json?after=0&caucus=creditor").get_json()
    assert feed["messages"] and all("CREDITOR-SECRET" not in m["body"] for m in feed["messages"])
    assert "CREDITOR-SECRET" not in client.get(f"/odr/{case.reference}").get_data(as_text=True)
    download = client.get(f"/cases/{case.reference}/evidence/{doc.id}")
    assert download.status_code == 404  # the creditor's caucus attachment does not exist for the debtor

    auth.login_as(w.creditor_admin)
    page = client.get(f"/odr/{case.reference}/caucus?side=debtor").get_data(as_text=True)
    assert "DEBTOR-SECRET" not in page and "CREDITOR-SECRET" in page

    auth.login_as(w.neutral)
    both = client.get(f"/odr/{case.reference}/caucus?side=debtor").get_data(as_text=True)
    assert "DEBTOR-SECRET" in both and "CREDITOR-SECRET" not in both
    assert "CREDITOR-SECRET" in client.get(f"/odr/{case.reference}/caucus?side=creditor").get_data(as_text=True)

    auth.login_as(w.admin)  # the institution observes the room, never a caucus
    assert client.get(f"/odr/{case.reference}/caucus").status_code == 403
    assert client.get(f"/odr/{case.reference}/messages.json?caucus=debtor").status_code == 403


def test_the_neutral_sees_unread_counts_of_the_other_session(client, auth, conciliating):
    w, case = conciliating
    room.post_message(w.debtor, case, Channel.CAUCUS_DEBTOR, "Are you there?")
    auth.login_as(w.neutral)
    page = client.get(f"/odr/{case.reference}/caucus?side=creditor").get_data(as_text=True)
    assert "1 new" in page
    room_page = client.get(f"/odr/{case.reference}").get_data(as_text=True)
    assert "Private session with the conciliator" in room_page and "1 new" in room_page
    client.get(f"/odr/{case.reference}/caucus?side=debtor")
    assert room.unread_count(w.neutral, case, Channel.CAUCUS_DEBTOR) == 0


def test_the_neutral_is_told_of_the_appointment_by_mail(client, auth, db_session, outbox):
    w, case = room_case(neutral=False)
    neutral = NeutralFactory(email="conciliator@example.in")
    auth.login_as(w.admin)
    client.post(f"/odr/{case.reference}/appoint", data={"csrf_token": csrf_for(client), "neutral_id": str(neutral.id)})
    (mail,) = [m for m in outbox() if "conciliator@example.in" in m["To"]]
    assert mail["Subject"] == f"{case.reference}: you are appointed conciliator"
    assert f"/odr/{case.reference}" in mail.get_body(("plain",)).get_content()
