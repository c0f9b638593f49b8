"""The amount due, checked against figures worked out by hand (in the comments), and properties."""
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.cases.amounts import (
    ComputationError,
    InterestScheme,
    InterestSettings,
    InterestTerms,
    InvoiceDebt,
    LineKind,
    PartMonth,
    PaymentMade,
    RateBasis,
    RateMissing,
    compute,
)
from portal.rates.seed import SEED_RATES
from portal.rates.table import RatePoint, RateTable

MSMED = InterestTerms(InterestScheme.MSMED_S16)
FLAT = RateTable.of((date(2025, 1, 1), "6.50"))  # one Bank Rate throughout: 3 × 6.50 = 19.50%
SEEDED = RateTable(RatePoint(on, rate, note) for on, rate, note in SEED_RATES)
LAKH = D("100000.00")


def msmed(invoices, payments=(), today=date(2025, 5, 15), table=FLAT, **kw):
    return compute(invoices, payments, today, terms=MSMED, rate_table=table,
                   settings=InterestSettings(**kw))


# (a) One invoice, whole months, one Bank Rate.
def test_whole_months_at_a_fixed_bank_rate():
    # Due 15 Feb 2025, so interest from 16 Feb. Three whole months to 15 May.
    # Monthly rate = 3 × 6.50 / 12 = 1.625 %.
    #   month 1: 1,00,000.00 × 1.625% = 1,625.00          → 1,01,625.00
    #   month 2: 1,01,625.00 × 1.625% = 1,651.40625 → 1,651.41 → 1,03,276.41
    #   month 3: 1,03,276.41 × 1.625% = 1,678.2416625 → 1,678.24 → 1,04,954.65
    c = msmed([InvoiceDebt("KT/1", LAKH, date(2025, 2, 15))])
    assert [(ln.period_from, ln.period_to) for ln in c.lines] == [
        (date(2025, 2, 16), date(2025, 3, 15)), (date(2025, 3, 16), date(2025, 4, 15)),
        (date(2025, 4, 16), date(2025, 5, 15))]
    assert [ln.kind for ln in c.lines] == [LineKind.MONTH] * 3
    assert [ln.interest for ln in c.lines] == [D("1625.00"), D("1651.41"), D("1678.24")]
    assert [ln.closing_balance for ln in c.lines] == [D("101625.00"), D("103276.41"),
                                                      D("104954.65")]
    assert all(ln.annual_rate == D("19.50") and ln.bank_rate == D("6.50") for ln in c.lines)
    assert (c.principal_outstanding, c.interest_outstanding, c.total_due) == (
        LAKH, D("4954.65"), D("104954.65"))
    assert "1.625% for the month on ₹1,01,625.00" in c.lines[1].description


def test_no_interest_before_the_day_after_the_due_date():
    c = msmed([InvoiceDebt("KT/1", LAKH, date(2025, 5, 15))])
    assert c.lines == () and c.total_due == LAKH
    assert "Not yet due" in c.invoices[0].notes[0]
    # Due 14 May: 15 May is the first day of interest, a part month of 1/31 days.
    # 1,00,000 × 1.625% × 1/31 = 52.419... → 52.42
    c = msmed([InvoiceDebt("KT/1", LAKH, date(2025, 5, 14))])
    assert [(ln.days, ln.days_in_month, ln.interest) for ln in c.lines] == [(1, 31, D("52.42"))]


