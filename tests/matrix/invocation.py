"""Invoking arbitration (arbitration/invocation/views.py). Everyone in a served case reads the basis
page; the creditor's side records the basis, drafts the s.21 notice and invokes; both parties (not
the neutral, not the institution) accept a submission agreement; the MSMED export goes to those who
may export the bundle. A step the state refuses is a 409 (422 for a form it cannot act on);
strangers get 404."""
from __future__ import annotations

from arbitration.invocation import basis as bases
from arbitration.invocation.models import BasisKind
from portal.cases.states import CaseStatus
from tests.matrix.common import CREDITORS, VIEWERS, Probe, allow

S = CaseStatus
CREDITOR_SIDE = CREDITORS | {"advocate"}
PARTIES = CREDITOR_SIDE | {"debtor"}
EXPORTERS = CREDITOR_SIDE | {"admin"}


def url(suffix: str = ""):
    return lambda w: f"/arbitration/{w.case(S.IN_NEGOTIATION).reference}/invocation{suffix}"


def with_submission(suffix: str):
    """The world's disputed case with a submission agreement awaiting both parties."""
    def path(w):
        case = w.case(S.IN_NEGOTIATION)
        basis = bases.current(case)
        if basis is None or basis.kind != BasisKind.SUBMISSION_AGREEMENT:
            bases.propose_submission_agreement(w.creditor_admin, case, seat="Pune")
        return f"/arbitration/{case.reference}/invocation{suffix}"
    return path


ROUTES = {
    ("invocation.show", "GET"): Probe(url(), allow(VIEWERS, 200)),
    # An empty form: the creditor's side sees it again with the reasons.
    ("invocation.record_clause", "POST"): Probe(url("/clause"), allow(CREDITOR_SIDE, 422)),
    ("invocation.propose_submission", "POST"): Probe(url("/submission-agreement"), allow(CREDITOR_SIDE, 302),
                                                     form=lambda w: {"seat": "Pune"}),
    ("invocation.submission_pdf", "GET"): Probe(with_submission("/submission-agreement.pdf"), allow(VIEWERS, 200)),
    ("invocation.send_code", "POST"): Probe(with_submission("/submission-agreement/code"), allow(PARTIES, 302),
                                            form=lambda w: {"destination": "0"}),
    # No code was sent: the parties are told so (422).
    ("invocation.accept", "POST"): Probe(with_submission("/submission-agreement/accept"), allow(PARTIES, 422),
                                         form=lambda w: {"code": "000000"}),
    # The world's case is a commercial claim: the MSMED route is refused (409); no export without it (404).
    ("invocation.choose_msmed", "POST"): Probe(url("/msmed"), allow(CREDITOR_SIDE, 409)),
    ("invocation.msmed_zip", "GET"): Probe(url("/msmed-export.zip"), allow(EXPORTERS, 404)),
    # No agreement on record yet: drafting is a 409; invoking without a signed notice a 422.
    ("invocation.draft_notice", "POST"): Probe(url("/notice"), allow(CREDITOR_SIDE, 409)),
    ("invocation.invoke", "POST"): Probe(url("/invoke"), allow(CREDITOR_SIDE, 422),
                                         form=lambda w: {"email": "y"}),
}
