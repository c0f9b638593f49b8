"""Actions that ask first (issue 16, item 7): the confirmation page of withdrawing a claim and of
marking it paid, and its POST with the reason; a debtor's personal link revoked the same way."""
from __future__ import annotations

from portal.cases.states import CaseStatus
from portal.debtor import links
from tests.matrix.common import CREDITORS, Probe, allow, case_url
from tests.matrix.debtor_link import served_notice

S = CaseStatus
REASON = {"reason": "Filed against the wrong company by mistake."}


def link_url(w) -> str:
    notice = served_notice(w)
    link, _token = links.issue(notice.case_id, notice.id, None)
    return f"/cases/{notice.case.reference}/links/{link.id}/revoke"


ROUTES = {
    ("cases.confirm_transition", "GET"): Probe(case_url(S.FILED, "/actions/withdraw/confirm"),
                                               allow(CREDITORS, 200)),
    ("cases.confirm_transition", "POST"): Probe(case_url(S.NOTICE_SERVED, "/actions/mark_paid/confirm"),
                                                allow(CREDITORS, 302), form=lambda w: REASON),
    ("debtor_links.revoke", "GET"): Probe(link_url, allow(CREDITORS | {"advocate"}, 200)),
    ("debtor_links.revoke", "POST"): Probe(link_url, allow(CREDITORS | {"advocate"}, 302),
                                           form=lambda w: REASON),
}
