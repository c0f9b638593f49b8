"""Double-blind bidding rules: crossing or within the gap settles at the midpoint; otherwise no
deal, and the last failed round ends the bidding."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arbitration.odr.bidding_rules import RoundResult, Terms, check_figure, settle_round

D = Decimal


@pytest.mark.parametrize("demand, offer, terms, result, amount", [
    (D("100000"), D("120000"), Terms(3), RoundResult.SETTLED, D("110000.00")),          # crossed
    (D("100000"), D("100000"), Terms(3), RoundResult.SETTLED, D("100000.00")),          # met
    (D("100000"), D("95000"), Terms(3, gap_percent=D("5")), RoundResult.SETTLED, D("97500.00")),
    (D("100000"), D("94999.99"), Terms(3, gap_percent=D("5")), RoundResult.NO_DEAL, None),
    (D("100000"), D("98000"), Terms(3, gap_amount=D("2000")), RoundResult.SETTLED, D("99000.00")),
    (D("100000"), D("90000"), Terms(3), RoundResult.NO_DEAL, None),
    (D("100000.01"), D("100000.00"), Terms(1, gap_amount=D("0.01")), RoundResult.SETTLED, D("100000.01")),
])
def test_rounds(demand, offer, terms, result, amount):
    outcome = settle_round(terms, 1, demand, offer)
    assert outcome.result == result and outcome.amount == amount


def test_waiting_and_exhausted():
    terms = Terms(2)
    assert settle_round(terms, 1, D("100"), None).result == RoundResult.WAITING
    assert settle_round(terms, 1, D("100"), D("50")).result == RoundResult.NO_DEAL
    assert settle_round(terms, 2, D("100"), D("50")).result == RoundResult.EXHAUSTED
    with pytest.raises(ValueError, match="no round 3"):
        settle_round(terms, 3, D("100"), D("50"))


@pytest.mark.parametrize("kwargs, message", [
    ({"rounds": 0}, "between 1 and 10"), ({"rounds": 11}, "between 1 and 10"),
    ({"rounds": 3, "gap_percent": D("60")}, "between 0% and 50%"),
    ({"rounds": 3, "gap_amount": D("-1")}, "negative"),
])
def test_bad_terms(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Terms(**kwargs)


@pytest.mark.parametrize("amount, message", [
    (D("0"), "more than zero"), (D("-5"), "more than zero"), (D("200001"), "more than the sum"),
    (D("NaN"), "in rupees"), (D("Infinity"), "in rupees"),
])
def test_bad_figures(amount, message):
    with pytest.raises(ValueError, match=message):
        check_figure(amount, D("200000"))


def test_figures_round_to_the_paisa():
    assert check_figure(D("1234.565"), D("5000")) == D("1234.57")


money = st.decimals(min_value=D("1"), max_value=D("10000000"), places=2)


@given(money, money, st.decimals(min_value=D("0"), max_value=D("50"), places=1))
def test_settlement_always_lies_between_the_two_figures(demand, offer, gap):
    outcome = settle_round(Terms(1, gap_percent=gap), 1, demand, offer)
    if outcome.result == RoundResult.SETTLED:
        assert min(demand, offer) <= outcome.amount <= max(demand, offer)
        assert outcome.amount == outcome.amount.quantize(D("0.01"))
    else:
        assert offer < demand and outcome.amount is None
