"""The tribunal pages end to end: the admin appoints, the neutral files the disclosure and accepts,
the parties (the debtor through its personal link) see the challenge window in IST and challenge,
the arbitrator decides; the creditor cannot appoint alone; bad input gets a clear 4xx and keeps
nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from arbitration.tribunal import appointments as tribunal
from arbitration.tribunal import panel
from arbitration.tribunal.models import Appointment, AppointmentStatus, Challenge, ChallengeDecision, Ground
from portal.extensions import db
from portal.notifications.models import AttentionItem
from portal.types import to_ist
from tests.conftest import csrf_for, csrf_from
from tests.debtor.guest import login_guest
from tests.factories import NeutralFactory
from tests.tribunal.helpers import full_disclosure, world


def tribunal_page(client, case, status=200):
    resp = client.get(f"/arbitration/{case.reference}/tribunal")
    assert resp.status_code == status, resp.get_data(as_text=True)[:800]
    return resp


def post(client, path, data):
    return client.post(path, data={"csrf_token": csrf_for(client), **data})


def test_appointment_disclosure_acceptance_and_challenge(client, auth, db_session, outbox):
    w = world()
    auth.login_as(w.admin)
    page = tribunal_page(client, w.case).get_data(as_text=True)
    assert "No arbitrator is appointed yet" in page and w.neutral.name in page
    bad = post(client, f"/arbitration/{w.case.reference}/tribunal/appoint", {"neutral_id": "999999"})
    assert bad.status_code == 422 and db.session.scalar(select(func.count(Appointment.id))) == 0
    done = post(client, f"/arbitration/{w.case.reference}/tribunal/appoint", {"neutral_id": str(w.neutral.id)})
    assert done.status_code == 302
    (invite,) = [m for m in outbox() if w.neutral.email in m["To"]]
    assert "asked to act as arbitrator" in invite["Subject"]
    appointment = tribunal.pending_appointment(w.case)
    assert f"/arbitration/invitations/{appointment.id}" in invite.get_body(("plain",)).get_content()

    auth.logout()
    auth.login_as(w.neutral)
    listing = client.get("/arbitration/invitations").get_data(as_text=True)
    assert w.case.reference in listing
    form = client.get(f"/arbitration/invitations/{appointment.id}")
    assert form.status_code == 200 and "Sixth Schedule" in form.get_data(as_text=True)
    # Incomplete: every missing item is named and nothing is kept.
    incomplete = client.post(f"/arbitration/invitations/{appointment.id}", data={
        "csrf_token": csrf_from(form), **full_disclosure(experience="", relationships="yes", seventh_schedule="")})
    text = incomplete.get_data(as_text=True)
    assert incomplete.status_code == 422
    assert "Prior experience: this item must be answered." in text
    assert "Item 5: list the circumstances you disclose." in text and "Seventh Schedule" in text
    db.session.refresh(appointment)
    assert appointment.disclosure_filed_at is None and w.case.neutral_id is None
    # The case itself stays closed to the invited neutral until it accepts.
    tribunal_page(client, w.case, 404)
    accepted = client.post(f"/arbitration/invitations/{appointment.id}", data={
        "csrf_token": csrf_from(form), **full_disclosure(relationships="yes",
                                                         relationships_details="I taught the claimant's CFO.")})
    assert accepted.status_code == 302 and accepted.headers["Location"].endswith(f"/{w.case.reference}/tribunal")
    db.session.refresh(w.case)
    assert w.case.neutral_id == w.neutral.id and tribunal.may_act(w.case, w.neutral)
    told = [m for m in outbox() if "tribunal in " in m["Subject"] and "is constituted" in m["Subject"]]
    assert {w.staff.email, w.advocate.email} <= {m["To"] for m in told}
    page = tribunal_page(client, w.case).get_data(as_text=True)
    assert "I taught the claimant&#39;s CFO." in page and "Disclose a new circumstance" in page
    # Answering twice is a state conflict.
    again = client.post(f"/arbitration/invitations/{appointment.id}",
                        data={"csrf_token": csrf_from(form), **full_disclosure()})
    assert again.status_code == 409

    # The debtor, through its personal link, sees the deadline in IST and challenges.
    auth.logout()
    login_guest(client, w.case, outbox)
    page = tribunal_page(client, w.case).get_data(as_text=True)
    db.session.refresh(appointment)
    assert to_ist(appointment.challenge_deadline).strftime("%d %b %Y, %H:%M IST") in page
    empty = post(client, f"/arbitration/{w.case.reference}/tribunal/challenge", {"reasons": " "})
    assert empty.status_code == 422 and db.session.scalar(select(func.count(Challenge.id))) == 0
    filed = post(client, f"/arbitration/{w.case.reference}/tribunal/challenge",
                 {"reasons": "The arbitrator taught the claimant's finance head."})
    assert filed.status_code == 302
    challenge = db.session.scalar(select(Challenge))
    assert challenge.filed_by_id is None and challenge.side.value == "debtor"
    assert post(client, f"/arbitration/{w.case.reference}/tribunal/challenge",
                {"reasons": "Again."}).status_code == 409

    client.get("/logout")
    auth.login_as(w.neutral)
    no_choice = post(client, f"/arbitration/{w.case.reference}/tribunal/challenge/decide",
                     {"decision": "maybe", "reasons": "x"})
    assert no_choice.status_code == 422
    decided = post(client, f"/arbitration/{w.case.reference}/tribunal/challenge/decide",
                   {"decision": "rejected", "reasons": "A teaching relationship years ago raises no doubt."})
    assert decided.status_code == 302
    db.session.refresh(challenge)
    assert challenge.decision == ChallengeDecision.REJECTED
    assert tribunal.current_appointment(w.case).status == AppointmentStatus.ACCEPTED


def test_the_creditor_cannot_appoint_alone_through_the_pages(client, auth, db_session, outbox):
    w = world()
    auth.login_as(w.staff)
    proposed = post(client, f"/arbitration/{w.case.reference}/tribunal/propose", {"neutral_id": str(w.neutral.id)})
    assert proposed.status_code == 302
    alone = post(client, f"/arbitration/{w.case.reference}/tribunal/agree", {})
    assert alone.status_code == 409 and "other party must agree" in alone.get_data(as_text=True)
    appointment = tribunal.pending_appointment(w.case)
    assert appointment.awaiting_party and not [m for m in outbox() if w.neutral.email in m["To"]]
    # The debtor is told by the notifications (its "Needs your attention" list, and mail within the
    # contact rules): the creditor proposed this name.
    (told,) = db.session.scalars(select(AttentionItem).where(AttentionItem.kind == "tribunal_proposal")).all()
    assert told.party_id == w.case.debtor_party_id and told.resolved_at is None
    assert told.what == (f"{w.case.creditor.legal_name} proposed {w.neutral.name} as sole arbitrator in "
                         f"{w.case.reference}.")
    auth.logout()
    auth.login_as(w.debtor)
    assert "Agree to" in tribunal_page(client, w.case).get_data(as_text=True)
    assert post(client, f"/arbitration/{w.case.reference}/tribunal/agree", {}).status_code == 302
    db.session.refresh(appointment)
    assert appointment.awaiting_neutral and appointment.agreed_by_id == w.debtor.id
    assert [m for m in outbox() if w.neutral.email in m["To"]]


def test_a_conflict_refuses_the_appointment_naming_the_ground(client, auth, db_session):
    w = world()
    panel.declare(w.neutral, ground=Ground.EMPLOYEE, counterpart_name=w.case.debtor.legal_name)
    auth.login_as(w.admin)
    refused = post(client, f"/arbitration/{w.case.reference}/tribunal/appoint", {"neutral_id": str(w.neutral.id)})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "an employee of" in text and "which is the debtor" in text
    assert tribunal.pending_appointment(w.case) is None


def test_another_neutral_cannot_see_or_answer_an_invitation(client, auth, db_session):
    w = world()
    appointment = tribunal.appoint_by_institution(w.admin, w.case, w.neutral)
    db.session.commit()
    auth.login_as(NeutralFactory())
    assert client.get(f"/arbitration/invitations/{appointment.id}").status_code == 404
    assert client.get("/arbitration/invitations/0").status_code == 404
    assert post(client, f"/arbitration/invitations/{appointment.id}/decline", {}).status_code == 404


def test_the_neutral_keeps_its_listing_and_declarations(client, auth, db_session):
    w = world()
    auth.login_as(w.neutral)
    bad = post(client, "/arbitration/panel/profile", {"expertise": "MSME", "languages": "English, Kannada",
                                                     "base_fee": "-5"})
    assert bad.status_code == 422 and "cannot be negative" in bad.get_data(as_text=True)
    ok = post(client, "/arbitration/panel/profile", {"expertise": "MSME supply", "languages": "English, Kannada",
                                                    "fee_schedule": "₹20,000 a hearing", "base_fee": "50000",
                                                    "available": "y"})
    assert ok.status_code == 302
    nameless = post(client, "/arbitration/panel/relationships", {"ground": "director", "counterpart_name": ""})
    assert nameless.status_code == 422
    assert post(client, "/arbitration/panel/relationships",
                {"ground": "not-a-ground", "counterpart_name": "X"}).status_code == 422
    assert post(client, "/arbitration/panel/relationships",
                {"ground": "director", "counterpart_name": "Nandi Mills", "gstin": "29aaaaa0000a1z5"}).status_code == 302
    page = client.get("/arbitration/panel/profile").get_data(as_text=True)
    assert "I am a director or manager of Nandi Mills (GSTIN 29AAAAA0000A1Z5)" in page
    auth.logout()
    auth.login_as(w.admin)
    found = client.get("/arbitration/panel?expertise=msme&language=kannada").get_data(as_text=True)
    assert w.neutral.name in found and "₹20,000 a hearing" in found
    assert w.neutral.name not in client.get("/arbitration/panel?language=tamil").get_data(as_text=True)


def test_the_institution_sees_the_cases_awaiting_a_tribunal(client, auth, db_session):
    w, done = world(), world()
    proposal = tribunal.propose(w.staff, w.case, w.neutral)
    tribunal.accept(done.neutral, tribunal.appoint_by_institution(done.admin, done.case, done.neutral),
                    full_disclosure())
    db.session.commit()
    auth.login_as(w.admin)
    page = client.get("/arbitration/tribunals/awaiting").get_data(as_text=True)
    assert w.case.reference in page and done.case.reference not in page
    assert f"{proposal.neutral.name} (proposed by the creditor side)" in page
    assert "Arbitrations awaiting a tribunal</a>" in page


def test_the_page_offers_only_what_the_viewer_may_do(client, auth, db_session):
    w = world()
    auth.login_as(w.staff)
    page = tribunal_page(client, w.case).get_data(as_text=True)
    assert "Propose an arbitrator" in page and "Appoint as the institution" not in page
    assert "Challenge the arbitrator" not in page  # nobody to challenge yet
    tribunal.accept(w.neutral, tribunal.appoint_by_institution(w.admin, w.case, w.neutral), full_disclosure())
    db.session.commit()
    page = tribunal_page(client, w.case).get_data(as_text=True)
    assert "Propose an arbitrator" not in page and "Challenge the arbitrator" in page
    assert "Disclose a new circumstance" not in page and "Decide the challenge" not in page
    auth.logout()
    auth.login_as(w.admin)
    page = tribunal_page(client, w.case).get_data(as_text=True)
    assert "Appoint as the institution" not in page and w.neutral.name in page
