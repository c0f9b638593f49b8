"""The life of an offer and of a blind-bidding agreement: statuses and the moves between them,
who may make each move and when it is refused. Pure Python (no Flask, no database), like
portal/cases/states.py; `arbitration.odr.offers` and `arbitration.odr.blind_bidding` apply these tables.
"""
from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal.errors import DomainError


class Who(enum.StrEnum):
    OWN = "own"        # the side that made the offer (or proposed the bidding)
    OTHER = "other"    # a party on the other side (for a neutral's proposal: either party)
    SYSTEM = "system"  # the service itself, as a consequence of another move


class OfferStatus(enum.StrEnum):
    LIVE = "live"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    COUNTERED = "countered"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"  # the same side made a newer offer
    LAPSED = "lapsed"          # the case settled another way


class BiddingStatus(enum.StrEnum):
    PROPOSED = "proposed"   # one side asked; the other has not agreed yet
    ACTIVE = "active"       # both agreed: rounds are running
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    SETTLED = "settled"
    EXHAUSTED = "exhausted"  # every agreed round failed
    LAPSED = "lapsed"        # the case settled another way while bidding was open


class MoveRefused(DomainError):
    """The move does not fit the offer's (or the bidding's) state; the web answers 409."""


Guard = Callable[[Any, datetime], str | None]


def not_expired(offer: Any, now: datetime) -> str | None:
    if offer.valid_until is not None and offer.valid_until <= now:
        return "This offer has expired and can no longer be accepted. Ask for a fresh offer."
    return None


def made_by_a_party(offer: Any, now: datetime) -> str | None:
    if offer.side == "neutral":
        return "A conciliator's proposal is accepted or rejected, not countered."
    return None


@dataclass(frozen=True)
class Move:
    action: str
    source: enum.StrEnum
    target: enum.StrEnum
    by: Who
    guards: tuple[Guard, ...] = ()


OFFER_MOVES: tuple[Move, ...] = (
    Move("accept", OfferStatus.LIVE, OfferStatus.ACCEPTED, Who.OTHER, (not_expired,)),
    Move("reject", OfferStatus.LIVE, OfferStatus.REJECTED, Who.OTHER),
    Move("counter", OfferStatus.LIVE, OfferStatus.COUNTERED, Who.OTHER, (made_by_a_party,)),
    Move("withdraw", OfferStatus.LIVE, OfferStatus.WITHDRAWN, Who.OWN),
    Move("supersede", OfferStatus.LIVE, OfferStatus.SUPERSEDED, Who.SYSTEM),
    Move("lapse", OfferStatus.LIVE, OfferStatus.LAPSED, Who.SYSTEM),
)

BIDDING_MOVES: tuple[Move, ...] = (
    Move("agree", BiddingStatus.PROPOSED, BiddingStatus.ACTIVE, Who.OTHER),
    Move("decline", BiddingStatus.PROPOSED, BiddingStatus.DECLINED, Who.OTHER),
    Move("withdraw", BiddingStatus.PROPOSED, BiddingStatus.WITHDRAWN, Who.OWN),
    Move("settle", BiddingStatus.ACTIVE, BiddingStatus.SETTLED, Who.SYSTEM),
    Move("exhaust", BiddingStatus.ACTIVE, BiddingStatus.EXHAUSTED, Who.SYSTEM),
    Move("lapse", BiddingStatus.PROPOSED, BiddingStatus.LAPSED, Who.SYSTEM),
    Move("lapse", BiddingStatus.ACTIVE, BiddingStatus.LAPSED, Who.SYSTEM),
)

OPEN_BIDDING = frozenset({BiddingStatus.PROPOSED, BiddingStatus.ACTIVE})
PARTY_SIDES = frozenset({"creditor", "debtor"})

_WHAT = {"accept": "accepted", "reject": "rejected", "counter": "countered", "withdraw": "withdrawn",
         "agree": "agreed to", "decline": "declined"}


def _who(thing_side: str, actor_side: str | None) -> Who:
    if actor_side is None:
        return Who.SYSTEM
    if actor_side == thing_side:
        return Who.OWN
    return Who.OTHER if actor_side in PARTY_SIDES else Who.SYSTEM


def _check(moves: tuple[Move, ...], thing: Any, action: str, actor_side: str | None,
           now: datetime, noun: str) -> Move:
    candidates = [m for m in moves if m.action == action]
    if not candidates:
        raise MoveRefused(f"There is no “{action}” for {noun}s.")
    move = next((m for m in candidates if m.source == thing.status), None)
    if move is None:
        raise MoveRefused(f"This {noun} is {thing.status.value.replace('_', ' ')}: "
                          f"it can no longer be {_WHAT.get(action, action)}.")
    who = _who(thing.side, actor_side)
    if who != move.by:
        if move.by == Who.OWN:
            raise MoveRefused(f"Only the side that made this {noun} can do that.")
        if who == Who.OWN:
            raise MoveRefused(f"You cannot do that to your own {noun}; the other side decides.")
        raise MoveRefused(f"That is not yours to do on this {noun}.")
    for guard in move.guards:
        reason = guard(thing, now)
        if reason:
            raise MoveRefused(reason)
    return move


def check_offer(offer: Any, action: str, actor_side: str | None, now: datetime) -> Move:
    """The move if the side (None: the system) may make `action` on the offer now, else MoveRefused."""
    return _check(OFFER_MOVES, offer, action, actor_side, now, "offer")


def check_bidding(agreement: Any, action: str, actor_side: str | None, now: datetime) -> Move:
    return _check(BIDDING_MOVES, agreement, action, actor_side, now, "bidding proposal")
