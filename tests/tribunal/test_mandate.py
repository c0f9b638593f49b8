"""The tribunal's mandate (A&C s.23(4), s.12(5), s.14): the six months for the pleadings run from the
arbitrator's receipt of the written notice of appointment, recorded when it first opens the invitation
(not its acceptance); the Seventh Schedule check runs again at each disclosure update and covers each
party's counsel, and an arbitrator it finds ineligible can no longer act."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from arbitration.proceedings import conduct as proceedings
from arbitration.tribunal import appointments as tribunal
from arbitration.tribunal import conflicts, disclosure
from arbitration.tribunal.models import AppointmentStatus, DeclaredRelationship, Ground
from notices.models import Notice, NoticeKind
from portal.audit import AuditEvent
from portal.database import commit
from portal.extensions import db
from portal.types import IST, to_ist
from tests.factories import AdvocateFactory
from tests.tribunal.helpers import actions, full_disclosure, world


def test_the_pleadings_clock_runs_from_the_receipt_of_the_notice_of_appointment(client, auth, db_session):
    w = world()
    appointment = tribunal.appoint_by_institution(w.admin, w.case, w.neutral)
    db.session.commit()
    auth.login_as(w.neutral)
    assert client.get(f"/arbitration/invitations/{appointment.id}").status_code == 200
    db.session.refresh(appointment)
    first = appointment.notice_received_at
    assert first is not None and actions(w.case)[-1] == "arbitration.appointment_notice_received"
    client.get(f"/arbitration/invitations/{appointment.id}")  # a second look changes nothing
    db.session.refresh(appointment)
    assert appointment.notice_received_at == first
    # Hand-worked: received on 3 Aug 2026 (IST), accepted on 20 Aug: s.23(4) ends on 3 Feb 2027.
    appointment.notice_received_at = datetime(2026, 8, 3, 10, 0, tzinfo=IST)
    tribunal.accept(w.neutral, appointment, full_disclosure())
    appointment.answered_at = datetime(2026, 8, 20, 10, 0, tzinfo=IST)
    db.session.flush()
    assert to_ist(appointment.answered_at).date().isoformat() == "2026-08-20"
    received = proceedings.appointment_date(w.case, to_ist(appointment.answered_at).date())
    assert received.isoformat() == "2026-08-03"
    proceedings.open_proceedings(w.neutral, w.case, received)
    (s23,) = [c for c in proceedings.case_clocks(w.case, received) if c.key == "s23_4"]
    assert s23.starts_on.isoformat() == "2026-08-03" and s23.due_on.isoformat() == "2027-02-03"


def test_a_disclosure_update_runs_the_check_again_and_counsel_counts(db_session, outbox):
    w = world()
    appointment = tribunal.accept(w.neutral, tribunal.appoint_by_institution(w.admin, w.case, w.neutral),
                                  full_disclosure())
    # Declared long ago against a lawyer then unconnected with the case.
    db.session.add(DeclaredRelationship(neutral_id=w.neutral.id, ground=Ground.SAME_LAW_FIRM,
                                        counterpart_name="Adv. R. Kulkarni", email="r.kulkarni@law.example"))
    disclosure.file_update(w.neutral, appointment, "I now sit on a bar association committee.")
    assert appointment.status == AppointmentStatus.ACCEPTED and tribunal.may_act(w.case, w.neutral)
    # That lawyer signs a notice for the claimant and is then replaced as its advocate: still its counsel.
    counsel = AdvocateFactory(name="Adv. R. Kulkarni", email="r.kulkarni@law.example")
    db.session.add(Notice(case_id=w.case.id, kind=NoticeKind.ARBITRATION_INVOCATION, advocate_id=counsel.id,
                          facts_version=1, created_by_id=w.staff.id, verification_code="ABCD234567"))
    db.session.flush()
    assert any(c.name == "Adv. R. Kulkarni" for c in conflicts.counterparts(w.case))
    assert not tribunal.may_act(w.case, w.neutral)  # ineligible at once: it cannot act (s.12(5))
    disclosure.file_update(w.neutral, appointment, "Counsel for the claimant is my partner's colleague.")
    assert appointment.status == AppointmentStatus.REMOVED and tribunal.current_appointment(w.case) is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "arbitration.arbitrator_ineligible"))
    assert "in the same law firm as Adv. R. Kulkarni" in event.data["grounds"][0]
    commit()  # the mails go after the commit
    # One mail per person for the transaction: the new disclosure and the end of the mandate together.
    told = [m for m in outbox() if "has ended" in m.get_body(("plain",)).get_content()]
    assert {w.staff.email, w.advocate.email} <= {m["To"] for m in told}
    assert "s.12(5)" in told[0].get_body(("plain",)).get_content()
    # The case waits for a substitute (s.15(2)).
    assert w.case in [case for case, _ in tribunal.cases_awaiting_tribunal()]
    assert timedelta(0) <= appointment.challenge_deadline - appointment.answered_at
