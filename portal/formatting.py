"""How amounts and times read to people in India, from Babel's locale data (en_IN, hi_IN): rupees in
lakh and crore grouping (₹3,40,000.00), times in IST. Pages, e-mails, SMS, PDFs and messages all
format through here; nothing groups digits by hand."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from babel.numbers import format_currency, format_decimal

from portal.types import to_ist, to_paisa

LOCALES = {"en": "en_IN", "hi": "hi_IN"}
# Two decimals always: an amount in a legal document shows its paise, ₹0.00 included.
_AMOUNT = "#,##,##0.00"
_RUPEES = "¤#,##,##0.00"


def _locale(language: str | None) -> str:
    return LOCALES.get((language or "en")[:2], "en_IN")


def amount(value: Decimal | int | str | None, language: str | None = "en") -> str:
    """1,23,456.78: rounded to the paisa half away from zero, as Indian accounts do."""
    if value is None:
        return ""
    return format_decimal(to_paisa(value), format=_AMOUNT, locale=_locale(language))


def rupees(value: Decimal | int | str | None, language: str | None = "en") -> str:
    """₹1,23,456.78 (and -₹1,00,000.00)."""
    if value is None:
        return ""
    return format_currency(to_paisa(value), "INR", format=_RUPEES, locale=_locale(language),
                           currency_digits=False)


def ist(value: datetime | None, fmt: str = "%d %b %Y, %H:%M IST") -> str:
    """A stored UTC time as India reads it."""
    return "" if value is None else to_ist(value).strftime(fmt)
