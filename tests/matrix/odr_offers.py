"""Offers, the conciliator's proposal and blind bidding in the ODR room (arbitration/odr/views/offers.py,
arbitration/odr/views/bidding.py). Answering your own side's offer or bidding proposal is a 409 (the
move exists, not for you); the wrong role gets 403; strangers to the case 404."""
from __future__ import annotations

from datetime import timedelta

from arbitration.odr import blind_bidding, offers
from portal.accounts.policy import Side
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from tests.matrix.common import CREDITORS, VIEWERS, Probe, allow

S = CaseStatus
PARTIES = CREDITORS | {"advocate", "debtor"}
CREDITOR_SIDE = CREDITORS | {"advocate"}


def room(w, suffix: str = "", status: S = S.IN_NEGOTIATION) -> str:
    return f"/odr/{w.case(status).reference}{suffix}"


def creditor_offer(w):
    from arbitration.settlement.terms import SettlementTerms

    case = w.case(S.IN_NEGOTIATION)
    terms = SettlementTerms.lump_sum("100000", today_ist() + timedelta(days=10), today=today_ist())
    return offers.make_offer(case, side=Side.CREDITOR, terms=terms, actor=w.creditor_admin)


def creditor_bidding(w, *, agreed: bool = False):
    agreement = blind_bidding.propose_bidding(w.case(S.IN_NEGOTIATION), side=Side.CREDITOR,
                                              actor=w.creditor_admin, rounds=3)
    if agreed:
        blind_bidding.agree_bidding(agreement, side=Side.DEBTOR, actor=w.debtor)
    return agreement


def offer_url(action: str):
    return lambda w: room(w, f"/offers/{creditor_offer(w).id}/{action}")


def bidding_url(action: str, *, agreed: bool = False):
    return lambda w: room(w, f"/bidding/{creditor_bidding(w, agreed=agreed).id}/{action}")


def offer_form(w) -> dict:
    return {"kind": "lump_sum", "total": "90000", "pay_by": (today_ist() + timedelta(days=7)).isoformat()}


ANSWER = allow(CREDITOR_SIDE, 409, debtor=302)   # the debtor answers; the creditor's side cannot

ROUTES = {
    ("offers.list_offers", "GET"): Probe(lambda w: room(w, "/offers"), allow(VIEWERS, 200)),
    ("offers.make_offer", "POST"): Probe(lambda w: room(w, "/offers"), allow(PARTIES, 302), form=offer_form),
    ("offers.counter_offer", "POST"): Probe(offer_url("counter"), ANSWER, form=offer_form),
    ("offers.accept_offer", "POST"): Probe(offer_url("accept"), ANSWER, form=lambda w: {}),
    ("offers.reject_offer", "POST"): Probe(offer_url("reject"), ANSWER, form=lambda w: {}),
    ("offers.withdraw_offer", "POST"): Probe(offer_url("withdraw"), allow(CREDITOR_SIDE, 302, debtor=409),
                                             form=lambda w: {}),
    ("offers.propose", "POST"): Probe(lambda w: room(w, "/proposals", S.IN_CONCILIATION), {"neutral": 302},
                                      form=offer_form),
    ("offers.bidding", "GET"): Probe(lambda w: room(w, "/bidding"), allow(VIEWERS, 200)),
    ("offers.bidding_status", "GET"): Probe(lambda w: room(w, "/bidding.json"), allow(VIEWERS, 200)),
    ("offers.propose_bidding", "POST"): Probe(
        lambda w: room(w, "/bidding"), allow(PARTIES, 302),
        form=lambda w: {"rounds": "3", "gap_kind": "percent", "gap_value": "5", "pay_within_days": "15"}),
    ("offers.agree_bidding", "POST"): Probe(bidding_url("agree"), ANSWER, form=lambda w: {}),
    ("offers.decline_bidding", "POST"): Probe(bidding_url("decline"), ANSWER, form=lambda w: {}),
    ("offers.withdraw_bidding", "POST"): Probe(bidding_url("withdraw"), allow(CREDITOR_SIDE, 302, debtor=409),
                                               form=lambda w: {}),
    ("offers.submit_bid", "POST"): Probe(bidding_url("bids", agreed=True), allow(PARTIES, 302),
                                         form=lambda w: {"amount": "50000"}),
}
