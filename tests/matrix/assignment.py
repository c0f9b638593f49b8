"""The case's advocate: the creditor assigns or changes it on the case page and from the case list;
the assigned advocate declines (a confirmation page, then the POST with a reason)."""
from __future__ import annotations

from tests.matrix.common import CREDITORS, NOBODY, Probe, allow, case_url

ROUTES = {
    # Change the FILED case's advocate to the organisation's other engaged advocate.
    ("cases.assign_advocate", "POST"): Probe(
        case_url(suffix="/advocate"), allow(CREDITORS, 302),
        form=lambda w: {"advocate_id": str(w.unassigned_advocate.id), "current": str(w.advocate.id)}),
    # No case in the URL: another organisation's staff pass authorization, find no such case and
    # no such advocate of theirs, and are told so (422), nothing changed.
    ("cases.assign_selected", "POST"): Probe(
        lambda w: "/cases/assign", allow(CREDITORS, 302, other_creditor=422), hidden_from=NOBODY,
        form=lambda w: {"cases": str(w.case().id), "advocate_id": str(w.unassigned_advocate.id)}),
    ("cases.decline_case", "GET"): Probe(case_url(suffix="/decline"), {"advocate": 200}),
    ("cases.decline_case", "POST"): Probe(
        case_url(suffix="/decline"), {"advocate": 302},
        form=lambda w: {"reason": "I act for the debtor in another matter: a conflict of interest."}),
}
