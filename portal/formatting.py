"""How amounts and times read to people in India, from Babel's locale data (en_IN, hi_IN): rupees in
lakh and crore grouping (₹3,40,000.00), times in IST. Pages, e-mails, SMS, PDFs and messages all
format through here; nothing else groups digits."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import get_currency_symbol, get_decimal_symbol, get_group_symbol, parse_pattern

from portal.types import to_ist, to_paisa

LOCALES = {"en": "en_IN", "hi": "hi_IN"}
# Two decimals always: an amount in a legal document shows its paise, ₹0.00 included.
_AMOUNT = "#,##,##0.00"
_RUPEES = "¤#,##,##0.00"


class _Pattern:
    """A Babel number pattern applied to an amount already rounded to the paisa, with the locale's
    symbols and the pattern's prefixes and grouping read from Babel once. Babel's own
    `format_currency` parses the pattern and looks every symbol up again on each call (about 35 µs an
    amount; a case list shows 150); this gives the same text (tests/test_amount_formats.py checks it
    against Babel) in a few µs."""

    def __init__(self, pattern: str, locale: Locale) -> None:
        parsed = parse_pattern(pattern)
        if parsed.frac_prec != (2, 2) or parsed.int_prec[0] != 1 or parsed.exp_prec:
            raise ValueError(f"{pattern!r}: only plain patterns with two decimals are applied here")
        symbol = get_currency_symbol("INR", locale)
        self.prefix = tuple(p.replace("¤", symbol) for p in parsed.prefix)
        self.suffix = tuple(p.replace("¤", symbol) for p in parsed.suffix)
        self.first, self.then = parsed.grouping
        self.group, self.decimal = get_group_symbol(locale), get_decimal_symbol(locale)

    def __call__(self, paise: Decimal) -> str:
        negative = int(paise.is_signed())
        whole, _, fraction = f"{abs(paise):f}".partition(".")
        size, grouped = self.first, ""
        while len(whole) > size:
            grouped = self.group + whole[-size:] + grouped
            whole = whole[:-size]
            size = self.then
        return f"{self.prefix[negative]}{whole}{grouped}{self.decimal}{fraction}{self.suffix[negative]}"


# Parsed once: Babel parses a locale given by name on every call, several times per amount.
_PARSED = {name: Locale.parse(name) for name in LOCALES.values()}
_AMOUNTS = {name: _Pattern(_AMOUNT, locale) for name, locale in _PARSED.items()}
_RUPEE_AMOUNTS = {name: _Pattern(_RUPEES, locale) for name, locale in _PARSED.items()}


def _locale_name(language: str | None) -> str:
    return LOCALES.get((language or "en")[:2], "en_IN")


def amount(value: Decimal | int | str | None, language: str | None = "en") -> str:
    """1,23,456.78: rounded to the paisa half away from zero, as Indian accounts do."""
    if value is None:
        return ""
    return _AMOUNTS[_locale_name(language)](to_paisa(value))


def rupees(value: Decimal | int | str | None, language: str | None = "en") -> str:
    """₹1,23,456.78 (and -₹1,00,000.00)."""
    if value is None:
        return ""
    return _RUPEE_AMOUNTS[_locale_name(language)](to_paisa(value))


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
