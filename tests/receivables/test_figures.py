"""The portfolio's figures: ageing buckets, DSO by countback, the SVG bar chart."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.receivables.charts import bars
from portal.receivables.figures import BUCKETS, ageing, bucket_of, dso_countback

TODAY = date(2026, 12, 15)


def test_buckets_edges():
    assert bucket_of(date(2026, 12, 15), TODAY) == "Not yet due"
    assert bucket_of(date(2026, 12, 14), TODAY) == "1–30 days"
    assert bucket_of(date(2026, 11, 15), TODAY) == "1–30 days"
    assert bucket_of(date(2026, 11, 14), TODAY) == "31–60 days"
    assert bucket_of(date(2026, 9, 16), TODAY) == "61–90 days"
    assert bucket_of(date(2026, 9, 15), TODAY) == "Over 90 days"


def test_ageing_sums_open_amounts_only():
    out = ageing([(date(2026, 12, 20), Decimal("100")), (date(2026, 12, 1), Decimal("50")),
                  (date(2026, 12, 2), Decimal("25")), (date(2026, 1, 1), Decimal("0"))], TODAY)
    assert list(out) == list(BUCKETS)
    assert out["Not yet due"] == Decimal("100") and out["1–30 days"] == Decimal("75")
    assert out["Over 90 days"] == Decimal("0")


def test_dso_countback():
    sales = {date(2026, 12, 1): Decimal("30000"), date(2026, 11, 1): Decimal("60000"),
             date(2026, 10, 1): Decimal("60000")}
    # 30,000 uses December's 15 days; 60,000 of November's 30 days uses half: 15 + 15.
    assert dso_countback(Decimal("60000"), sales, TODAY) == Decimal("30.0")
    assert dso_countback(Decimal("20000"), sales, TODAY) == Decimal("10.0")
    assert dso_countback(Decimal("0"), sales, TODAY) == Decimal("0.0")
    assert dso_countback(Decimal("100"), {}, TODAY) is None


def test_the_bar_chart_is_titled_escaped_and_scaled():
    svg = str(bars("Ageing <overall>", [("A & B", Decimal("100")), ("C", Decimal("50"))], chart_id="age"))
    assert '<title id="age-title">Ageing &lt;overall&gt;</title>' in svg
    assert "A &amp; B" in svg and 'role="img"' in svg
    assert 'width="130"' in svg and 'width="65"' in svg