# (b) A Bank Rate change mid-period: floating and frozen differ.
@pytest.mark.parametrize("basis,expected,total", [
    # Due 20 Mar 2025; months open 21 Mar, 21 Apr, 21 May, 21 Jun. The Bank Rate was 6.50%
    # until 8 Apr, 6.25% from 9 Apr, 5.75% from 6 Jun.
    # Floating (rate on the day each month opens):
    #   m1 6.50 → 1.625%  : 1,00,000.00 × 1.625%  = 1,625.00 → 1,01,625.00
    #   m2 6.25 → 1.5625% : 1,01,625.00 × 1.5625% = 1,587.890625 → 1,587.89 → 1,03,212.89
    #   m3 6.25 → 1.5625% : 1,03,212.89 × 1.5625% = 1,612.70140625 → 1,612.70 → 1,04,825.59
    #   m4 5.75 → 1.4375% : 1,04,825.59 × 1.4375% = 1,506.86785625 → 1,506.87 → 1,06,332.46
    (RateBasis.FLOATING, ["1625.00", "1587.89", "1612.70", "1506.87"], "106332.46"),
    # Frozen (6.50% in force on the due date, every month):
    #   m1..m3 as in (a): 1,625.00, 1,651.41, 1,678.24 → 1,04,954.65
    #   m4 1,04,954.65 × 1.625% = 1,705.5130625 → 1,705.51 → 1,06,660.16
    (RateBasis.FROZEN, ["1625.00", "1651.41", "1678.24", "1705.51"], "106660.16"),
])
def test_bank_rate_change_floating_versus_frozen(basis, expected, total):
    c = msmed([InvoiceDebt("KT/2", LAKH, date(2025, 3, 20))], today=date(2025, 7, 20),
              table=SEEDED, rate_basis=basis)
    assert [ln.interest for ln in c.lines] == [D(x) for x in expected]
    assert c.total_due == D(total)
    if basis == RateBasis.FROZEN:
        assert {ln.bank_rate_on for ln in c.lines} == {date(2025, 3, 20)}
        assert "in force on the due date" in c.lines[3].description
    else:
        assert [ln.bank_rate for ln in c.lines] == [D("6.50"), D("6.25"), D("6.25"), D("5.75")]
    assert [p.effective_from for p in c.rates_used] == (
        [date(2025, 2, 7), date(2025, 4, 9), date(2025, 6, 6)] if basis == RateBasis.FLOATING
        else [date(2025, 2, 7)])


# (c) Part payments: interest first, then principal.
def test_payment_at_a_rest_goes_to_interest_then_principal():
    # As (a); ₹2,000 paid on 15 Mar, the last day of month 1 (after its 1,625.00 is added):
    #   1,625.00 to interest, 375.00 to principal → principal 99,625.00, balance 99,625.00
    #   month 2: 99,625.00 × 1.625% = 1,618.90625 → 1,618.91 → 1,01,243.91
    c = msmed([InvoiceDebt("KT/1", LAKH, date(2025, 2, 15))],
              [PaymentMade(D("2000.00"), date(2025, 3, 15), reference="UTR 1")],
              today=date(2025, 4, 15))
    first, second = c.lines
    assert (first.interest, first.payment_applied, first.to_interest, first.to_principal,
            first.closing_balance) == (D("1625.00"), D("2000.00"), D("1625.00"), D("375.00"),
                                       D("99625.00"))
    assert (second.interest_on, second.interest) == (D("99625.00"), D("1618.91"))
    assert (c.principal_outstanding, c.interest_outstanding, c.total_due) == (
        D("99625.00"), D("1618.91"), D("101243.91"))
    assert "₹1,625.00 to interest, then ₹375.00 to principal" in first.description


def test_payment_inside_a_month_splits_it():
    # ₹1,000 on 1 Mar 2025: 16 Feb–1 Mar is 14 of the 28 days of month 1 (16 Feb–15 Mar).
    #   part 1: 1,00,000.00 × 1.625% × 14/28 = 812.50; paid: 812.50 interest, 187.50 principal
    #   part 2: 99,812.50 × 1.625% × 14/28 = 810.9765625 → 810.98, added at the rest on 15 Mar
    c = msmed([InvoiceDebt("KT/1", LAKH, date(2025, 2, 15))],
              [PaymentMade(D("1000.00"), date(2025, 3, 1))], today=date(2025, 3, 15))
    assert [(ln.kind, ln.days, ln.interest) for ln in c.lines] == [
        (LineKind.MONTH_PART, 14, D("812.50")), (LineKind.MONTH_PART, 14, D("810.98"))]
    assert (c.paid_to_interest, c.paid_to_principal) == (D("812.50"), D("187.50"))
    assert c.total_due == D("100623.48")


def test_payments_go_oldest_due_first_unless_an_invoice_is_named():
    # Simple interest at 12%: no interest has run on 31 Jan for invoices due that day or later.
    terms = InterestTerms(InterestScheme.SIMPLE, D("12"), "contractual rate")
    invoices = [InvoiceDebt("B", D("5000.00"), date(2025, 3, 1)),
                InvoiceDebt("A", D("3000.00"), date(2025, 1, 31))]
    c = compute(invoices, [PaymentMade(D("4000.00"), date(2025, 1, 31))], date(2025, 1, 31),
                terms=terms)
    assert [(p.invoice_number, p.to_principal) for p in c.payments[0].parts] == [
        ("A", D("3000.00")), ("B", D("1000.00"))]
    c = compute(invoices, [PaymentMade(D("4000.00"), date(2025, 1, 31), invoice_number="B")],
                date(2025, 1, 31), terms=terms)
    assert [(p.invoice_number, p.to_principal) for p in c.payments[0].parts] == [
        ("B", D("4000.00"))]
    # Paying more than is owed: the rest is shown, not lost or netted.
    c = compute(invoices, [PaymentMade(D("9000.00"), date(2025, 1, 31))], date(2025, 1, 31),
                terms=terms)
    assert (c.total_due, c.unapplied) == (D("0.00"), D("1000.00"))


