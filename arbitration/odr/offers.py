"""Offers in the ODR room: make (or counter), accept, reject, withdraw; the conciliator's proposal,
which needs both parties' acceptance. One live offer per side; accepting one settles the case
through `arbitration.settlement.agreements.create_agreement`. Services flush and audit, never commit.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from arbitration.odr.models.offers import BiddingAgreement, Offer
from arbitration.odr.states import (
    BIDDING,
    OFFER,
    OPEN_BIDDING,
    PROPOSAL,
    MoveRefused,
    OfferStatus,
    Who,
    check_bidding,
    check_offer,
    offer_machine,
    who,
)
from arbitration.settlement.terms import SettlementTerms, TermsError
from portal import audit, lifecycle
from portal.accounts import Side
from portal.cases import Case, CaseStatus
from portal.extensions import db
from portal.formatting import day
from portal.i18n import gettext, language
from portal.types import to_ist, utcnow
from portal.web.filters import inr
from portal.web.labels import label

MAX_NOTE = 2000
# A party may offer from the debtor's first answer (a proposed plan) until the talks end;
# the conciliator proposes only during conciliation.
PARTY_OFFER_STATUSES = frozenset({CaseStatus.NOTICE_SERVED, CaseStatus.RESPONDED, CaseStatus.IN_NEGOTIATION,
                                  CaseStatus.IN_CONCILIATION, CaseStatus.IN_ARBITRATION})
PROPOSAL_STATUSES = frozenset({CaseStatus.IN_CONCILIATION})


def claim_ceiling(case: Case) -> Decimal:
    """No offer, proposal or bid may exceed the sum claimed: the invoices' total."""
    return case.invoiced_total


def lock_case(case: Case, *fresh: Any) -> None:
    """Serialise negotiation on one case (one live offer per side, one bid per round), as fire() does,
    then re-read `fresh` (the offers or biddings about to move): another request may have moved them."""
    db.session.flush()
    db.session.refresh(case, with_for_update={"key_share": True})
    for thing in fresh:
        db.session.refresh(thing)


def offers_for(case: Case) -> list[Offer]:
    return list(db.session.scalars(select(Offer).where(Offer.case_id == case.id).order_by(Offer.id.desc())
                                   .execution_options(populate_existing=True)))


def live_offers(case: Case) -> list[Offer]:
    return [o for o in offers_for(case) if o.status == OfferStatus.LIVE]


def offer_in_case(case: Case, offer_id: int) -> Offer | None:
    offer = db.session.get(Offer, offer_id)
    return offer if offer is not None and offer.case_id == case.id else None


def refuse_if_agreement_pending(case: Case) -> None:
    """Once terms are accepted, the agreement is signed or cancelled before anything new is put."""
    from arbitration.settlement.agreements import live_agreement

    if live_agreement(case) is not None:
        raise MoveRefused(gettext("A settlement agreement already exists for this case; sign it, or have it "
                                  "cancelled, before new terms are put."))


def _check_terms(case: Case, terms: SettlementTerms) -> None:
    ceiling = claim_ceiling(case)
    if terms.total <= 0:
        raise TermsError(gettext("The total must be more than zero."))
    if terms.total > ceiling:
        raise TermsError(gettext("The total cannot be more than the sum claimed (%(claimed)s).",
                                 claimed=inr(ceiling, language())))
    if not terms.instalments or sum((p.amount for p in terms.instalments), Decimal("0")) != terms.total:
        raise TermsError(gettext("The instalments must add up to the total."))


