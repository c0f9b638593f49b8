"""The interest treatments courts and councils use, each a per-case setting, against figures worked
out by hand. One scenario throughout, chosen so that every setting changes the answer:

  Invoice KT/9 for ₹1,00,000.00, due 8 Apr 2025. The Bank Rate was 6.50% until 8 Apr 2025 and
  6.25% from 9 Apr 2025 (portal.rates.seed): it changed on the day after the due date, the first
  day of interest. ₹10,000.00 paid on 20 May 2025, inside month 2. Computed on 15 Jun 2025.
  Months: 1 = 9 Apr–8 May (30 days), 2 = 9 May–8 Jun (31 days), 3 = 9 Jun–8 Jul (30 days).
"""
from datetime import date
from decimal import Decimal as D

import pytest

from portal.cases.amounts import (
    InterestScheme,
    InterestSettings,
    InterestTerms,
    InvoiceDebt,
    PartMonth,
    PaymentMade,
    RateBasis,
    Rounding,
    compute,
)
from portal.rates.seed import SEED_RATES
from portal.rates.table import RatePoint, RateTable

SEEDED = RateTable(RatePoint(on, rate, note) for on, rate, note in SEED_RATES)
INVOICE = InvoiceDebt("KT/9", D("100000.00"), date(2025, 4, 8))
PAID = PaymentMade(D("10000.00"), date(2025, 5, 20))
TODAY = date(2025, 6, 15)


def run(**settings):
    return compute([INVOICE], [PAID], TODAY, terms=InterestTerms(InterestScheme.MSMED_S16),
                   rate_table=SEEDED, settings=InterestSettings(**settings))


def test_frozen_on_the_due_date_pro_rata_by_actual_days_rounded_each_rest():
    # 3 × 6.50 = 19.50% a year, 1.625% a month (the rate in force on 8 Apr).
    # m1  1,00,000.00 × 1.625%            = 1,625.00          → 1,01,625.00
    # m2a 1,01,625.00 × 1.625% × 12/31    = 639.2540…  → 639.25
    #     paid 10,000.00: 1,625.00 + 639.25 = 2,264.25 to interest, 7,735.75 to principal
    #     → principal 92,264.25
    # m2b 92,264.25 × 1.625% × 19/31      = 918.9222…  → 918.92 → 93,183.17 at the rest
    # m3  93,183.17 × 1.625% × 7/30       = 353.3195…  → 353.32 → 93,536.49
    c = run(rate_basis=RateBasis.FROZEN)
    assert [ln.interest for ln in c.lines] == [D("1625.00"), D("639.25"), D("918.92"),
                                               D("353.32")]
    assert c.principal_outstanding == D("92264.25")
    assert c.total_due == D("93536.49")
    assert {ln.bank_rate_on for ln in c.lines if ln.bank_rate_on} == {date(2025, 4, 8)}


def test_frozen_on_the_first_day_of_interest_takes_the_new_rate():
    # 3 × 6.25 = 18.75% a year, 1.5625% a month (the rate in force on 9 Apr).
    # m1  1,00,000.00 × 1.5625%           = 1,562.50          → 1,01,562.50
    # m2a 1,01,562.50 × 1.5625% × 12/31   = 614.2893…  → 614.29
    #     paid 10,000.00: 2,176.79 to interest, 7,823.21 to principal → 92,176.79
    # m2b 92,176.79 × 1.5625% × 19/31     = 882.7414…  → 882.74 → 93,059.53
    # m3  93,059.53 × 1.5625% × 7/30      = 339.2795…  → 339.28 → 93,398.81
    c = run(rate_basis=RateBasis.FROZEN_FIRST_DAY)
    assert [ln.interest for ln in c.lines] == [D("1562.50"), D("614.29"), D("882.74"),
                                               D("339.28")]
    assert c.total_due == D("93398.81")
    assert {ln.bank_rate_on for ln in c.lines if ln.bank_rate_on} == {date(2025, 4, 9)}
    assert "in force on the first day of interest, 09 Apr 2025" in c.lines[0].description
    # Floating also takes 6.25% for month 1 (it opens 9 Apr) and month 2 (9 May); month 3 opens
    # 9 Jun, after the change to 5.75% on 6 Jun, so it alone takes the lower rate.
    floating = run(rate_basis=RateBasis.FLOATING)
    assert [ln.bank_rate for ln in floating.lines] == [D("6.25"), D("6.25"), D("6.25"),
                                                       D("5.75")]


