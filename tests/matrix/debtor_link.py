"""The debtor's own page of a case (reached with an account or through the personal link)."""
from __future__ import annotations

from portal.cases.states import CaseStatus
from portal.extensions import db
from tests.matrix.common import Probe

S = CaseStatus


def served_notice(w):
    """The world's signed notice, its case moved on to served (as dispatch would)."""
    notice = w.signed_notice()
    notice.case._status = S.NOTICE_SERVED
    db.session.flush()
    return notice


ROUTES = {
    ("debtor_case.home", "GET"): Probe(lambda w: f"/d/{w.case(S.NOTICE_SERVED).reference}", {"debtor": 200}),
    ("debtor_case.notice_pdf", "GET"): Probe(
        lambda w: (lambda n: f"/d/{n.case.reference}/notices/{n.id}.pdf")(served_notice(w)), {"debtor": 200}),
    ("debtor_case.acknowledge", "POST"): Probe(
        lambda w: (lambda n: f"/d/{n.case.reference}/notices/{n.id}/acknowledge")(served_notice(w)),
        {"debtor": 302}, form=lambda w: {}),
}
