"""The settlement agreement's pages (arbitration/settlement/views.py). Every party reads it; the
parties and the neutral agree to it (a step out of turn or without a key is a 409, the wrong role
403); strangers to the case get 404. After a default only the creditor's side invokes arbitration."""
from __future__ import annotations

from datetime import timedelta

from arbitration.settlement import agreements as settlement
from arbitration.settlement.models import AgreementStatus
from arbitration.settlement.terms import SettlementTerms
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.extensions import db
from tests.matrix.common import CREDITORS, VIEWERS, Probe, allow

S = CaseStatus
CREDITOR_SIDE = CREDITORS | {"advocate"}
SIGNERS = CREDITOR_SIDE | {"debtor"}


def with_agreement(w, status: S = S.IN_NEGOTIATION, *, signed: bool = False):
    """The world's case in `status` with a settlement agreement (made while negotiating)."""
    case = w.case(status)
    if settlement.latest_agreement(case) is None:
        case._status = S.IN_NEGOTIATION
        terms = SettlementTerms.lump_sum("50000", today_ist() + timedelta(days=10), today=today_ist())
        agreement = settlement.create_agreement(case, terms, source="matrix", actor=w.creditor_admin)
        if signed:  # the signatures themselves are tested in tests/settlement
            agreement.status = AgreementStatus.SIGNED
            agreement.final_pdf_sha256 = agreement.unsigned_pdf_sha256
        case._status = status
        db.session.flush()
    return case


def url(suffix: str, status: S = S.IN_NEGOTIATION, *, signed: bool = False):
    return lambda w: f"/odr/{with_agreement(w, status, signed=signed).reference}/settlement{suffix}"


ROUTES = {
    ("settlement.show", "GET"): Probe(url(""), allow(VIEWERS, 200)),
    ("settlement.send_code", "POST"): Probe(url("/code"), allow(SIGNERS, 302, neutral=409),
                                            form=lambda w: {"destination": "0"}),
    ("settlement.accept", "POST"): Probe(url("/accept"), allow(SIGNERS, 422, neutral=409),
                                         form=lambda w: {"code": "000000"}),
    # Nobody in the world has a stored DSC: the creditor's side is refused for that, the others for side.
    ("settlement.sign_dsc", "POST"): Probe(url("/sign"), allow(SIGNERS | {"neutral"}, 409)),
    # No provider is configured in the matrix: whoever may sign gets as far as choosing one (400).
    ("settlement.sign_with_provider", "POST"): Probe(url("/provider"), allow(SIGNERS | {"neutral"}, 400),
                                                     form=lambda w: {"provider": "docusign"}),
    ("settlement.cancel", "POST"): Probe(url("/cancel"), allow(SIGNERS | {"neutral"}, 302),
                                         form=lambda w: {"reason": "The dates have changed"}),
    ("settlement.draft_pdf", "GET"): Probe(url("/1/draft.pdf"), allow(VIEWERS, 200)),
    ("settlement.final_pdf", "GET"): Probe(url("/1/agreement.pdf", S.SETTLED, signed=True), allow(VIEWERS, 200)),
}
