"""Blind bidding through the pages: both parties must agree; one sealed figure per side and round;
a crossing (or close enough) round settles at the midpoint; bad figures and moves are refused."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from arbitration.odr.models.offers import Bid, BiddingAgreement
from arbitration.odr.states import BiddingStatus
from arbitration.settlement.models import SettlementAgreement
from portal.audit import AuditEvent
from portal.cases.intake import today_ist
from portal.extensions import db
from tests.offers.world import Room


@pytest.fixture
def room(app, client, db_session, outbox):
    room = Room(app)
    room.client("guest", outbox)
    return room


def propose(room, who="creditor_admin", **form):
    return room.post(who, "/bidding", {"rounds": "3", "gap_kind": "percent", "gap_value": "0",
                                       "pay_within_days": "15", **form})


def the_agreement(room) -> BiddingAgreement:
    db.session.expire_all()
    return db.session.scalars(select(BiddingAgreement).where(BiddingAgreement.case_id == room.case.id)
                              .order_by(BiddingAgreement.id.desc())).first()


def bid(room, who, amount):
    return room.post(who, f"/bidding/{the_agreement(room).id}/bids", {"amount": amount})


def test_a_close_round_settles_at_the_midpoint(room):
    assert propose(room, rounds="3", gap_value="5").status_code == 302
    assert room.post("guest", f"/bidding/{the_agreement(room).id}/agree").status_code == 302
    assert the_agreement(room).status == BiddingStatus.ACTIVE

    assert bid(room, "creditor_admin", "150000").status_code == 302
    assert bid(room, "guest", "100000").status_code == 302      # 50,000 apart: no deal
    assert the_agreement(room).current_round == 2
    assert bid(room, "guest", "1,25,000").status_code == 302
    settled = bid(room, "advocate", "130000")                   # within 5% of 1,30,000
    assert settled.status_code == 302

    agreement = the_agreement(room)
    assert agreement.status == BiddingStatus.SETTLED and agreement.settled_amount == Decimal("127500.00")
    made = db.session.scalar(select(SettlementAgreement).where(SettlementAgreement.case_id == room.case.id))
    assert made.source == f"bidding:{agreement.id}" and made.total == Decimal("127500.00")
    assert made.terms.is_lump_sum and made.terms.instalments[0].due_on == today_ist() + timedelta(days=15)
    for who in ("creditor_staff", "guest", "neutral", "admin"):
        page = room.client(who).get(f"/odr/{room.ref}/bidding").get_data(as_text=True)
        assert "Settled at ₹1,27,500.00" in page and "No settlement in round 1" in page, who
        data = room.client(who).get(f"/odr/{room.ref}/bidding.json").get_json()["biddings"][0]
        assert data["status"] == "settled" and data["settled_amount"] == "127500.00"
        assert data["results"] == [{"round": 1, "result": "no_deal"}, {"round": 2, "result": "settled"}]
    # Even after settling, round 1's figures stay with their own side.
    assert "1,00,000" not in room.client("creditor_staff").get(f"/odr/{room.ref}/bidding").get_data(as_text=True)
    assert "1,50,000" not in room.client("guest").get(f"/odr/{room.ref}/bidding").get_data(as_text=True)


def test_bidding_needs_both_parties(room):
    propose(room, who="guest")
    agreement = the_agreement(room)
    assert agreement.side == "debtor" and agreement.proposed_by_id is None
    early = bid(room, "guest", "50000")
    assert early.status_code == 409 and "must agree" in early.get_data(as_text=True)
    own = room.post("guest", f"/bidding/{agreement.id}/agree")
    assert own.status_code == 409 and the_agreement(room).status == BiddingStatus.PROPOSED
    again = propose(room)
    assert again.status_code == 409 and "already proposed" in again.get_data(as_text=True)
    assert room.post("creditor_admin", f"/bidding/{agreement.id}/decline").status_code == 302
    assert the_agreement(room).status == BiddingStatus.DECLINED
    assert propose(room).status_code == 302
    assert room.post("creditor_staff", f"/bidding/{the_agreement(room).id}/withdraw").status_code == 302
    assert the_agreement(room).status == BiddingStatus.WITHDRAWN


def test_one_sealed_figure_per_side_and_round(room):
    propose(room, rounds="2")
    room.post("guest", f"/bidding/{the_agreement(room).id}/agree")
    assert bid(room, "creditor_admin", "150000").status_code == 302
    twice = bid(room, "advocate", "140000")
    assert twice.status_code == 409 and "already sealed" in twice.get_data(as_text=True)
    sealed = db.session.scalars(select(Bid).where(Bid.agreement_id == the_agreement(room).id)).all()
    assert [(b.side, b.amount) for b in sealed] == [("creditor", Decimal("150000.00"))]
    bid(room, "guest", "90000")
    bid(room, "guest", "91000")
    bid(room, "creditor_admin", "149000")
    agreement = the_agreement(room)
    assert agreement.status == BiddingStatus.EXHAUSTED and agreement.settled_amount is None
    late = bid(room, "guest", "95000")
    assert late.status_code == 409 and "not running" in late.get_data(as_text=True)


@pytest.mark.parametrize("amount, message", [
    ("200000.01", "cannot be more than the sum claimed"), ("0", "more than zero"), ("-5", "cannot be negative"),
    ("NaN", "must be written in digits"), ("sNaN", "must be written in digits"),
    ("1e999", "not with an exponent"), ("100.555", "at most two decimal places"), ("", "Give your figure"),
])
def test_bad_figures_are_refused(room, amount, message):
    propose(room)
    room.post("guest", f"/bidding/{the_agreement(room).id}/agree")
    refused = bid(room, "creditor_admin", amount)
    assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    assert the_agreement(room).bids == []


@pytest.mark.parametrize("form, message", [
    ({"rounds": "11"}, "between 1 and 10"), ({"rounds": "0"}, "between 1 and 10"), ({"rounds": "x"}, "Not a valid"),
    ({"gap_value": "60"}, "between 0% and 50%"), ({"gap_value": "-1"}, "0 or more"),
    ({"gap_value": "abc"}, "as a number"), ({"gap_kind": "weird"}, "Not a valid choice"),
    ({"pay_within_days": "400"}, "between 1 and 90"),
])
def test_bad_bidding_terms_are_refused(room, form, message):
    refused = propose(room, **form)
    assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    assert the_agreement(room) is None


def test_only_the_parties_bid(room):
    assert propose(room, who="neutral").status_code == 403
    assert propose(room, who="admin").status_code == 403
    propose(room)
    agreement = the_agreement(room)
    assert room.post("neutral", f"/bidding/{agreement.id}/agree").status_code == 403
    room.post("guest", f"/bidding/{agreement.id}/agree")
    assert bid(room, "neutral", "1000").status_code == 403
    assert bid(room, "admin", "1000").status_code == 403
    other = Room(room.app)
    assert other.post("creditor_admin", f"/bidding/{agreement.id}/bids", {"amount": "1000"}).status_code == 404


def test_the_audit_trail_records_who_sealed_never_what(room):
    propose(room, rounds="1")
    room.post("guest", f"/bidding/{the_agreement(room).id}/agree")
    bid(room, "creditor_admin", "150000")
    bid(room, "guest", "100000")
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.case_id == room.case.id, AuditEvent.action.startswith("bidding.")).order_by(AuditEvent.case_seq)).all()
    assert [e.action for e in events] == ["bidding.proposed", "bidding.agreed", "bidding.figure_sealed",
                                          "bidding.figure_sealed", "bidding.exhausted"]
    assert [e.data["side"] for e in events if e.action == "bidding.figure_sealed"] == ["creditor", "debtor"]
    assert not any("150000" in e.payload or "100000" in e.payload for e in events)
