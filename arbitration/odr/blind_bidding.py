"""Double-blind bidding in the ODR room (DOMAIN 17): one party proposes it, the other agrees; each
round each side seals a figure (the creditor its minimum, the debtor its maximum) and
`arbitration.odr.bidding_rules.settle_round` decides. A settled round becomes a lump-sum settlement at the
midpoint; a failed round reveals nothing. Bid figures never enter an audit payload, JSON or a page
the other side (or the neutral, or the admin) can open: `BiddingView` carries only the viewer's own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from arbitration.odr.bidding_rules import RoundResult, Terms, check_figure, settle_round
from arbitration.odr.models.offers import Bid, BiddingAgreement
from arbitration.odr.offers import (
    claim_ceiling,
    lapse_open_negotiation,
    lock_case,
    refuse_if_agreement_pending,
)
from arbitration.odr.states import BIDDING, OPEN_BIDDING, BiddingStatus, MoveRefused, check_bidding, who
from arbitration.settlement.terms import SettlementTerms
from portal import audit, lifecycle
from portal.accounts import Side
from portal.cases import Case, CaseStatus
from portal.extensions import db
from portal.i18n import gettext, language
from portal.types import to_ist, utcnow
from portal.web.labels import label

BIDDING_STATUSES = frozenset({CaseStatus.IN_NEGOTIATION, CaseStatus.IN_CONCILIATION,
                              CaseStatus.IN_ARBITRATION})
PARTIES = (Side.CREDITOR, Side.DEBTOR)


class BiddingError(ValueError):
    """The bidding terms or a figure are not acceptable; the message is safe to show."""


def agreements_for(case: Case) -> list[BiddingAgreement]:
    return list(db.session.scalars(select(BiddingAgreement).where(BiddingAgreement.case_id == case.id)
                                   .order_by(BiddingAgreement.id.desc()).execution_options(populate_existing=True)))


def open_agreement(case: Case) -> BiddingAgreement | None:
    return next((a for a in agreements_for(case) if a.status in OPEN_BIDDING), None)


def agreement_in_case(case: Case, agreement_id: int) -> BiddingAgreement | None:
    agreement = db.session.get(BiddingAgreement, agreement_id)
    return agreement if agreement is not None and agreement.case_id == case.id else None


def terms_of(agreement: BiddingAgreement) -> Terms:
    return Terms(agreement.rounds, gap_percent=agreement.gap_percent, gap_amount=agreement.gap_amount)


def propose_bidding(case: Case, *, side: Side, actor: Any, rounds: int, gap_percent: Decimal = Decimal("0"),
                    gap_amount: Decimal = Decimal("0"), pay_within_days: int = 15) -> BiddingAgreement:
    """Ask the other party to bid blind on these terms; nothing runs until it agrees."""
    side = Side(side)
    if side not in PARTIES:
        raise MoveRefused(gettext("Only the parties bid."))
    if case.status not in BIDDING_STATUSES:
        raise MoveRefused(gettext("Blind bidding is possible only while the ODR room is open."))
    try:
        terms = Terms(int(rounds), gap_percent=Decimal(gap_percent), gap_amount=Decimal(gap_amount))
    except (TypeError, ValueError, InvalidOperation) as exc:
        raise BiddingError(str(exc)) from None
    if not 1 <= int(pay_within_days) <= 90:
        raise BiddingError(gettext("Allow between 1 and 90 days to pay a settled figure."))
    lock_case(case)
    refuse_if_agreement_pending(case)
    if open_agreement(case) is not None:
        raise MoveRefused(gettext("Blind bidding is already proposed or under way in this case."))
    agreement = BiddingAgreement(
        case_id=case.id, side=side, rounds=terms.rounds,
        gap_percent=terms.gap_percent, gap_amount=terms.gap_amount, current_round=1,
        pay_within_days=int(pay_within_days), proposed_by_id=getattr(actor, "id", None), created_at=utcnow())
    db.session.add(agreement)
    db.session.flush()
    # The gap and the rounds are agreed openly; they are not figures.
    lifecycle.begin(BIDDING, agreement, BiddingStatus.PROPOSED, actor, action="proposed", case=case, payload={
        "agreement": agreement.id, "side": side, "rounds": terms.rounds, "gap_percent": terms.gap_percent,
        "gap_amount": terms.gap_amount, "pay_within_days": agreement.pay_within_days})
    return agreement


def _fire(agreement: BiddingAgreement, action: str, side: Side | None, actor: Any, *,
          payload: dict, changes: dict) -> None:
    """Refused in the parties' words (check_bidding), then fired and audited as bidding.<action>.
    The caller has locked the case and re-read the agreement (lock_case), hence lock=False."""
    check_bidding(agreement, action, side)
    lifecycle.fire(BIDDING, agreement, action, actor, role=who(agreement.side, side), lock=False,
                   case=agreement.case, payload={"agreement": agreement.id, **payload}, changes=changes)


def _move(agreement: BiddingAgreement, action: str, side: Side, actor: Any) -> BiddingAgreement:
    now = utcnow()
    lock_case(agreement.case, agreement)
    changes = ({"agreed_at": now, "agreed_by_id": getattr(actor, "id", None)} if action == "agreed"
               else {"ended_at": now})
    _fire(agreement, action, side, actor, payload={"side": side}, changes=changes)
    return agreement


def agree_bidding(agreement: BiddingAgreement, *, side: Side, actor: Any) -> BiddingAgreement:
    return _move(agreement, "agreed", Side(side), actor)


def decline_bidding(agreement: BiddingAgreement, *, side: Side, actor: Any) -> BiddingAgreement:
    return _move(agreement, "declined", Side(side), actor)


def withdraw_bidding(agreement: BiddingAgreement, *, side: Side, actor: Any) -> BiddingAgreement:
    return _move(agreement, "withdrawn", Side(side), actor)


def submit_bid(agreement: BiddingAgreement, *, side: Side, amount: Decimal, actor: Any) -> RoundResult:
    """Seal this side's figure for the current round; once both are in, decide the round."""
    side = Side(side)
    case = agreement.case
    if side not in PARTIES:
        raise MoveRefused(gettext("Only the parties bid."))
    lock_case(case, agreement)
    if agreement.status != BiddingStatus.ACTIVE:
        if agreement.status == BiddingStatus.PROPOSED:
            raise MoveRefused(gettext("This bidding is not running: both parties must agree to it first."))
        raise MoveRefused(gettext("This bidding is not running: it is %(status)s.",
                                  status=label(agreement.status, language())))
    try:
        amount = check_figure(amount, claim_ceiling(case))
    except ValueError as exc:
        raise BiddingError(str(exc)) from None
    round_no = agreement.current_round
    sealed = {b.side: b.amount for b in agreement.bids if b.round_no == round_no}
    if side in sealed:
        raise MoveRefused(gettext("You have already sealed your figure for round %(round)s; wait for the "
                                  "other side.", round=round_no))
    now = utcnow()
    db.session.add(Bid(agreement=agreement, round_no=round_no, side=side, amount=amount,
                       submitted_by_id=getattr(actor, "id", None), submitted_at=now))
    sealed[side] = amount
    # Who sealed, never what: the audit trail is read by the other side's counsel and the neutral.
    audit.record("bidding.figure_sealed", actor=actor, case=case,
                 payload={"agreement": agreement.id, "round": round_no, "side": side})
    outcome = settle_round(terms_of(agreement), round_no, sealed.get(Side.CREDITOR), sealed.get(Side.DEBTOR))
    if outcome.result == RoundResult.NO_DEAL:
        agreement.current_round = round_no + 1
        audit.record("bidding.round_failed", actor=actor, case=case,
                     payload={"agreement": agreement.id, "round": round_no})
    elif outcome.result == RoundResult.EXHAUSTED:
        _fire(agreement, "exhausted", None, actor, payload={"round": round_no}, changes={"ended_at": now})
    elif outcome.result == RoundResult.SETTLED:
        _settle(agreement, outcome.amount, round_no, actor, now)
    db.session.flush()
    return outcome.result


