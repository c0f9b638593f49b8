"""Double-blind bidding (DOMAIN 17, as Cybersettle ran it), as pure functions over Decimals.

Each round the creditor submits the least it will accept (its demand) and the debtor the most it
will pay (its offer). If the offer reaches the demand, or comes within the agreed gap, the case
settles at the midpoint of the two, rounded to the paisa; otherwise the round fails and neither
figure is ever shown to the other side. After the agreed number of rounds, bidding ends.

The gap is a percentage of the demand or a fixed amount, whichever the parties agreed; a zero gap
means the figures must cross.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from portal.formatting import rupees
from portal.i18n import gettext, language

PAISA = Decimal("0.01")


class RoundResult(enum.StrEnum):
    WAITING = "waiting"      # one side has not submitted yet
    SETTLED = "settled"
    NO_DEAL = "no_deal"      # this round failed; another may follow
    EXHAUSTED = "exhausted"  # the last round failed: bidding is over


@dataclass(frozen=True)
class Terms:
    rounds: int
    gap_percent: Decimal = Decimal("0")   # of the creditor's demand
    gap_amount: Decimal = Decimal("0")    # or a fixed sum, whichever is larger

    def __post_init__(self) -> None:
        if not 1 <= self.rounds <= 10:
            raise ValueError(gettext("Agree between 1 and 10 rounds."))
        if not Decimal("0") <= self.gap_percent <= Decimal("50"):
            raise ValueError(gettext("The gap must be between %(least)s%% and %(most)s%% of the demand.",
                                     least=0, most=50))
        if self.gap_amount < 0:
            raise ValueError(gettext("The gap cannot be negative."))

    def gap(self, demand: Decimal) -> Decimal:
        by_percent = (demand * self.gap_percent / Decimal(100)).quantize(PAISA, ROUND_HALF_UP)
        return max(by_percent, self.gap_amount.quantize(PAISA, ROUND_HALF_UP))


@dataclass(frozen=True)
class Outcome:
    result: RoundResult
    amount: Decimal | None = None  # the settlement figure when SETTLED, else None


def check_figure(amount: Decimal, ceiling: Decimal) -> Decimal:
    """A submitted figure: positive, at most the amount claimed, rounded to the paisa."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError(gettext("Enter an amount in rupees."))
    amount = amount.quantize(PAISA, ROUND_HALF_UP)
    if amount <= 0:
        raise ValueError(gettext("The amount must be more than zero."))
    if amount > ceiling:
        raise ValueError(gettext("The amount cannot be more than the sum claimed (%(claimed)s).",
                                 claimed=rupees(ceiling, language())))
    return amount


def settle_round(terms: Terms, round_no: int, demand: Decimal | None, offer: Decimal | None) -> Outcome:
    """Decide round `round_no` (1-based) from the creditor's demand and the debtor's offer."""
    if not 1 <= round_no <= terms.rounds:
        raise ValueError(gettext("There is no round %(number)s; %(rounds)s were agreed.", number=round_no,
                                 rounds=terms.rounds))
    if demand is None or offer is None:
        return Outcome(RoundResult.WAITING)
    if offer >= demand or demand - offer <= terms.gap(demand):
        midpoint = ((demand + offer) / 2).quantize(PAISA, ROUND_HALF_UP)
        return Outcome(RoundResult.SETTLED, midpoint)
    return Outcome(RoundResult.EXHAUSTED if round_no == terms.rounds else RoundResult.NO_DEAL)
