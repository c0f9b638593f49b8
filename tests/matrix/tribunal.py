"""The tribunal's pages (arbitration/tribunal/views/: tribunal.py, panel.py). Everyone in the case reads
the tribunal page; only the institution appoints on its own; the parties propose and the other side
agrees (the proposer's own side is a 409: no party appoints alone); only the accepted arbitrator
discloses and decides a challenge. The panel pages are per user: a neutral's own listing and
invitations (another neutral's invitation is a 404); strangers to a case get 404."""
from __future__ import annotations

from datetime import timedelta

from arbitration.tribunal import appointments as tribunal
from arbitration.tribunal import authority, panel
from arbitration.tribunal.models import Appointment, AppointmentHow, AppointmentStatus, Challenge, Ground
from portal.accounts.policy import Side
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.types import utcnow
from tests.factories import NeutralFactory
from tests.matrix.common import CREDITORS, NOBODY, VIEWERS, Probe, allow

S = CaseStatus
PARTIES = CREDITORS | {"advocate", "debtor"}
NEUTRALS = frozenset({"neutral", "other_neutral"})
NOT_NEUTRALS = frozenset({"creditor_admin", "creditor_staff", "advocate", "debtor", "admin", "other_creditor",
                          "unengaged_advocate", "unassigned_advocate", "other_debtor"})


def fresh_neutral(w) -> str:
    """A panel neutral free of the world's case (the world's own neutral is on it as conciliator);
    kept on the world so the path and the form name the same one."""
    if getattr(w, "tribunal_neutral_id", None) is None:
        w.tribunal_neutral_id = NeutralFactory().id
    return str(w.tribunal_neutral_id)


def arb(w):
    return w.case(S.IN_ARBITRATION)


def constituted(w, *, challenged: bool = False):
    """The world's neutral accepted the appointment and filed its disclosure."""
    case = arb(w)
    if tribunal.current_appointment(case) is None:
        at = utcnow() - timedelta(days=1)
        appointment = Appointment(case_id=case.id, neutral_id=w.neutral.id, how=AppointmentHow.INSTITUTION,
                                  status=AppointmentStatus.ACCEPTED, disclosure={"name": w.neutral.name},
                                  disclosure_filed_at=at, answered_at=at, agreed_at=at,
                                  challenge_deadline=at + timedelta(days=15))
        db.session.add(appointment)
        if challenged:
            appointment.status = AppointmentStatus.CHALLENGED
            db.session.add(Challenge(appointment=appointment, side=Side.DEBTOR, reasons="Doubts."))
        db.session.flush()
    return case


def consented(w):
    """Both parties agreed in writing that the institution appoints (s.11), so the admin may."""
    case = arb(w)
    if not authority.both_consented(case):
        authority.give_consent(w.creditor_admin, case)
        authority.give_consent(w.debtor, case)
    return case


def proposed(w):
    case = arb(w)
    if tribunal.pending_appointment(case) is None:
        tribunal.propose(w.creditor_admin, case, db.session.get(type(w.neutral), int(fresh_neutral(w))))
    return case


def invitation(w) -> int:
    """An institutional appointment of the world's neutral, waiting for its answer, in a case of its own."""
    case = w.new_case(S.IN_ARBITRATION)
    case.neutral_id = None
    appointment = Appointment(case_id=case.id, neutral_id=w.neutral.id, how=AppointmentHow.INSTITUTION,
                              status=AppointmentStatus.PROPOSED, agreed_by_id=w.admin.id, agreed_at=utcnow())
    db.session.add(appointment)
    db.session.flush()
    return appointment.id


def declared(w) -> int:
    return panel.declare(w.neutral, ground=Ground.ADVISER, counterpart_name="Nandi Mills").id


def url(suffix: str = "", build=arb):
    return lambda w: f"/arbitration/{build(w).reference}/tribunal{suffix}"


DISCLOSURE = {"name": "N", "contact": "n@example.in", "experience": "Ten arbitrations.", "ongoing": "0",
              "relationships": "no", "time": "no", "seventh_schedule": "y"}