def test_thirty_day_month_counts_at_most_thirty_days_in_a_month():
    # Frozen on the due date (1.625% a month); each day is 1/30 of the month.
    # m1  1,625.00 (a whole month)                          → 1,01,625.00
    # m2a 1,01,625.00 × 1.625% × 12/30    = 660.5625   → 660.56
    #     paid 10,000.00: 2,285.56 to interest, 7,714.44 to principal → 92,285.56
    # m2b 19 days remain of a 31-day month, but only 30 − 12 = 18 are counted:
    #     92,285.56 × 1.625% × 18/30      = 899.7842…  → 899.78 → 93,185.34
    # m3  93,185.34 × 1.625% × 7/30       = 353.3277…  → 353.33 → 93,538.67
    c = run(rate_basis=RateBasis.FROZEN, part_month=PartMonth.THIRTY_DAY)
    assert [ln.interest for ln in c.lines] == [D("1625.00"), D("660.56"), D("899.78"),
                                               D("353.33")]
    assert c.total_due == D("93538.67")
    assert "× 18/30 days" in c.lines[2].description


def test_rounding_once_at_the_end():
    # As the first test, carried to 50 digits:
    # m1 1,625; m2a 639.254032258…; principal after the payment 92,264.254032258…;
    # m2b 918.922207498…; balance at the rest 93,183.176239756…; m3 353.319543242…;
    # total 93,536.495782999… → 93,536.50 (one paisa more than rounding at each rest).
    # Principal outstanding 92,264.254… → 92,264.25; interest outstanding = the difference.
    c = run(rate_basis=RateBasis.FROZEN, rounding=Rounding.AT_END)
    assert c.total_due == D("93536.50")
    assert c.principal_outstanding == D("92264.25")
    assert c.interest_outstanding == D("1272.25")
    assert c.principal_outstanding + c.interest_outstanding == c.total_due
    assert c.paid_to_interest + c.paid_to_principal == D("10000.00")
    assert all(v == v.quantize(D("0.01")) for v in (c.total_due, c.interest, c.paid_to_interest))


@pytest.mark.parametrize("basis", list(RateBasis))
@pytest.mark.parametrize("part", [PartMonth.PRO_RATA_DAYS, PartMonth.THIRTY_DAY])
@pytest.mark.parametrize("rounding", list(Rounding))
def test_every_combination_is_printed_and_adds_up(basis, part, rounding):
    c = run(rate_basis=basis, part_month=part, rounding=rounding)
    text = " ".join(c.notes)
    assert InterestSettings(basis, part, rounding).describe()[0] in text
    assert ("30-day month" in text) == (part == PartMonth.THIRTY_DAY)
    assert ("once, at the end" in text) == (rounding == Rounding.AT_END)
    assert c.principal_outstanding + c.interest_outstanding == c.total_due
    assert c.total_due == c.total_due.quantize(D("0.01"))
    # Whatever the treatment, the figures stay within a few hundred rupees of each other.
    assert D("93300") < c.total_due < D("93600")


def test_each_rest_and_at_end_agree_within_half_a_paisa_a_line():
    each = run(rounding=Rounding.EACH_REST)
    end = run(rounding=Rounding.AT_END)
    assert abs(each.total_due - end.total_due) <= D("0.005") * len(each.lines) + D("0.01")
