"""How amounts and times read to people in India, from Babel's locale data (en_IN, hi_IN): rupees in
lakh and crore grouping (₹3,40,000.00), times in IST. Pages, e-mails, SMS, PDFs and messages all
format through here; nothing groups digits by hand."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from portal.types import to_ist, to_paisa

LOCALES = {"en": "en_IN", "hi": "hi_IN"}
# Two decimals always: an amount in a legal document shows its paise, ₹0.00 included.
_AMOUNT = "#,##,##0.00"
_RUPEES = "¤#,##,##0.00"


# Parsed once: Babel parses a locale given by name on every call, several times per amount (about
# a fifth of the time an amount takes, and a list page formats two amounts a row).
_PARSED = {name: Locale.parse(name) for name in LOCALES.values()}


def _locale(language: str | None) -> Locale:
    return _PARSED[LOCALES.get((language or "en")[:2], "en_IN")]


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


def _hindi(language: str | None) -> bool:
    return (language or "en")[:2] == "hi"


def day(value: date | None, language: str | None = "en", fmt: str = "%d %B %Y") -> str:
    """A date: 07 December 2026, or in Hindi 7 दिसंबर 2026 (Babel's hi_IN month names)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_ist(value).date()
    if _hindi(language):
        return format_date(value, "d MMMM y", locale="hi_IN")
    return value.strftime(fmt)


def ist(value: datetime | None, fmt: str = "%d %b %Y, %H:%M IST", language: str | None = "en") -> str:
    """A stored UTC time as India reads it; in Hindi the date in Hindi and the time on the 24-hour
    clock (7 दिसंबर 2026, 14:02 IST), or the date alone when fmt shows no hour."""
    if value is None:
        return ""
    local = to_ist(value)
    if _hindi(language):
        shown = format_date(local.date(), "d MMMM y", locale="hi_IN")
        return f"{shown}, {local:%H:%M} IST" if "%H" in fmt else shown
    return local.strftime(fmt)
