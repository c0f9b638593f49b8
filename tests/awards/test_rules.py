"""The s.31 elements: each missing one is named when finalising is refused; post-award interest by
direction or at 2% above the current rate; the s.34 window of three months (+30 days by a court)."""
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from arbitration.awards import rules as award_rules
from arbitration.awards.models import PostInterestBasis
from tests.awards.helpers import complete_fields


def award(consent=False, settlement_id=None, **changes):
    values = asdict(complete_fields(**changes))
    directed = values.pop("post_directed_rate")
    basis = values["post_basis"]
    values["post_rate"] = award_rules.post_award_rate(basis.value if basis else None, directed,
                                                      values["post_current_rate"])
    return SimpleNamespace(consent=consent, settlement_id=settlement_id, **values)


def test_a_complete_award_lacks_nothing():
    assert award_rules.missing_elements(award()) == []
    assert award_rules.refusal(award()) is None


@pytest.mark.parametrize(("change", "named"), [
    ({"reasons": "  "}, "reasons"),
    ({"award_date": None}, "date"),
    ({"seat": ""}, "seat"),
    ({"claimant": ""}, "the parties"),
    ({"respondent": " "}, "the parties"),
    ({"agreement": ""}, "the arbitration agreement relied on"),
    ({"principal": None}, "amount awarded"),
    ({"pre_rate": None}, "pre-award interest"),
    ({"pre_from": None}, "pre-award interest"),
    ({"pre_to": date(2026, 1, 1)}, "pre-award interest"),  # the period ends before it starts
    ({"pre_amount": None}, "pre-award interest"),
    ({"post_basis": None}, "post-award interest"),
    ({"post_current_rate": None}, "post-award interest"),
    ({"costs": None}, "costs and who bears them"),
    ({"costs_borne_by": None}, "costs and who bears them"),
])
def test_each_missing_element_is_named(change, named):
    message = award_rules.refusal(award(**change))
    assert message.startswith("The award cannot be finalised: missing ") and named in message
    assert len(award_rules.missing_elements(award(**change))) == 1


def test_several_missing_are_listed_in_order():
    message = award_rules.refusal(award(reasons="", seat="", costs=None))
    assert message == "The award cannot be finalised: missing reasons, seat, costs and who bears them."


def test_no_pre_award_interest_is_stated_as_zero():
    assert award_rules.missing_elements(award(pre_rate=Decimal("0"), pre_amount=Decimal("0"),
                                              pre_from=None, pre_to=None)) == []


def test_consent_award_needs_no_reasons_but_its_settlement():
    assert award_rules.missing_elements(award(consent=True, settlement_id=4, reasons="")) == []
    assert award_rules.missing_elements(award(consent=True, reasons="")) == [
        "the settlement agreement the award records"]


def test_post_award_rate_directed_or_two_above_current():
    assert award_rules.post_award_rate("statutory", None, Decimal("7.25")) == Decimal("9.25")
    assert award_rules.post_award_rate("directed", Decimal("12.00"), Decimal("7.25")) == Decimal("12.00")
    assert award_rules.post_award_rate("directed", None, None) is None
    assert award_rules.post_award_rate(None, Decimal("12"), None) is None
    assert award_rules.missing_elements(award(post_basis=PostInterestBasis.DIRECTED,
                                              post_directed_rate=Decimal("10.00"))) == []
    assert award_rules.missing_elements(award(post_basis=PostInterestBasis.DIRECTED)) == ["post-award interest"]


def test_challenge_window_three_months_and_court_extension():
    window = award_rules.challenge_window(date(2026, 11, 30))
    assert window.closes_on == date(2027, 2, 28)  # 30 Feb does not exist: the month's last day
    assert window.state(date(2027, 2, 28)) == "open" and window.state(date(2027, 3, 1)) == "closed"
    assert window.days_left(date(2027, 2, 18)) == 10 and window.days_left(date(2027, 5, 1)) == 0
    assert award_rules.challenge_window(date(2026, 11, 30), 30).closes_on == date(2027, 3, 30)
    with pytest.raises(ValueError, match="at most 30 days"):
        award_rules.challenge_window(date(2026, 11, 30), 31)


def test_an_award_is_dated_the_day_it_is_signed(db_session):
    """A&C s.31(4): the award states its date; it is the signing date, never a future day or one
    before the case began (issue 18, item 8)."""
    from datetime import timedelta

    from arbitration.awards import making as awards
    from portal.cases.intake import today_ist
    from portal.errors import DomainError
    from tests.awards.helpers import awarding_case, complete_fields

    a = awarding_case()
    award = awards.start(a.neutral, a.case)
    with pytest.raises(DomainError, match="cannot be dated in the future"):
        awards.update(a.neutral, award, complete_fields(award_date=today_ist() + timedelta(days=1)))
    with pytest.raises(DomainError, match="before the case began"):
        awards.update(a.neutral, award, complete_fields(award_date=today_ist() - timedelta(days=400)))
    awards.update(a.neutral, award, complete_fields(award_date=today_ist()))
    award.award_date = today_ist() - timedelta(days=1)  # dated yesterday, signed today
    awards.finalise(a.neutral, award)
    with pytest.raises(DomainError, match="would be signed today"):
        awards.sign(a.neutral, award)