def make_offer(case: Case, *, side: Side, terms: SettlementTerms, actor: Any,
               valid_until: datetime | None = None, note: str = "", parent: Offer | None = None) -> Offer:
    """Put terms to the other side (or, as the conciliator, to both); supersedes the side's live offer.

    With `parent`, this is a counter to the other side's live offer, which becomes COUNTERED.
    """
    side = Side(side)
    allowed = PROPOSAL_STATUSES if side == Side.NEUTRAL else PARTY_OFFER_STATUSES
    if case.status not in allowed:
        raise MoveRefused(gettext("No offers can be made while the case is %(status)s.",
                                  status=label(case.status, language())))
    _check_terms(case, terms)
    now = utcnow()
    if valid_until is not None and valid_until <= now:
        raise TermsError(gettext("An offer must stay open for some time: choose a later date."))
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise TermsError(gettext("Keep the note under %(count)s characters.", count=MAX_NOTE))
    lock_case(case, *([parent] if parent is not None else []))
    refuse_if_agreement_pending(case)
    if parent is not None:
        if parent.case_id != case.id:
            raise MoveRefused(gettext("That offer belongs to another case."))
        _move(parent, "countered", side, actor, now, payload={"side": side})
    for old in live_offers(case):
        if old.side == side:
            _move(old, "superseded", None, actor, now, payload={"side": side})
    offer = Offer(case_id=case.id, side=side, parent_id=parent.id if parent else None, total=terms.total,
                  terms_json=terms.to_json(), note=note, valid_until=valid_until,
                  made_by_id=getattr(actor, "id", None), created_at=now)
    db.session.add(offer)
    db.session.flush()
    machine = PROPOSAL if side == Side.NEUTRAL else OFFER
    lifecycle.begin(machine, offer, OfferStatus.LIVE, actor, action="made",
                    case=case, payload={
                        "offer": offer.id, "side": side, "total": terms.total,
                        "instalments": len(terms.instalments), "parent": parent.id if parent else None,
                        "valid_until": valid_until})
    return offer


def accept_offer(offer: Offer, *, side: Side, actor: Any) -> Any | None:
    """Accept as `side`. Settles (returns the agreement) unless a proposal still awaits the other party."""
    now = utcnow()
    lock_case(offer.case, offer)
    check_offer(offer, "accepted", side)
    past = [p.due_on for p in offer.terms.instalments if p.due_on < to_ist(now).date()]
    if past:
        raise MoveRefused(gettext("A payment date in these terms (%(day)s) has passed; ask for a fresh offer "
                                  "with new dates.", day=day(past[0], language(), "%d %b %Y")))
    if offer.is_proposal:
        if offer.accepted_by(side):
            raise MoveRefused(gettext("You have already accepted this proposal; it waits for the other "
                                      "party."))
        setattr(offer, f"{side.value}_accepted_at", now)
        other = Side.DEBTOR if side == Side.CREDITOR else Side.CREDITOR
        if not offer.accepted_by(other):
            audit.record("proposal.accepted_by_party", actor=actor, case=offer.case,
                         payload={"offer": offer.id, "side": side})
            db.session.flush()
            return None
    _move(offer, "accepted", side, actor, now, payload={"side": side, "total": offer.total})
    lapse_open_negotiation(offer.case, actor, now=now)
    from arbitration.settlement.agreements import create_agreement

    source = f"{'proposal' if offer.is_proposal else 'offer'}:{offer.id}"
    return create_agreement(offer.case, offer.terms, source=source, actor=actor)


def reject_offer(offer: Offer, *, side: Side, actor: Any) -> Offer:
    now = utcnow()
    lock_case(offer.case, offer)
    _move(offer, "rejected", side, actor, now, payload={"side": side})
    return offer


def withdraw_offer(offer: Offer, *, side: Side, actor: Any) -> Offer:
    now = utcnow()
    lock_case(offer.case, offer)
    _move(offer, "withdrawn", side, actor, now, payload={"side": side})
    return offer


def lapse_open_negotiation(case: Case, actor: Any, *, now: datetime | None = None) -> None:
    """The case is settling: every live offer and any open bidding lapse (audited)."""
    now = now or utcnow()
    for offer in live_offers(case):
        _move(offer, "lapsed", None, actor, now)
    for agreement in list(db.session.scalars(select(BiddingAgreement).where(
            BiddingAgreement.case_id == case.id, BiddingAgreement.status.in_(OPEN_BIDDING)))):
        check_bidding(agreement, "lapsed", None)
        lifecycle.fire(BIDDING, agreement, "lapsed", actor, role=Who.SYSTEM, case=case, lock=False,
                       payload={"agreement": agreement.id}, changes={"ended_at": now})
    db.session.flush()


def _move(offer: Offer, action: str, side: Side | None, actor: Any, now: datetime, *,
          payload: dict | None = None) -> None:
    """Apply `action` to the offer as `side` (None: the system): refused in the parties' words by
    check_offer, then fired (audited as offer.* or proposal.*). The caller has locked the case and
    re-read the offer (lock_case), hence lock=False."""
    check_offer(offer, action, side)
    lifecycle.fire(offer_machine(offer, action), offer, action, actor, role=who(offer.side, side), lock=False,
                   case=offer.case, payload={"offer": offer.id, **(payload or {})},
                   changes={"decided_at": now, "decided_by_id": getattr(actor, "id", None)})
