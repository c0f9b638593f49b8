"""The award's pages (arbitration/awards/views.py). Every party reads the page and, once signed, the
award's PDF; only the acting arbitrator (the world's neutral, accepted with its disclosure filed)
drafts, finalises and signs (a step the award's state refuses is a 409); the claimant's side and the
institution record a s.34 challenge or a court's extension; the claimant or the institution closes
(refused, 409, while the s.34 window is open). Strangers to the case get 404."""
from __future__ import annotations

from decimal import Decimal

from arbitration.awards import making as awards
from arbitration.awards.models import (
    Award,
    AwardService,
    AwardSide,
    AwardStatus,
    CostsBorneBy,
    PostInterestBasis,
)
from arbitration.tribunal import appointments as tribunal
from arbitration.tribunal.models import Appointment, AppointmentHow, AppointmentStatus
from evidence.services import store_pdf
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.pdf import html_to_pdf
from portal.types import utcnow
from tests.matrix.common import CREDITORS, VIEWERS, Probe, allow

S = CaseStatus
CLAIMANT_SIDE = CREDITORS | {"advocate"}
_PDF: dict[str, bytes] = {}


def arbitrating(w, status: S = S.IN_ARBITRATION):
    """The world's case with its neutral accepted and disclosed, so it acts as arbitrator."""
    case = w.case(status)
    if tribunal.current_appointment(case) is None:
        db.session.add(Appointment(case_id=case.id, neutral_id=w.neutral.id, how=AppointmentHow.INSTITUTION,
                                   status=AppointmentStatus.ACCEPTED, disclosure={"circumstances": "None."},
                                   disclosure_filed_at=utcnow(), answered_at=utcnow(), agreed_at=utcnow()))
        db.session.flush()
    return case


def drafted(w):
    case = arbitrating(w)
    if awards.award_for(case) is None:
        awards.start(w.neutral, case)
    return case


def served(w):
    """An awarded case whose signed award was served (signing itself is tested in tests/awards)."""
    case = arbitrating(w, S.AWARDED)
    if awards.award_for(case) is None:
        if "pdf" not in _PDF:
            _PDF["pdf"] = html_to_pdf("<h1>Arbitral award</h1>")
        sha = store_pdf(_PDF["pdf"])
        award = Award(case_id=case.id, status=AwardStatus.SERVED, drafted_by_id=w.neutral.id,
                      unsigned_pdf_sha256=sha, signed_pdf_sha256=sha, signed_at=utcnow(),
                      award_date=today_ist(), seat="Pune", principal=Decimal("1000.00"),
                      pre_rate=Decimal("0"), pre_amount=Decimal("0"), post_basis=PostInterestBasis.STATUTORY,
                      post_current_rate=Decimal("7.00"), post_rate=Decimal("9.00"), costs=Decimal("0"),
                      costs_borne_by=CostsBorneBy.SHARED)
        award.services = [AwardService(side=AwardSide.CLAIMANT, route="account", received_at=utcnow()),
                          AwardService(side=AwardSide.RESPONDENT, route="e-mail", received_at=utcnow())]
        db.session.add(award)
        db.session.flush()
    return case


def url(build, suffix: str = ""):
    return lambda w: f"/arbitration/{build(w).reference}/award{suffix}"


ROUTES = {
    ("awards.show", "GET"): Probe(url(arbitrating), allow(VIEWERS, 200)),
    ("awards.start", "POST"): Probe(url(arbitrating, "/start"), {"neutral": 302}),
    ("awards.update", "POST"): Probe(url(drafted), {"neutral": 302},
                                     form=lambda w: {"seat": "Pune", "principal": "1000.00"}),
    # The draft lacks s.31 elements, so finalising is refused; a draft is neither reopened nor signed.
    ("awards.finalise", "POST"): Probe(url(drafted, "/finalise"), {"neutral": 409}),
    ("awards.reopen", "POST"): Probe(url(drafted, "/reopen"), {"neutral": 409}),
    ("awards.sign", "POST"): Probe(url(drafted, "/sign"), {"neutral": 409}),
    ("awards.download", "GET"): Probe(url(served, ".pdf"), allow(VIEWERS, 200)),
    ("awards.challenge", "POST"): Probe(url(served, "/challenge"), allow(CLAIMANT_SIDE | {"admin"}, 302),
                                        form=lambda w: {"filed_on": today_ist().isoformat(),
                                                        "note": "Commercial Court, Pune, AP 1/2026"}),
    ("awards.extension", "POST"): Probe(url(served, "/extension"), allow(CLAIMANT_SIDE | {"admin"}, 302),
                                        form=lambda w: {"days": "10"}),
    ("awards.close", "POST"): Probe(url(served, "/close"), allow(CREDITORS | {"admin"}, 409),
                                    form=lambda w: {"note": ""}),
}

