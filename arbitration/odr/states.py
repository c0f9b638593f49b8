"""The lifecycles of the ODR room: an offer (and the conciliator's proposal, the same row answered
under its own audit names), a blind-bidding agreement, and a party's request for a conciliator.
Pure tables for `portal.lifecycle`: `arbitration.odr.offers`, `blind_bidding` and `conciliation`
fire them.

Offers and biddings are answered by a side, not by a role: the "role" a transition names is who the
actor is to the row (`Who`: the side that made it, the other side, or the system acting on a
consequence). `check_offer`/`check_bidding` say in the parties' words why a move is refused (409).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from portal.accounts import Role
from portal.errors import DomainError
from portal.i18n import N_, gettext, language
from portal.i18n import lazy_gettext as _l
from portal.lifecycle import IllegalTransition, Machine, Transition, transition
from portal.types import utcnow
from portal.web.labels import label


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


class RequestStatus(enum.StrEnum):
    OPEN = "open"
    APPOINTED = "appointed"  # the institution appointed a neutral; conciliation started


class MoveRefused(DomainError):
    """The move does not fit the offer's (or the bidding's) state; the web answers 409."""


def not_expired(offer: Any) -> str | None:
    if offer.valid_until is not None and offer.valid_until <= utcnow():
        return gettext("This offer has expired and can no longer be accepted. Ask for a fresh offer.")
    return None


def made_by_a_party(offer: Any) -> str | None:
    if offer.side == "neutral":
        return gettext("A conciliator's proposal is accepted or rejected, not countered.")
    return None


OS, B, W = OfferStatus, BiddingStatus, Who
# The answers a party gives, written under "offer.*" for a party's offer and "proposal.*" for the
# conciliator's proposal (the audit names the notifications key on).
_ANSWERS: tuple[Transition, ...] = (
    transition("accepted", OS.LIVE, OS.ACCEPTED, {W.OTHER}, [not_expired], N_("Accept"), manual=True),
    transition("rejected", OS.LIVE, OS.REJECTED, {W.OTHER}, label=N_("Reject"), manual=True),
    transition("withdrawn", OS.LIVE, OS.WITHDRAWN, {W.OWN}, label=N_("Withdraw"), manual=True),
)
OFFER = Machine("offer", OfferStatus, initial=frozenset({OS.LIVE}), noun=N_("the offer"), transitions=(
    *_ANSWERS,
    transition("countered", OS.LIVE, OS.COUNTERED, {W.OTHER}, [made_by_a_party], N_("Counter"), manual=True),
    # A proposal too is superseded by the conciliator's next one, and lapses, as "offer.*".
    transition("superseded", OS.LIVE, OS.SUPERSEDED, {W.SYSTEM}, label=N_("Supersede")),
    transition("lapsed", OS.LIVE, OS.LAPSED, {W.SYSTEM}, label=N_("Lapse")),
))
PROPOSAL = Machine("proposal", OfferStatus, initial=frozenset({OS.LIVE}), noun=N_("the proposal"),
                   transitions=_ANSWERS)

BIDDING = Machine("bidding", BiddingStatus, initial=frozenset({B.PROPOSED}), noun=N_("the bidding"),
                  transitions=(
    transition("agreed", B.PROPOSED, B.ACTIVE, {W.OTHER}, label=N_("Agree"), manual=True),
    transition("declined", B.PROPOSED, B.DECLINED, {W.OTHER}, label=N_("Decline"), manual=True),
    transition("withdrawn", B.PROPOSED, B.WITHDRAWN, {W.OWN}, label=N_("Withdraw"), manual=True),
    transition("settled", B.ACTIVE, B.SETTLED, {W.SYSTEM}, label=N_("Settle")),
    transition("exhausted", B.ACTIVE, B.EXHAUSTED, {W.SYSTEM}, label=N_("Exhaust")),
    transition("lapsed", {B.PROPOSED, B.ACTIVE}, B.LAPSED, {W.SYSTEM}, label=N_("Lapse")),
))

OPEN_BIDDING = BIDDING.sources("agreed", "settled")
PARTY_SIDES = frozenset({"creditor", "debtor"})

# A party asks the institution for a conciliator (its creation: "odr.conciliation_requested"); the
# platform admin's appointment of a neutral answers every open request.
CONCILIATION_REQUEST = Machine(
    "conciliation_request", RequestStatus, initial=frozenset({RequestStatus.OPEN}), event="odr",
    noun=N_("the request"), transitions=(
        transition("neutral_appointed", RequestStatus.OPEN, RequestStatus.APPOINTED,
                   {Role.ADMIN, Role.SYSTEM}, label=N_("Appoint a neutral")),
    ))

@dataclass(frozen=True)
class _Refusals:
    """Why a party's move on an offer or a bidding proposal is refused, as whole sentences (lazy: put
    into words in the reader's language when refused)."""
    no_such: Any            # %(action)s: the action's name in the URL
    no_longer: dict         # action -> "This offer is %(status)s: it can no longer be accepted."
    no_longer_any: Any      # any other action
    own_only: Any
    not_own: Any
    not_yours: Any