def test_simple_interest_with_a_part_payment():
    # 18% a year, due 31 Jan 2025. ₹10,000 paid 28 Feb.
    #   1–28 Feb: 1,00,000 × 18% × 28/365 = 1,380.8219... → 1,380.82; paid 1,380.82 + 8,619.18
    #   1–31 Mar: 91,380.82 × 18% × 31/365 = 1,396.99993... → 1,397.00
    terms = InterestTerms(InterestScheme.SIMPLE, D("18"), "contractual rate")
    c = compute([InvoiceDebt("X", LAKH, date(2025, 1, 31))],
                [PaymentMade(D("10000.00"), date(2025, 2, 28))], date(2025, 3, 31), terms=terms)
    assert [(ln.days, ln.interest_on, ln.interest) for ln in c.lines] == [
        (28, LAKH, D("1380.82")), (31, D("91380.82"), D("1397.00"))]
    assert c.total_due == D("92777.82")


def test_contractual_compound_monthly():
    # 24% a year = 2% a month from 1 Feb 2025: 1,00,000 → +2,000.00 → 1,02,000.00
    # → +2,040.00 → 1,04,040.00 on 31 Mar (months 1–28 Feb and 1–31 Mar).
    terms = InterestTerms(InterestScheme.COMPOUND_MONTHLY, D("24"), "clause 7 of the agreement")
    c = compute([InvoiceDebt("X", LAKH, date(2025, 1, 31))], [], date(2025, 3, 31), terms=terms)
    assert [ln.interest for ln in c.lines] == [D("2000.00"), D("2040.00")]
    assert c.total_due == D("104040.00") and c.rates_used == ()
    assert "clause 7 of the agreement" in c.lines[0].description


def test_an_unconfirmed_bank_rate_is_flagged_in_the_notes():
    c = msmed([InvoiceDebt("OLD", LAKH, date(2024, 1, 10))], today=date(2024, 3, 10), table=SEEDED)
    assert [ln.bank_rate for ln in c.lines] == [D("6.75"), D("6.75")]
    assert any("to be confirmed against RBI" in n for n in c.notes)


# (d) The part month, both ways.
@pytest.mark.parametrize("part,last,total", [
    # As (a) to 27 May: month 4 (16 May–15 Jun, 31 days) has run 12 days.
    # Pro rata: 1,04,954.65 × 1.625% × 12/31 = 660.1986... → 660.20
    (PartMonth.PRO_RATA_DAYS, D("660.20"), D("105614.85")),
    (PartMonth.IGNORE, D("0.00"), D("104954.65")),
])
def test_part_month_pro_rata_or_ignored(part, last, total):
    c = msmed([InvoiceDebt("KT/1", LAKH, date(2025, 2, 15))], today=date(2025, 5, 27),
              part_month=part)
    assert (c.lines[-1].kind, c.lines[-1].days, c.lines[-1].days_in_month) == (
        LineKind.MONTH_PART, 12, 31)
    assert (c.lines[-1].interest, c.total_due) == (last, total)


def test_ignore_charges_nothing_for_the_running_month_even_before_a_payment():
    c = msmed([InvoiceDebt("KT/1", LAKH, date(2025, 2, 15))],
              [PaymentMade(D("1000.00"), date(2025, 3, 1))], today=date(2025, 3, 10),
              part_month=PartMonth.IGNORE)
    assert sum(ln.interest for ln in c.lines) == 0
    assert c.principal_outstanding == D("99000.00")


def test_month_lengths_follow_the_calendar_from_the_start_day():
    # Interest from 31 Jan 2025: months open 28 Feb, 31 Mar, 30 Apr (never drifting to the 28th).
    c = msmed([InvoiceDebt("M", LAKH, date(2025, 1, 30))], today=date(2025, 5, 29))
    assert [ln.period_from for ln in c.lines] == [date(2025, 1, 31), date(2025, 2, 28),
                                                  date(2025, 3, 31), date(2025, 4, 30)]
    assert [ln.days_in_month for ln in c.lines] == [28, 31, 30, 31]


