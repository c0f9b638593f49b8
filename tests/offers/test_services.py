"""The offer and bidding services called directly, as colleagues' code calls them (the debtor's
proposed plan calls make_offer), and the pure transition tables behind them."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from arbitration.odr import blind_bidding, offers
from arbitration.odr.bidding_rules import RoundResult
from arbitration.odr.states import (
    BIDDING,
    OFFER,
    PROPOSAL,
    BiddingStatus,
    MoveRefused,
    OfferStatus,
    check_bidding,
    check_offer,
    offer_machine,
)
from arbitration.settlement.terms import Instalment, SettlementTerms, TermsError
from portal.accounts.policy import Side
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.debtor.principal import LinkGuest
from portal.extensions import db
from portal.types import utcnow
from tests.offers.world import Room

GUEST = LinkGuest(link_id=1, link_case_id=0, otp_id=1, destination="d•••@example.in")


def lump(total: str, days: int = 10) -> SettlementTerms:
    return SettlementTerms.lump_sum(total, today_ist() + timedelta(days=days), today=today_ist())


@pytest.fixture
def room(app, db_session):
    return Room(app, CaseStatus.RESPONDED)


def test_the_debtors_plan_becomes_an_offer_without_a_user(room):
    plan = SettlementTerms.equal_instalments("120000", 4, today_ist() + timedelta(days=30), today=today_ist())
    offer = offers.make_offer(room.case, side=Side.DEBTOR, terms=plan, actor=GUEST, note="Four months, please.")
    assert offer.id and offer.made_by_id is None and offer.status == OfferStatus.LIVE
    assert offer.terms == plan and offer.total == Decimal("120000.00")


def test_terms_beyond_the_claim_or_already_lapsed_are_refused(room):
    with pytest.raises(TermsError, match="sum claimed"):
        offers.make_offer(room.case, side=Side.DEBTOR, terms=lump("200000.01"), actor=GUEST)
    with pytest.raises(TermsError, match="later date"):
        offers.make_offer(room.case, side=Side.DEBTOR, terms=lump("1000"), actor=GUEST,
                          valid_until=utcnow() - timedelta(seconds=1))
    forged = SettlementTerms(Decimal("1000.00"), lump("999").instalments)  # built past the checks
    with pytest.raises(TermsError, match="add up"):
        offers.make_offer(room.case, side=Side.DEBTOR, terms=forged, actor=GUEST)


def test_no_offers_on_a_closed_case_and_no_proposals_outside_conciliation(room):
    with pytest.raises(MoveRefused, match="conciliation|No offers"):
        offers.make_offer(room.case, side=Side.NEUTRAL, terms=lump("1000"), actor=room.neutral)
    room.case._status = CaseStatus.CLOSED
    with pytest.raises(MoveRefused, match="closed"):
        offers.make_offer(room.case, side=Side.DEBTOR, terms=lump("1000"), actor=GUEST)


def test_a_side_cannot_counter_its_own_offer(room):
    first = offers.make_offer(room.case, side=Side.CREDITOR, terms=lump("150000"), actor=room.creditor_admin)
    with pytest.raises(MoveRefused, match="own offer"):
        offers.make_offer(room.case, side=Side.CREDITOR, terms=lump("140000"), actor=room.advocate, parent=first)


def test_nothing_new_is_put_while_an_agreement_awaits_signatures(app, db_session):
    room = Room(app)
    offer = offers.make_offer(room.case, side=Side.CREDITOR, terms=lump("150000"), actor=room.creditor_admin)
    offers.accept_offer(offer, side=Side.DEBTOR, actor=room.debtor)
    with pytest.raises(MoveRefused, match="agreement already exists"):
        offers.make_offer(room.case, side=Side.DEBTOR, terms=lump("1000"), actor=room.debtor)
    with pytest.raises(MoveRefused, match="agreement already exists"):
        blind_bidding.propose_bidding(room.case, side=Side.DEBTOR, actor=room.debtor, rounds=2)


def test_an_offer_whose_payment_date_has_passed_cannot_be_accepted(app, db_session):
    room = Room(app)
    offer = offers.make_offer(room.case, side=Side.CREDITOR, terms=lump("150000"), actor=room.creditor_admin)
    # Made weeks ago, payable by a date now gone.
    offer.terms_json = SettlementTerms(offer.total, (Instalment(date(2026, 1, 1), offer.total),)).to_json()
    db.session.flush()
    with pytest.raises(MoveRefused, match="has passed"):
        offers.accept_offer(offer, side=Side.DEBTOR, actor=room.debtor)


def test_the_neutral_and_admin_views_carry_no_figures(app, db_session):
    room = Room(app)
    agreement = blind_bidding.propose_bidding(room.case, side=Side.CREDITOR, actor=room.creditor_admin, rounds=1)
    blind_bidding.agree_bidding(agreement, side=Side.DEBTOR, actor=room.debtor)
    assert blind_bidding.submit_bid(agreement, side=Side.CREDITOR, amount=Decimal("150000"),
                                    actor=room.creditor_admin) == RoundResult.WAITING
    assert blind_bidding.submit_bid(agreement, side=Side.DEBTOR, amount=Decimal("90000"),
                                    actor=room.debtor) == RoundResult.EXHAUSTED
    for viewer in (Side.NEUTRAL, None):
        view = blind_bidding.view_for(agreement, viewer)
        assert [(line.result, line.own_figure) for line in view.lines] == [(RoundResult.EXHAUSTED, None)]
    creditor = blind_bidding.view_for(agreement, Side.CREDITOR)
    assert creditor.lines[0].own_figure == Decimal("150000.00")
    assert "90000" not in str(blind_bidding.status_json(agreement, Side.CREDITOR))
    assert "150000" not in str(blind_bidding.status_json(agreement, Side.CREDITOR))


def test_offer_moves_table():
    now = utcnow()
    live = SimpleNamespace(status=OfferStatus.LIVE, side=Side.CREDITOR, valid_until=None)
    assert check_offer(live, "accepted", Side.DEBTOR).target == OfferStatus.ACCEPTED
    assert check_offer(live, "withdrawn", Side.CREDITOR).target == OfferStatus.WITHDRAWN
    assert check_offer(live, "superseded", None).target == OfferStatus.SUPERSEDED
    for action, side in [("accepted", Side.CREDITOR), ("withdrawn", Side.DEBTOR), ("accepted", Side.NEUTRAL),
                         ("superseded", Side.CREDITOR), ("teleport", Side.DEBTOR)]:
        with pytest.raises(MoveRefused):
            check_offer(live, action, side)
    expired = SimpleNamespace(status=OfferStatus.LIVE, side=Side.DEBTOR, valid_until=now - timedelta(seconds=1))
    with pytest.raises(MoveRefused, match="expired"):
        check_offer(expired, "accepted", Side.CREDITOR)
    assert check_offer(expired, "rejected", Side.CREDITOR).target == OfferStatus.REJECTED
    proposal = SimpleNamespace(status=OfferStatus.LIVE, side=Side.NEUTRAL, valid_until=None)
    assert check_offer(proposal, "accepted", Side.CREDITOR) and check_offer(proposal, "accepted", Side.DEBTOR)
    with pytest.raises(MoveRefused, match="not countered"):
        check_offer(proposal, "countered", Side.DEBTOR)
    for status in set(OfferStatus) - {OfferStatus.LIVE}:
        with pytest.raises(MoveRefused, match="no longer"):
            check_offer(SimpleNamespace(status=status, side=Side.CREDITOR, valid_until=None), "accepted",
                        Side.DEBTOR)
    for machine in (OFFER, PROPOSAL):
        assert {s for t in machine.transitions for s in t.sources} == {OfferStatus.LIVE}
    # A proposal's answers are audited as proposal.*, its lapse and supersession as offer.*.
    assert offer_machine(proposal, "accepted") is PROPOSAL and offer_machine(proposal, "lapsed") is OFFER
    assert offer_machine(live, "accepted") is OFFER


def test_bidding_moves_table():
    proposed = SimpleNamespace(status=BiddingStatus.PROPOSED, side=Side.DEBTOR)
    assert check_bidding(proposed, "agreed", Side.CREDITOR).target == BiddingStatus.ACTIVE
    with pytest.raises(MoveRefused):
        check_bidding(proposed, "agreed", Side.DEBTOR)
    with pytest.raises(MoveRefused):
        check_bidding(proposed, "settled", None)
    active = SimpleNamespace(status=BiddingStatus.ACTIVE, side=Side.DEBTOR)
    assert check_bidding(active, "settled", None).target == BiddingStatus.SETTLED
    assert check_bidding(active, "exhausted", None).target == BiddingStatus.EXHAUSTED
    with pytest.raises(MoveRefused):
        check_bidding(active, "settled", Side.CREDITOR)
    ended = {t.target for t in BIDDING.transitions} - {BiddingStatus.ACTIVE}
    assert not {s for t in BIDDING.transitions for s in t.sources} & ended  # nothing leaves an ended bidding