_OFFER_REFUSALS = _Refusals(
    _l("There is no “%(action)s” for offers."),
    {"accepted": _l("This offer is %(status)s: it can no longer be accepted."),
     "rejected": _l("This offer is %(status)s: it can no longer be rejected."),
     "withdrawn": _l("This offer is %(status)s: it can no longer be withdrawn."),
     "countered": _l("This offer is %(status)s: it can no longer be countered.")},
    _l("This offer is %(status)s: that can no longer be done."),
    _l("Only the side that made this offer can do that."),
    _l("You cannot do that to your own offer; the other side decides."),
    _l("That is not yours to do on this offer."))
_BIDDING_REFUSALS = _Refusals(
    _l("There is no “%(action)s” for bidding proposals."),
    {"agreed": _l("This bidding proposal is %(status)s: it can no longer be agreed to."),
     "declined": _l("This bidding proposal is %(status)s: it can no longer be declined."),
     "withdrawn": _l("This bidding proposal is %(status)s: it can no longer be withdrawn.")},
    _l("This bidding proposal is %(status)s: that can no longer be done."),
    _l("Only the side that made this bidding proposal can do that."),
    _l("You cannot do that to your own bidding proposal; the other side decides."),
    _l("That is not yours to do on this bidding proposal."))


def who(thing_side: str, actor_side: str | None) -> Who:
    """What the actor is to the offer or bidding: its own side's, the other's, or the system."""
    if actor_side is None:
        return Who.SYSTEM
    if actor_side == thing_side:
        return Who.OWN
    return Who.OTHER if actor_side in PARTY_SIDES else Who.SYSTEM


def _check(machine: Machine, thing: Any, action: str, actor_side: str | None, say: _Refusals) -> Transition:
    if action not in machine.actions:
        raise MoveRefused(say.no_such % {"action": action})
    t = machine.transition_for(action)
    if thing.status not in t.sources:
        sentence = say.no_longer.get(action, say.no_longer_any)
        raise MoveRefused(sentence % {"status": label(thing.status, language())})
    actor = who(thing.side, actor_side)
    if actor not in t.roles:
        if Who.OWN in t.roles:
            raise MoveRefused(str(say.own_only))
        if actor == Who.OWN:
            raise MoveRefused(str(say.not_own))
        raise MoveRefused(str(say.not_yours))
    try:
        return machine.check(thing, action, actor)  # the guards
    except IllegalTransition as exc:
        raise MoveRefused(str(exc)) from None


def offer_machine(offer: Any, action: str) -> Machine:
    """Whose audit names an answer is written under: the proposal's, or the offer's."""
    is_proposal = offer.side == "neutral"
    return PROPOSAL if is_proposal and action in PROPOSAL.actions else OFFER


def check_offer(offer: Any, action: str, actor_side: str | None) -> Transition:
    """The transition if the side (None: the system) may make `action` on the offer now, else MoveRefused."""
    return _check(offer_machine(offer, action), offer, action, actor_side, _OFFER_REFUSALS)


def check_bidding(agreement: Any, action: str, actor_side: str | None) -> Transition:
    return _check(BIDDING, agreement, action, actor_side, _BIDDING_REFUSALS)
