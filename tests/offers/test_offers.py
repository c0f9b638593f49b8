"""Structured offers in the ODR room: make, counter, accept, reject, withdraw; one live offer per
side; validity; amounts within the claim; the conciliator's proposal needs both parties."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from arbitration.odr.models.offers import Offer
from arbitration.odr.states import OfferStatus
from arbitration.settlement.models import SettlementAgreement
from portal.audit import AuditEvent
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.types import utcnow
from tests.offers.world import Room, flashes, offer_form, soon


@pytest.fixture
def room(app, client, db_session):
    return Room(app)


def offers(room) -> list[Offer]:
    return list(db.session.scalars(select(Offer).where(Offer.case_id == room.case.id).order_by(Offer.id)))


def actions(room) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == room.case.id)
                                   .order_by(AuditEvent.case_seq)))


def agreement(room) -> SettlementAgreement | None:
    return db.session.scalar(select(SettlementAgreement).where(SettlementAgreement.case_id == room.case.id))


def test_offer_counter_and_acceptance_make_the_settlement_agreement(room, outbox):
    made = room.post("creditor_admin", "/offers", offer_form("180000", valid_days="7", note="Final invoice only."))
    assert made.status_code == 302, made.get_data(as_text=True)[:600]
    (first,) = offers(room)
    assert (first.side, first.status, first.total) == ("creditor", OfferStatus.LIVE, Decimal("180000.00"))
    assert first.valid_until > utcnow() + timedelta(days=6)

    page = room.client("guest", outbox).get(f"/odr/{room.ref}/offers")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "₹1,80,000.00" in html and "Final invoice only." in html
    assert f"counter={first.id}" in html
    form = room.client("guest").get(f"/odr/{room.ref}/offers?counter={first.id}")
    # Offers are counted per case from 1, whatever their row id.
    assert "Counter-offer to offer 1 (" in form.get_data(as_text=True)
    assert "Offer 1 from" in html

    countered = room.post("guest", f"/offers/{first.id}/counter", {
        "kind": "instalments", "total": "1,50,000", "instalments": "3", "first_due": soon(3)})
    assert countered.status_code == 302, countered.get_data(as_text=True)[:600]
    first, second = offers(room)
    assert first.status == OfferStatus.COUNTERED and second.parent_id == first.id
    assert second.side == "debtor" and second.made_by_id is None  # the link guest has no user row
    assert [p.amount for p in second.terms.instalments] == [Decimal("50000.00")] * 3
    news = [m for m in outbox() if "counter-offer" in m["Subject"]]
    assert {m["To"] for m in news} == {room.creditor_admin.email, room.advocate.email}
    assert all("1,50,000" not in m.get_content() and "150000" not in m.get_content() for m in news)

    accepted = room.post("creditor_staff", f"/offers/{second.id}/accept")
    assert accepted.status_code == 302
    db.session.expire_all()
    assert offers(room)[1].status == OfferStatus.ACCEPTED
    made = agreement(room)
    assert made.source == f"offer:{second.id}" and made.total == Decimal("150000.00")
    assert made.terms == second.terms
    assert [a for a in actions(room) if a.split(".")[0] in ("offer", "settlement")] == [
        "offer.made", "offer.countered", "offer.made", "offer.accepted", "settlement.created"]


def test_a_new_offer_replaces_the_sides_live_one(room):
    room.post("creditor_admin", "/offers", offer_form("190000"))
    room.post("advocate", "/offers", offer_form("185000"))
    first, second = offers(room)
    assert first.status == OfferStatus.SUPERSEDED and second.status == OfferStatus.LIVE
    assert [o.side for o in offers(room) if o.status == OfferStatus.LIVE] == ["creditor"]
    assert actions(room)[-3:] == ["offer.made", "offer.superseded", "offer.made"]


def test_a_side_cannot_accept_or_reject_its_own_offer(room):
    room.post("creditor_admin", "/offers", offer_form("190000"))
    (offer,) = offers(room)
    own = room.post("advocate", f"/offers/{offer.id}/accept")
    assert own.status_code == 409 and "your own offer" in own.get_data(as_text=True)
    assert room.post("creditor_staff", f"/offers/{offer.id}/reject").status_code == 409
    assert agreement(room) is None and offers(room)[0].status == OfferStatus.LIVE


def test_an_expired_offer_cannot_be_accepted(room, outbox):
    room.post("creditor_admin", "/offers", offer_form("190000", valid_days="1"))
    (offer,) = offers(room)
    offer.valid_until = utcnow() - timedelta(minutes=1)
    db.session.flush()
    page = room.client("guest", outbox).get(f"/odr/{room.ref}/offers")
    assert "Expired" in page.get_data(as_text=True)
    refused = room.post("guest", f"/offers/{offer.id}/accept")
    assert refused.status_code == 409 and "expired" in refused.get_data(as_text=True)
    assert agreement(room) is None and offers(room)[0].status == OfferStatus.LIVE


@pytest.mark.parametrize("data, message", [
    (offer_form("200000.01"), "cannot be more than the sum claimed"),
    (offer_form("0"), "more than zero"),
    (offer_form("NaN"), "must be written in digits"),
    (offer_form("Infinity"), "must be written in digits"),
    (offer_form("lots"), "must be written in digits"),
    (offer_form("1000", pay_by="2020-01-01"), "cannot be in the past"),
    (offer_form("1000", pay_by="not a date"), "Not a valid date"),
    ({"kind": "lump_sum", "total": "1000"}, "Give the date of the payment"),
    ({"kind": "instalments", "total": "1000", "instalments": "3"}, "Needed for instalments"),
    ({"kind": "instalments", "total": "1000", "instalments": "99", "first_due": "2026-12-01"}, "between 2 and"),
    ({"kind": "barter", "total": "1000", "pay_by": "2026-12-15"}, "Not a valid choice"),
    (offer_form("1000", valid_days="365"), "1 to 90 days"),
    (offer_form("1000", note="x" * 2001), "2000"),
])
def test_bad_offers_are_refused_with_a_message(room, data, message):
    refused = room.post("creditor_admin", "/offers", data)
    assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    assert offers(room) == []


def test_withdraw_and_reject(room, outbox):
    room.post("creditor_admin", "/offers", offer_form("190000"))
    (offer,) = offers(room)
    stranger = room.post("guest", f"/offers/{offer.id}/withdraw", outbox=outbox)
    assert stranger.status_code == 409 and "Only the side that made" in stranger.get_data(as_text=True)
    assert room.post("creditor_staff", f"/offers/{offer.id}/withdraw").status_code == 302
    assert offers(room)[0].status == OfferStatus.WITHDRAWN
    again = room.post("guest", f"/offers/{offer.id}/accept")
    assert again.status_code == 409 and "withdrawn" in again.get_data(as_text=True)

    room.post("creditor_admin", "/offers", offer_form("170000"))
    rejected = room.post("guest", f"/offers/{offers(room)[1].id}/reject")
    assert rejected.status_code == 302 and offers(room)[1].status == OfferStatus.REJECTED
    assert "offer.rejected" in actions(room) and "offer.withdrawn" in actions(room)


def test_offers_of_another_case_are_not_found(room):
    other = Room(room.app)
    other.post("creditor_admin", "/offers", offer_form("190000"))
    (foreign,) = offers(other)
    assert room.post("creditor_admin", f"/offers/{foreign.id}/withdraw").status_code == 404
    assert room.post("creditor_admin", "/offers/999999/accept").status_code == 404


def test_the_conciliators_proposal_settles_only_when_both_parties_accept(app, client, db_session, outbox):
    room = Room(app, CaseStatus.IN_CONCILIATION)
    room.post("creditor_admin", "/offers", offer_form("195000"))
    proposed = room.post("neutral", "/proposals", offer_form("160000", note="A fair middle."))
    assert proposed.status_code == 302, proposed.get_data(as_text=True)[:600]
    creditor_offer, proposal = offers(room)
    assert proposal.side == "neutral" and proposal.is_proposal and creditor_offer.status == OfferStatus.LIVE
    assert room.post("neutral", f"/offers/{proposal.id}/accept").status_code == 403
    countered = room.post("creditor_admin", f"/offers/{proposal.id}/counter", offer_form("180000"))
    assert countered.status_code == 409 and "not countered" in countered.get_data(as_text=True)

    first = room.post("guest", f"/offers/{proposal.id}/accept", outbox=outbox)
    assert first.status_code == 302
    assert "once the other party accepts" in flashes(room.client("guest").get(f"/odr/{room.ref}/offers"))
    assert offers(room)[1].status == OfferStatus.LIVE and agreement(room) is None
    twice = room.post("guest", f"/offers/{proposal.id}/accept")
    assert twice.status_code == 409 and "already accepted" in twice.get_data(as_text=True)

    assert room.post("advocate", f"/offers/{proposal.id}/accept").status_code == 302
    db.session.expire_all()
    creditor_offer, proposal = offers(room)
    assert proposal.status == OfferStatus.ACCEPTED and creditor_offer.status == OfferStatus.LAPSED
    assert agreement(room).source == f"proposal:{proposal.id}"
    assert {"proposal.made", "proposal.accepted_by_party", "proposal.accepted", "offer.lapsed"} <= set(actions(room))


def test_only_the_conciliator_proposes_and_only_in_conciliation(room):
    assert room.post("neutral", "/proposals", offer_form("160000")).status_code == 403
    assert room.post("creditor_admin", "/proposals", offer_form("160000")).status_code == 403
    assert room.post("admin", "/offers", offer_form("160000")).status_code == 403
    assert room.post("neutral", "/offers", offer_form("160000")).status_code == 403
    assert offers(room) == []


def test_the_conciliator_replaces_or_withdraws_its_own_proposal(app, client, db_session, outbox):
    room = Room(app, CaseStatus.IN_CONCILIATION)
    # The debtor is told only inside the creditor's contact window: open all day, whatever the hour.
    room.org.contact_from_minute, room.org.contact_until_minute = 0, 24 * 60
    room.post("neutral", "/proposals", offer_form("160000"))
    room.post("neutral", "/proposals", offer_form("165000"))
    first, second = offers(room)
    assert first.status == OfferStatus.SUPERSEDED and second.status == OfferStatus.LIVE
    assert room.post("guest", f"/offers/{second.id}/withdraw", outbox=outbox).status_code == 409
    assert room.post("neutral", f"/offers/{second.id}/withdraw").status_code == 302
    assert offers(room)[1].status == OfferStatus.WITHDRAWN
    told = {m["To"] for m in outbox() if "proposed settlement terms" in m["Subject"]}
    # Both sides must answer a proposal: the creditor's people and the debtor (at the case's address).
    assert told == {room.creditor_admin.email, room.advocate.email, "debtor@example.in"}
