"""The tribunal's texts on a Hindi page: the authority texts (who appoints, the court route, the consent a
party gives), the Sixth Schedule's items and the Seventh Schedule declaration, a conflict's sentence and
the refusals of an incomplete disclosure are said in Hindi; in English they are word for word as before;
what is kept (the consent's statement, the disclosure's declaration, the grounds of an ineligibility)
stays English."""
from __future__ import annotations

from sqlalchemy import select

from arbitration.tribunal import appointments as tribunal
from arbitration.tribunal import authority, conflicts, disclosure
from arbitration.tribunal.models import (
    Appointment,
    AppointmentHow,
    AppointmentStatus,
    DeclaredRelationship,
    Ground,
)
from portal.audit import AuditEvent
from portal.extensions import db
from portal.i18n import force_locale
from portal.types import utcnow
from tests.conftest import csrf_for
from tests.hindi import body, devanagari, hindi
from tests.tribunal.helpers import full_disclosure, world


def test_the_court_route_and_the_consent_are_said_in_hindi_and_the_consent_kept_in_english(
        app, client, auth, db_session):
    w = world(institution=False)
    db.session.commit()
    auth.login_as(w.staff)
    url = f"/arbitration/{w.case.reference}/tribunal"
    english = body(client, url + "?lang=en")
    assert authority.COURT_ROUTE in english and authority.CONSENT_STATEMENT in english
    page = body(client, url + "?lang=hi")
    for text in (authority.COURT_ROUTE, authority.CONSENT_STATEMENT):
        said = hindi(text)
        assert devanagari(said) and said in page and text not in page

    with app.test_request_context("/"), force_locale("hi"):
        consent = authority.give_consent(w.staff, w.case)
    assert consent.statement == authority.CONSENT_STATEMENT     # the party's written agreement, in English
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "arbitration.institution_consent"))
    assert event.data["statement"] == authority.CONSENT_STATEMENT

    w2 = world()  # both parties agreed: the basis is said instead of the court route
    with app.test_request_context("/"), force_locale("hi"):
        assert authority.basis_of_authority(w2.case) == (
            "Both parties agreed in writing, after the dispute arose, that Sulah appoints.")
    assert devanagari(hindi(authority.basis_of_authority(w2.case)))


def test_the_disclosure_form_and_a_conflict_are_said_in_hindi(app, client, auth, db_session):
    w = world()
    appointment = Appointment(case_id=w.case.id, neutral_id=w.neutral.id, how=AppointmentHow.INSTITUTION,
                              status=AppointmentStatus.PROPOSED, agreed_by_id=w.admin.id, agreed_at=utcnow(), created_at=utcnow(),
                              decline_reason="")
    db.session.add(appointment)
    db.session.add(DeclaredRelationship(neutral_id=w.neutral.id, ground=Ground.COUNSEL,
                                        counterpart_name=w.case.debtor.legal_name))
    db.session.commit()
    (conflict,) = conflicts.conflicts(w.case, w.neutral)
    english_message = (f"Seventh Schedule: the neutral declared being counsel for, or advising, "
                       f"{w.case.debtor.legal_name}, which is the debtor ({w.case.debtor.legal_name}); that makes "
                       "them ineligible to act (s.12(5)).")
    assert conflict.message == english_message
    auth.login_as(w.neutral)
    url = f"/arbitration/invitations/{appointment.id}"

    english = body(client, url + "?lang=en")
    assert english_message in english
    for q in disclosure.SIXTH_SCHEDULE:
        assert q.text in english
    assert disclosure.SEVENTH_SCHEDULE_DECLARATION in english

    page = body(client, url + "?lang=hi")
    said = hindi(conflicts.SENTENCES[Ground.COUNSEL], name=w.case.debtor.legal_name,
                 role=hindi("the debtor"), party=w.case.debtor.legal_name)
    assert devanagari(said) and said in page and english_message not in page
    for text in [q.text for q in disclosure.SIXTH_SCHEDULE] + [disclosure.SEVENTH_SCHEDULE_DECLARATION]:
        assert devanagari(hindi(text)) and hindi(text) in page and text not in page

    # The refusal of the appointment says the conflict in the page's language, the record stays English.
    with app.test_request_context("/"), force_locale("hi"):
        assert conflict.sentence == said and conflict.message == english_message
        problems = disclosure.validate(full_disclosure(ongoing="three", time=""))[1]
        answers = disclosure.validate(full_disclosure())[0]
    assert problems == [hindi("%(item)s: give a whole number (0 if none).",
                              item=hindi("Number of ongoing arbitrations")),
                        hindi("Item %(number)s: answer yes or no.", number="6")]
    assert all(devanagari(p) for p in problems)
    assert answers["seventh_schedule"] == disclosure.SEVENTH_SCHEDULE_DECLARATION


def test_the_filed_disclosure_is_said_in_hindi_and_kept_in_english(app, client, auth, db_session):
    w = world()
    appointment = tribunal.appoint_by_institution(w.admin, w.case, w.neutral)
    tribunal.accept(w.neutral, appointment, full_disclosure())
    db.session.commit()
    assert appointment.disclosure["seventh_schedule"] == disclosure.SEVENTH_SCHEDULE_DECLARATION
    auth.login_as(w.staff)
    url = f"/arbitration/{w.case.reference}/tribunal"
    english = body(client, url + "?lang=en")
    assert disclosure.SIXTH_SCHEDULE[2].text in english and disclosure.SEVENTH_SCHEDULE_DECLARATION in english
    page = body(client, url + "?lang=hi")
    for text in (disclosure.SIXTH_SCHEDULE[2].text, disclosure.SEVENTH_SCHEDULE_DECLARATION):
        assert devanagari(hindi(text)) and hindi(text) in page and text not in page

    # A declared relationship ends the mandate: its grounds are kept in English whatever the page speaks.
    w.neutral.language = "hi"
    db.session.commit()
    auth.login_as(w.neutral)
    done = client.post("/arbitration/panel/relationships", data={
        "csrf_token": csrf_for(client), "ground": Ground.EMPLOYEE.value,
        "counterpart_name": w.case.creditor.legal_name})
    assert done.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "arbitration.arbitrator_ineligible"))
    assert event.data["grounds"] == [
        f"Seventh Schedule: the neutral declared being an employee of {w.case.creditor.legal_name}, which is "
        f"the creditor ({w.case.creditor.legal_name}); that makes them ineligible to act (s.12(5))."]


def test_every_conflict_sentence_is_the_message_word_for_word_in_english(app, db_session):
    w = world()
    with app.test_request_context("/"):
        for ground in Ground:
            rel = DeclaredRelationship(neutral_id=w.neutral.id, ground=ground, counterpart_name="Kaveri Looms")
            for role in (conflicts.CREDITOR, conflicts.DEBTOR, conflicts.DEBTOR_REPRESENTATIVE,
                         conflicts.CREDITOR_ADVOCATE):
                found = conflicts.Conflict(rel, conflicts.Counterpart(role, "Kaveri Looms Pvt Ltd"))
                assert found.sentence == found.message