def _settle(agreement: BiddingAgreement, amount: Decimal, round_no: int, actor: Any, now) -> None:
    from arbitration.settlement.agreements import create_agreement

    case = agreement.case
    _fire(agreement, "settled", None, actor, payload={"round": round_no, "amount": amount},
          changes={"settled_amount": amount, "ended_at": now})
    lapse_open_negotiation(case, actor, now=now)
    today = to_ist(now).date()
    terms = SettlementTerms.lump_sum(amount, today + timedelta(days=agreement.pay_within_days), today=today)
    create_agreement(case, terms, source=f"bidding:{agreement.id}", actor=actor)


@dataclass(frozen=True)
class RoundLine:
    round_no: int
    result: RoundResult
    own_figure: Decimal | None = None  # the viewer's own sealed figure; None for the neutral and admin


@dataclass(frozen=True)
class BiddingView:
    """What one viewer may know of a bidding: results, and figures only of their own side."""

    agreement: BiddingAgreement
    viewer: Side | None
    lines: list[RoundLine] = field(default_factory=list)
    sealed_now: frozenset[Side] = frozenset()   # who has sealed the current round (not what)

    @property
    def waiting_for_viewer(self) -> bool:
        return (self.agreement.status == BiddingStatus.ACTIVE and self.viewer in PARTIES
                and self.viewer not in self.sealed_now)


def view_for(agreement: BiddingAgreement, viewer: Side | None) -> BiddingView:
    own = {b.round_no: b.amount for b in agreement.bids if viewer in PARTIES and b.side == viewer}
    current = agreement.current_round
    lines = [RoundLine(n, RoundResult.NO_DEAL, own.get(n)) for n in range(1, current)]
    final = {BiddingStatus.SETTLED: RoundResult.SETTLED, BiddingStatus.EXHAUSTED: RoundResult.EXHAUSTED}
    if agreement.status in final:
        lines.append(RoundLine(current, final[agreement.status], own.get(current)))
    elif agreement.status in (BiddingStatus.ACTIVE, BiddingStatus.LAPSED) and current in own:
        lines.append(RoundLine(current, RoundResult.WAITING, own[current]))
    sealed = frozenset(b.side for b in agreement.bids if b.round_no == current)
    return BiddingView(agreement, viewer, lines, sealed)


def status_json(agreement: BiddingAgreement, viewer: Side | None) -> dict:
    """The bidding's progress for scripts and phones. No figure at all: not even the viewer's own."""
    view = view_for(agreement, viewer)
    data = {"id": agreement.id, "status": agreement.status.value, "rounds": agreement.rounds,
            "current_round": agreement.current_round,
            "results": [{"round": line.round_no, "result": line.result.value} for line in view.lines],
            "sealed_current_round": sorted(s.value for s in view.sealed_now),
            "your_turn": view.waiting_for_viewer}
    if agreement.status == BiddingStatus.SETTLED:
        data["settled_amount"] = str(agreement.settled_amount)
    return data
