"""The ODR room: messages, the polling feed, opening the room, asking for a conciliator, the private
sessions (caucus) and the institution's appointment of a neutral."""
from __future__ import annotations

from portal.cases.states import CaseStatus
from tests.matrix.common import CREDITORS, NOBODY, VIEWERS, Probe, allow

S = CaseStatus
PARTIES = CREDITORS | {"advocate", "debtor"}  # the two sides (the creditor's staff and its advocate; the debtor)


def odr(status: S, suffix: str = ""):
    return lambda w: f"/odr/{w.case(status).reference}{suffix}"


ROUTES = {
    ("odr.room", "GET"): Probe(odr(S.IN_NEGOTIATION), allow(VIEWERS, 200)),
    ("odr.messages_json", "GET"): Probe(odr(S.IN_NEGOTIATION, "/messages.json?after=0"), allow(VIEWERS, 200)),
    # The platform admin observes the room but does not write in it.
    ("odr.post_message", "POST"): Probe(odr(S.IN_NEGOTIATION, "/messages"), allow(PARTIES | {"neutral"}, 302),
                                        form=lambda w: {"body": "Can we agree on 45 days?"}),
    ("odr.open_room", "POST"): Probe(odr(S.NOTICE_SERVED, "/open"), allow(PARTIES, 302), form=lambda w: {}),
    ("odr.request_conciliation", "POST"): Probe(odr(S.IN_NEGOTIATION, "/conciliation"), allow(PARTIES, 302),
                                                form=lambda w: {"reason": "We are stuck on interest."}),
    # Private sessions: the neutral and each side; never the institution.
    ("odr.caucus", "GET"): Probe(odr(S.IN_CONCILIATION, "/caucus"), allow(PARTIES | {"neutral"}, 200)),
    ("odr.post_caucus_message", "POST"): Probe(
        odr(S.IN_CONCILIATION, "/caucus/messages"), allow(PARTIES | {"neutral"}, 302),
        form=lambda w: {"body": "Only for the conciliator.", "side": "debtor"}),
    ("odr.conciliation_requests", "GET"): Probe(lambda w: "/admin/conciliation-requests", {"admin": 200},
                                                hidden_from=NOBODY),
    # The appointed conciliator discloses and accepts before acting; the world's neutral has accepted in
    # the world's case (the page shows it; answering again is a 409), a fresh case awaits its answer.
    ("odr.accept_conciliation", "GET"): Probe(odr(S.IN_CONCILIATION, "/conciliator"), {"neutral": 200}),
    ("odr.accept_conciliation", "POST"): Probe(
        lambda w: f"/odr/{w.new_case(S.IN_CONCILIATION, conciliator_accepted=False).reference}/conciliator",
        {"neutral": 302}, form=lambda w: {
            "name": "N", "contact": "n@example.in", "experience": "Ten conciliations.", "ongoing": "0",
            "relationships": "no", "time": "no", "seventh_schedule": "y"}),
    ("odr.appoint_neutral", "GET"): Probe(odr(S.IN_NEGOTIATION, "/appoint"), {"admin": 200}),
    ("odr.appoint_neutral", "POST"): Probe(odr(S.IN_NEGOTIATION, "/appoint"), {"admin": 302},
                                           form=lambda w: {"neutral_id": str(w.neutral.id)}),
}
