"""The one money parser: every amount a person or a system sends (web forms, the JSON API, imports,
bids, offers) becomes a `Decimal` here, or is refused with a message that names the rule it broke.

Accepted: digits with at most two decimal places (paise), plain (340000.50) or grouped with commas
the Indian way (3,40,000.50) or the international way (340,000.50), optionally after ₹, Rs or INR.
Refused, never silently rounded or guessed: a third decimal place, an exponent (1e9, as text or as
a JSON number), a sign where none is allowed, letters, misplaced commas, and anything above the
field's ceiling.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator

from portal.formatting import rupees

PAISA = Decimal("0.01")
# ₹99,99,99,99,999.99: more than any MSME claim; each field may set a lower ceiling.
CEILING = Decimal("99999999999.99")
_CURRENCY = re.compile(r"^(₹|rs\.?|inr)\s*", re.IGNORECASE)
_PLAIN = re.compile(r"^\d+(\.\d+)?$")
_INDIAN = re.compile(r"^\d{1,2}(,\d{2})*,\d{3}(\.\d+)?$")
_INTERNATIONAL = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_SIMPLE = re.compile(r"[1-9]\d{0,10}(\.\d{1,2})?|0(\.\d{1,2})?")  # no leading zeros, at most 11 digits


class MoneyInvalid(ValueError):
    """The amount was refused; the message says which rule it broke and is safe to show."""


def parse_amount(raw: Any, *, minimum: Decimal = Decimal("0"), maximum: Decimal = CEILING,
                 what: str = "The amount") -> Decimal:
    """`raw` (text, an int, or a Decimal from JSON) as rupees to the paisa, or MoneyInvalid."""
    if isinstance(raw, bool) or raw is None:
        raise MoneyInvalid(f"{what} is missing: write it in digits, e.g. 45000 or 45,000.50.")
    if isinstance(raw, float):  # JSON numbers are read as Decimal (portal.web.json); a float lost digits
        raise MoneyInvalid(f"{what} must be sent as a decimal number or text, e.g. \"45000.50\".")
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise MoneyInvalid(f"{what} must be a number of rupees.")
        if "E" in str(raw).upper():
            raise MoneyInvalid(f"{what} must be written in digits, not with an exponent (such as 1e9).")
        text = format(raw, "f")
    else:
        text = str(raw).strip()
        simple = _SIMPLE.fullmatch(text)
        if simple:  # the usual cell (digits, at most two decimals): the rules below would accept it as is
            return _bounded(Decimal(text).quantize(PAISA), minimum, maximum, what)
    text = _CURRENCY.sub("", text).replace(" ", "").replace("\u00a0", "")
    negative = text.startswith("-")
    if text.startswith(("-", "+")):
        text = text[1:]
    if not text:
        raise MoneyInvalid(f"{what} is missing: write it in digits, e.g. 45000 or 45,000.50.")
    if re.search(r"[eE]", text) and re.fullmatch(r"[\d.,]*[eE][+-]?\d+", text):
        raise MoneyInvalid(f"{what} must be written in digits, not with an exponent (such as 1e9).")
    if not re.fullmatch(r"[\d.,]+", text):
        raise MoneyInvalid(f"{what} must be written in digits, e.g. 45000 or 45,000.50 (no letters).")
    if "," in text and not (_INDIAN.match(text) or _INTERNATIONAL.match(text)):
        raise MoneyInvalid(f"The commas in {what.lower()} are misplaced: "
                           "write 3,40,000 or 340,000 or 340000.")
    if not (_PLAIN.match(text.replace(",", ""))):
        raise MoneyInvalid(f"{what} must be written in digits, e.g. 45000 or 45,000.50.")
    whole, _, fraction = text.replace(",", "").partition(".")
    if len(fraction.rstrip("0")) > 2:
        raise MoneyInvalid(f"{what} can have at most two decimal places (paise): 100.55, not 100.555.")
    if len(whole.lstrip("0")) > len(str(int(maximum))):  # before Decimal's precision can overflow
        raise MoneyInvalid(f"{what} cannot be more than {rupees(maximum)}; check the digits.")
    try:
        value = Decimal(f"{whole or '0'}.{fraction[:2] or '0'}").quantize(PAISA)
    except InvalidOperation:
        raise MoneyInvalid(f"{what} must be written in digits, e.g. 45000 or 45,000.50.") from None
    if negative and value:
        raise MoneyInvalid(f"{what} cannot be negative.")
    return _bounded(value, minimum, maximum, what)


def _bounded(value: Decimal, minimum: Decimal, maximum: Decimal, what: str) -> Decimal:
    if value < minimum:
        raise MoneyInvalid(f"{what} must be more than zero." if minimum == PAISA
                           else f"{what} must be at least {rupees(minimum)}.")
    if value > maximum:
        raise MoneyInvalid(f"{what} cannot be more than {rupees(maximum)}; check the digits.")
    return value


def _api_amount(minimum: Decimal, maximum: Decimal):
    def parse(value: Any) -> Decimal:
        try:
            return parse_amount(value, minimum=minimum, maximum=maximum)
        except MoneyInvalid as exc:
            raise ValueError(str(exc)) from None
    return parse


def api_money(minimum: Decimal = Decimal("0"), maximum: Decimal = CEILING) -> Any:
    """A pydantic field type for an amount in the JSON API, parsed by `parse_amount`."""
    return Annotated[Decimal, BeforeValidator(_api_amount(minimum, maximum))]