# (f) No rate, no guess.
def test_rate_missing_before_the_first_row_is_a_clear_error():
    with pytest.raises(RateMissing, match="No RBI Bank Rate is recorded for 02 May 2020"):
        msmed([InvoiceDebt("OLD", LAKH, date(2020, 5, 1))], today=date(2020, 8, 1), table=SEEDED)
    with pytest.raises(RateMissing, match="table is empty"):
        msmed([InvoiceDebt("OLD", LAKH, date(2025, 5, 1))], table=RateTable([]))
    with pytest.raises(ComputationError, match="needs the bank-rate table"):
        compute([InvoiceDebt("A", LAKH, date(2025, 1, 1))], [], date(2025, 5, 1), terms=MSMED)


def test_inputs_that_would_lose_precision_are_refused():
    with pytest.raises(ComputationError, match="positive Decimal"):
        msmed([InvoiceDebt("A", 100000.0, date(2025, 1, 1))])  # float
    with pytest.raises(ComputationError, match="whole paise"):
        msmed([InvoiceDebt("A", D("100.005"), date(2025, 1, 1))])
    with pytest.raises(ComputationError, match="names invoice Z"):
        msmed([InvoiceDebt("A", LAKH, date(2025, 1, 1))],
              [PaymentMade(D("1.00"), date(2025, 2, 1), invoice_number="Z")])


def test_later_payments_are_left_out_with_a_note():
    c = msmed([InvoiceDebt("A", LAKH, date(2025, 2, 15))],
              [PaymentMade(D("500.00"), date(2025, 6, 1))])
    assert c.paid_to_principal == 0 and any("not counted" in n for n in c.notes)


# Properties: lines add up exactly and nothing is a float.
money = st.decimals(min_value=D("1.00"), max_value=D("5000000.00"), places=2)
days = st.integers(min_value=0, max_value=900)


@settings(max_examples=150, deadline=None, database=None)  # no example store between runs
@given(amounts=st.lists(money, min_size=1, max_size=3),
       due_offsets=st.lists(days, min_size=3, max_size=3),
       pays=st.lists(st.tuples(money, days, st.booleans()), max_size=4),
       horizon=days, scheme=st.sampled_from(list(InterestScheme)),
       basis=st.sampled_from(list(RateBasis)), part=st.sampled_from(list(PartMonth)))
def test_totals_are_the_sums_of_the_lines(amounts, due_offsets, pays, horizon, scheme, basis,
                                          part):
    base = date(2025, 2, 7)
    invoices = [InvoiceDebt(f"I{n}", amt, base + timedelta(days=due_offsets[n]))
                for n, amt in enumerate(amounts)]
    payments = [PaymentMade(amt, base + timedelta(days=d), "I0" if named else None)
                for amt, d, named in pays]
    terms = (InterestTerms(scheme, D("18.00"), "stated") if scheme in (
        InterestScheme.SIMPLE, InterestScheme.COMPOUND_MONTHLY) else InterestTerms(scheme))
    c = compute(invoices, payments, base + timedelta(days=horizon), terms=terms,
                rate_table=SEEDED, settings=InterestSettings(basis, part))
    for inv in c.invoices:
        previous = inv.amount
        for ln in inv.lines:
            assert ln.opening_balance == previous
            assert ln.closing_balance == ln.opening_balance + ln.interest - ln.payment_applied
            assert ln.payment_applied == ln.to_interest + ln.to_principal
            assert ln.interest >= 0 and ln.closing_balance >= 0
            previous = ln.closing_balance
        assert inv.total_due == previous
        assert inv.interest == sum((ln.interest for ln in inv.lines), D(0))
        paid_principal = sum((ln.to_principal for ln in inv.lines), D(0))
        assert inv.principal_outstanding == inv.amount - paid_principal
    assert c.total_due == c.principal_outstanding + c.interest_outstanding
    assert c.total_due == sum((i.total_due for i in c.invoices), D(0))
    received = sum((p.amount for p in payments if p.paid_on <= c.as_of), D(0))
    assert c.paid_to_interest + c.paid_to_principal + c.unapplied == received
    _assert_no_floats(c.as_dict())
    for value in (c.total_due, c.interest, *(ln.interest for ln in c.lines)):
        assert isinstance(value, D) and value == value.quantize(D("0.01"))


def _assert_no_floats(value):
    assert not isinstance(value, float)
    if isinstance(value, dict):
        for v in value.values():
            _assert_no_floats(v)
    elif isinstance(value, list):
        for v in value:
            _assert_no_floats(v)