ROUTES = {
    ("tribunal.awaiting", "GET"): Probe(lambda w: f"/arbitration/tribunals/awaiting?{proposed(w).id}", {"admin": 200},
                                        hidden_from=NOBODY),
    ("tribunal.show", "GET"): Probe(url(), allow(VIEWERS, 200)),
    ("tribunal.appoint", "POST"): Probe(url("/appoint", consented), {"admin": 302},
                                        form=lambda w: {"neutral_id": fresh_neutral(w)}),
    ("tribunal.consent_institution", "POST"): Probe(url("/institution-consent"), allow(PARTIES, 302)),
    # No agreement names the institution in the world's case: the court appoints, the parties get the bundle.
    ("tribunal.s11_bundle", "GET"): Probe(url("/s11-application.zip"), allow(PARTIES, 200)),
    ("tribunal.propose", "POST"): Probe(url("/propose"), allow(PARTIES, 302),
                                        form=lambda w: {"neutral_id": fresh_neutral(w)}),
    # The creditor's side proposed: it cannot also agree (409); the debtor agrees.
    ("tribunal.agree", "POST"): Probe(url("/agree", proposed), allow(CREDITORS | {"advocate"}, 409, debtor=302)),
    ("tribunal.update_disclosure", "POST"): Probe(url("/disclosure", constituted), {"neutral": 302},
                                                  form=lambda w: {"circumstances": "A new matter."}),
    ("tribunal.challenge", "POST"): Probe(url("/challenge", constituted), allow(PARTIES, 302),
                                          form=lambda w: {"reasons": "Justifiable doubts."}),
    ("tribunal.decide_challenge", "POST"): Probe(
        url("/challenge/decide", lambda w: constituted(w, challenged=True)), {"neutral": 302},
        form=lambda w: {"decision": "rejected", "reasons": "No basis."}),
    ("tribunal.edit_profile", "GET"): Probe(lambda w: "/arbitration/panel/profile", allow(NEUTRALS, 200),
                                            hidden_from=NOBODY),
    ("tribunal.edit_profile", "POST"): Probe(
        lambda w: "/arbitration/panel/profile", allow(NEUTRALS, 302), hidden_from=NOBODY,
        form=lambda w: {"expertise": "MSME", "languages": "English", "fee_schedule": "", "base_fee": "1000",
                        "available": "y", "availability_note": ""}),
    ("tribunal.declare_relationship", "POST"): Probe(
        lambda w: "/arbitration/panel/relationships", allow(NEUTRALS, 302), hidden_from=NOBODY,
        form=lambda w: {"ground": "director", "counterpart_name": "Nandi Mills"}),
    ("tribunal.withdraw_relationship", "POST"): Probe(
        lambda w: f"/arbitration/panel/relationships/{declared(w)}/withdraw", {"neutral": 302},
        hidden_from=frozenset({"other_neutral"})),
    ("tribunal.browse_panel", "GET"): Probe(lambda w: "/arbitration/panel?language=english",
                                            allow(NOT_NEUTRALS, 200), hidden_from=NOBODY),
    ("tribunal.invitations", "GET"): Probe(lambda w: "/arbitration/invitations", allow(NEUTRALS, 200),
                                           hidden_from=NOBODY),
    ("tribunal.invitation", "GET"): Probe(lambda w: f"/arbitration/invitations/{invitation(w)}", {"neutral": 200},
                                          hidden_from=frozenset({"other_neutral"})),
    ("tribunal.invitation", "POST"): Probe(lambda w: f"/arbitration/invitations/{invitation(w)}",
                                           {"neutral": 302}, form=lambda w: DISCLOSURE,
                                           hidden_from=frozenset({"other_neutral"})),
    ("tribunal.decline", "POST"): Probe(lambda w: f"/arbitration/invitations/{invitation(w)}/decline",
                                        {"neutral": 302}, form=lambda w: {"reason": "Too busy."},
                                        hidden_from=frozenset({"other_neutral"})),
}
