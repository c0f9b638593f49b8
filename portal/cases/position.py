"""How much is owed on a case today: the one answer every surface shows (issue 16, item 4).

The case page, the debtor's page, the pay page, the creditor's payments page, each receipt and the
JSON API all read `position(case, today)`, so after a payment, an admission or a settlement they
cannot disagree. Under a signed settlement the settlement's balance replaces the claim (what the
settlement still asks for, from its hooks); otherwise the claim as reckoned by
`portal.cases.reckoning.compute_case`, interest included, never below zero.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.cases.amounts import Computation, InterestScheme
from portal.cases.due_dates import DueDateError
from portal.cases.hooks import next_instalment, settlement_outstanding
from portal.cases.interest import ComputationError
from portal.cases.models import Case
from portal.cases.reckoning import compute_case
from portal.rates import RateMissing, rate_table
from portal.types import to_paisa

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Instalment:
    amount: Decimal     # what is still unpaid of it
    due_on: date
    number: int


@dataclass(frozen=True)
class Position:
    as_of: date
    computation: Computation | None   # the claim reckoned line by line (None: see `problem`)
    problem: str | None               # why the claim cannot be reckoned now (a reason, in words)
    settlement_balance: Decimal | None  # what a signed settlement still asks for; None: none governs
    instalment: Instalment | None     # the settlement's next unpaid instalment

    @property
    def settled(self) -> bool:
        """A signed settlement governs: its balance replaces the claim."""
        return self.settlement_balance is not None

    @property
    def claim_due(self) -> Decimal | None:
        if self.computation is None:
            return None
        return max(to_paisa(self.computation.total_due), ZERO)

    @property
    def due(self) -> Decimal | None:
        """The amount owed today: the one figure every page, receipt and API response shows."""
        return self.settlement_balance if self.settled else self.claim_due

    @property
    def interest_runs(self) -> bool:
        """Whether interest keeps running on what is unpaid. A settlement fixes its total (Sulah's
        settlement terms carry no interest), so none runs under it; the claim's runs unless no
        interest is claimed."""
        if self.settled or self.computation is None:
            return False
        return self.computation.terms.scheme != InterestScheme.NONE

    def as_dict(self) -> dict:
        """JSON-ready, for the API: strings for money and dates."""
        return {
            "as_of": self.as_of.isoformat(),
            "basis": "settlement" if self.settled else "claim",
            "due": None if self.due is None else str(self.due),
            "claim_due": None if self.claim_due is None else str(self.claim_due),
            "settlement_balance": None if self.settlement_balance is None else str(self.settlement_balance),
            "next_instalment": None if self.instalment is None else {
                "number": self.instalment.number, "amount": str(self.instalment.amount),
                "due_on": self.instalment.due_on.isoformat()},
            "interest_runs": self.interest_runs,
            "problem": self.problem,
        }


def position(case: Case, today: date) -> Position:
    """The case's position on `today` (India's date: `portal.cases.intake.today_ist()`)."""
    computation, problem = None, None
    if not case.invoices:
        problem = "The claim lists no invoices."
    else:
        try:
            computation = compute_case(case, today, rate_table=rate_table())
        except (ComputationError, DueDateError, RateMissing) as exc:
            problem = str(exc)
    balance = settlement_outstanding(case)
    instalment = None
    if balance is not None:
        balance = max(to_paisa(balance), ZERO)
        state = next_instalment(case, today)
        if state is not None:
            instalment = Instalment(to_paisa(state.unpaid), state.row.due_on, state.row.number)
    return Position(today, computation, problem, balance, instalment)
