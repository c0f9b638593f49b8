"""What an award must contain before it can be finalised (A&C s.31, s.31A, s.30) and the s.34
challenge window. Pure: reads the award's fields, touches no database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from arbitration.proceedings.clocks import add_months

# s.31(7)(b): unless the award directs otherwise, 2% above the current rate on the award's date.
STATUTORY_UPLIFT = Decimal("2.00")
CHALLENGE_MONTHS = 3            # s.34(3)
MAX_COURT_EXTENSION_DAYS = 30   # s.34(3) proviso: "but not thereafter"


def missing_elements(award: Any) -> list[str]:
    """Each s.31 element the award lacks, in plain words, in the order the award reads."""
    missing = []
    if not _text(award.claimant) or not _text(award.respondent):
        missing.append("the parties")
    if not _text(award.agreement):
        missing.append("the arbitration agreement relied on")
    if award.consent and award.settlement_id is None:
        missing.append("the settlement agreement the award records")
    if not award.consent and not _text(award.reasons):  # s.31(3)(b): a consent award needs none
        missing.append("reasons")
    if award.award_date is None:
        missing.append("date")
    if not _text(award.seat):
        missing.append("seat")
    if award.principal is None:
        missing.append("amount awarded")
    if not _pre_award_complete(award):
        missing.append("pre-award interest (rate, period and amount; enter 0 if none)")
    if not _post_award_complete(award):
        missing.append("post-award interest")
    if award.costs is None or award.costs_borne_by is None:
        missing.append("costs and who bears them")
    return missing


def refusal(award: Any) -> str | None:
    missing = missing_elements(award)
    return f"The award cannot be finalised: missing {', '.join(missing)}." if missing else None


def post_award_rate(basis: str | None, directed: Decimal | None, current: Decimal | None) -> Decimal | None:
    """The rate the award carries after its date: the directed one, or current + 2 (s.31(7)(b))."""
    if basis == "directed":
        return directed
    if basis == "statutory" and current is not None:
        return current + STATUTORY_UPLIFT
    return None


def _text(value: str | None) -> bool:
    return bool((value or "").strip())


def _pre_award_complete(award: Any) -> bool:
    if award.pre_rate is None or award.pre_amount is None:
        return False
    if award.pre_rate == 0 and award.pre_amount == 0:
        return True  # no pre-award interest, stated as such
    return award.pre_from is not None and award.pre_to is not None and award.pre_from <= award.pre_to


def _post_award_complete(award: Any) -> bool:
    basis = getattr(award.post_basis, "value", award.post_basis)
    if basis == "statutory":
        return award.post_current_rate is not None and award.post_rate is not None
    return basis == "directed" and award.post_rate is not None


@dataclass(frozen=True)
class ChallengeWindow:
    """s.34(3): three months from the party's receipt, plus up to 30 days only if a court allows."""

    received_on: date
    closes_on: date
    extension_days: int

    def state(self, today: date) -> str:
        return "open" if today <= self.closes_on else "closed"

    def days_left(self, today: date) -> int:
        return max((self.closes_on - today).days, 0)


def challenge_window(received_on: date, extension_days: int = 0) -> ChallengeWindow:
    if not 0 <= extension_days <= MAX_COURT_EXTENSION_DAYS:
        raise ValueError("A court may extend the s.34 period by at most 30 days.")
    closes = add_months(received_on, CHALLENGE_MONTHS) + timedelta(days=extension_days)
    return ChallengeWindow(received_on, closes, extension_days)
