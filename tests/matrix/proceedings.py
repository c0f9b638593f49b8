"""The arbitral proceedings' pages (arbitration/proceedings/views/: calendar.py, hearings.py,
neutral_keys.py). Everyone in the case reads them; each party files against its own steps (the
other side's step is a 409); only the acting arbitrator conducts (the world's neutral, appointed, has
accepted and filed its disclosure); a step the case's state refuses is a 409. Strangers get 404."""
from __future__ import annotations

import io
from datetime import timedelta

from arbitration.proceedings import conduct as proceedings
from arbitration.proceedings import hearings, procedural_orders
from arbitration.proceedings.models import CalendarStep, ProceduralOrder, ProceedingParty, StepKind
from arbitration.tribunal import appointments as tribunal
from arbitration.tribunal.models import Appointment, AppointmentHow, AppointmentStatus
from evidence.services import store_pdf
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.types import utcnow
from tests.matrix.common import CREDITORS, NOBODY, VIEWERS, Probe, allow

S = CaseStatus
CLAIMANT_SIDE = CREDITORS | {"advocate"}
PARTIES = CLAIMANT_SIDE | {"debtor"}
NEUTRALS = frozenset({"neutral", "other_neutral"})
_PDF: dict[str, bytes] = {}


def running(w):
    """The world's case in arbitration with its proceedings opened (by the appointed neutral)."""
    case = w.case(S.IN_ARBITRATION)
    if tribunal.current_appointment(case) is None:
        db.session.add(Appointment(case_id=case.id, neutral_id=w.neutral.id, how=AppointmentHow.INSTITUTION,
                                   status=AppointmentStatus.ACCEPTED, disclosure={"circumstances": "None."},
                                   disclosure_filed_at=utcnow(), answered_at=utcnow(), agreed_at=utcnow()))
        db.session.flush()
    proceedings.open_proceedings(w.neutral, case, today_ist())
    return case


def defaulted(w):
    """The claim filed; the respondent's time for its defence ran yesterday with nothing filed (s.25)."""
    case = running(w)
    yesterday = today_ist() - timedelta(days=1)
    db.session.add_all([
        CalendarStep(case_id=case.id, kind=StepKind.STATEMENT_OF_CLAIM, party=ProceedingParty.CLAIMANT,
                     title="Statement of claim", due_on=yesterday, filed_at=utcnow()),
        CalendarStep(case_id=case.id, kind=StepKind.DEFENCE, party=ProceedingParty.RESPONDENT,
                     title="Statement of defence", due_on=yesterday)])
    db.session.flush()
    return case


def step(w):
    case = running(w)
    return proceedings.add_step(w.neutral, case, kind=StepKind.STATEMENT_OF_CLAIM, party=ProceedingParty.CLAIMANT,
                                due_on=today_ist() + timedelta(days=7), title="", today=today_ist())


def hearing(w):
    return hearings.schedule(w.neutral, running(w), starts_at=utcnow() + timedelta(days=2), duration_minutes=60,
                             video_link="https://meet.example.in/h", agenda="")


def order(w):
    case = running(w)
    if "pdf" not in _PDF:
        _PDF["pdf"] = procedural_orders.render(case, w.neutral, 1, "Directions.", utcnow())
    db.session.add(ProceduralOrder(case_id=case.id, number=1, text="Directions.", issued_by_id=w.neutral.id,
                                   signed_pdf_sha256=store_pdf(_PDF["pdf"])))
    db.session.flush()
    return case


def url(suffix: str = ""):
    return lambda w: f"/arbitration/{running(w).reference}/proceedings{suffix}"


def days(n: int) -> str:
    return (today_ist() + timedelta(days=n)).isoformat()


ARBITRATOR = frozenset({"neutral"})

ROUTES = {
    ("proceedings.show", "GET"): Probe(url(), allow(VIEWERS, 200)),
    ("proceedings.add_step", "POST"): Probe(url("/steps"), allow(ARBITRATOR, 302), form=lambda w: {
        "kind": "defence", "party": "respondent", "due_on": days(7)}),
    ("proceedings.extend_step", "POST"): Probe(
        lambda w: f"/arbitration/{w.case(S.IN_ARBITRATION).reference}/proceedings/steps/{step(w).id}/extend",
        allow(ARBITRATOR, 302), form=lambda w: {"due_on": days(9)}),
    ("proceedings.file_step", "POST"): Probe(
        lambda w: f"/arbitration/{w.case(S.IN_ARBITRATION).reference}/proceedings/steps/{step(w).id}/file",
        allow(CLAIMANT_SIDE, 302, debtor=409),
        form=lambda w: {"file": (io.BytesIO(b"Statement of claim.\n"), "claim.txt")}),
    ("proceedings.close_pleadings", "POST"): Probe(
        lambda w: f"/arbitration/{defaulted(w).reference}/proceedings/pleadings/close", allow(ARBITRATOR, 302)),
    ("proceedings.consent_fast_track", "POST"): Probe(url("/fast-track/consent"), allow(PARTIES, 302)),
    ("proceedings.start_fast_track", "POST"): Probe(url("/fast-track"), allow(ARBITRATOR, 409)),  # no consents
    ("proceedings.record_fee", "POST"): Probe(url("/fees"), allow(ARBITRATOR, 302), form=lambda w: {
        "party": "claimant", "amount": "1000", "received_on": days(0), "reference": "UTR1"}),
    ("proceedings.record_extension", "POST"): Probe(url("/extensions"), allow(ARBITRATOR, 302),
                                                    form=lambda w: {"months": "2", "basis": "consent"}),
    ("proceedings.schedule_hearing", "POST"): Probe(url("/hearings"), allow(ARBITRATOR, 302), form=lambda w: {
        "date": days(3), "time": "11:00", "duration_minutes": "60", "video_link": "https://meet.example.in/x"}),
    ("proceedings.show_hearing", "GET"): Probe(
        lambda w: f"/arbitration/{w.case(S.IN_ARBITRATION).reference}/proceedings/hearings/{hearing(w).id}",
        allow(VIEWERS, 200)),
    ("proceedings.record_minutes", "POST"): Probe(
        lambda w: f"/arbitration/{w.case(S.IN_ARBITRATION).reference}/proceedings/hearings/{hearing(w).id}/minutes",
        allow(ARBITRATOR, 409), form=lambda w: {"minutes": "Heard."}),  # not started yet
    ("proceedings.issue_order", "POST"): Probe(url("/orders"), allow(ARBITRATOR, 409),  # no signing key
                                                 form=lambda w: {"text": "Directions."}),
    ("proceedings.order_pdf", "GET"): Probe(lambda w: f"/arbitration/{order(w).reference}/proceedings/orders/1.pdf",
                                            allow(VIEWERS, 200)),
    ("proceedings.neutral_certificate", "GET"): Probe(lambda w: "/arbitration/neutral/certificate",
                                                      allow(NEUTRALS, 200), hidden_from=NOBODY),
    ("proceedings.neutral_certificate", "POST"): Probe(lambda w: "/arbitration/neutral/certificate",
                                                       allow(NEUTRALS, 422), form=lambda w: {"passphrase": "x"},
                                                       hidden_from=NOBODY),
}
