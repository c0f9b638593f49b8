"""The amounts' fast path (portal.formatting._Pattern) writes exactly what Babel's own formatters
write, for every kind of amount a page shows, in English and Hindi."""
from __future__ import annotations

import random
from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal

from portal import formatting
from portal.types import to_paisa

EDGES = ["0", "-0", "0.004", "-0.004", "0.005", "-0.005", "0.01", "-0.01", "0.994", "0.995", "9.995",
         "999.99", "999.995", "1000", "-1000", "99999.99", "100000", "-100000.005", "1234567.895",
         "9999999.999", "10000000", "123456789012.34", "-999999999999.99", "1e3", "1E+5", "12.3456789"]


def amounts() -> list[Decimal]:
    rng = random.Random(22)
    drawn = [Decimal(rng.randrange(-10**14, 10**14)) / Decimal(10 ** rng.randrange(0, 5)) for _ in range(3000)]
    return [Decimal(v) for v in EDGES] + drawn


@pytest.mark.parametrize("language", ["en", "hi", None, "hi-IN", "ta"])
def test_amounts_read_as_babel_writes_them(language):
    locale = formatting.LOCALES.get((language or "en")[:2], "en_IN")
    for value in amounts():
        paise = to_paisa(value)
        assert formatting.rupees(value, language) == format_currency(
            paise, "INR", format=formatting._RUPEES, locale=locale, currency_digits=False), value
        assert formatting.amount(value, language) == format_decimal(
            paise, format=formatting._AMOUNT, locale=locale), value


def test_other_inputs_as_before():
    assert formatting.rupees(None) == "" and formatting.amount(None) == ""
    assert formatting.rupees(340000) == "₹3,40,000.00"
    assert formatting.rupees("-100000.5") == "-₹1,00,000.50"
    assert formatting.amount(Decimal("-0.004")) == "-0.00"  # Babel keeps the sign of a negative zero
