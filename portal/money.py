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
from portal.i18n import gettext, language
from portal.i18n import lazy_gettext as _l

PAISA = Decimal("0.01")
# ₹99,99,99,99,999.99: more than any MSME claim; each field may set a lower ceiling.
CEILING = Decimal("99999999999.99")
_CURRENCY = re.compile(r"^(₹|rs\.?|inr)\s*", re.IGNORECASE)
_PLAIN = re.compile(r"^\d+(\.\d+)?$")
_INDIAN = re.compile(r"^\d{1,2}(,\d{2})*,\d{3}(\.\d+)?$")
_INTERNATIONAL = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_SIMPLE = re.compile(r"[1-9]\d{0,10}(\.\d{1,2})?|0(\.\d{1,2})?")  # no leading zeros, at most 11 digits
_MISSING = _l("%(what)s is missing: write it in digits, e.g. 45000 or 45,000.50.")
_EXPONENT = _l("%(what)s must be written in digits, not with an exponent (such as 1e9).")
_DIGITS = _l("%(what)s must be written in digits, e.g. 45000 or 45,000.50.")


class MoneyInvalid(ValueError):
    """The amount was refused; the message says which rule it broke and is safe to show."""


def parse_amount(raw: Any, *, minimum: Decimal = Decimal("0"), maximum: Decimal = CEILING,
                 what: str = _l("The amount")) -> Decimal:
    """`raw` (text, an int, or a Decimal from JSON) as rupees to the paisa, or MoneyInvalid. The
    refusals speak the page's language (a debtor's form may be in Hindi); `what` names the amount in
    it ("The amount", or a form's own lazy_gettext word, put into words only for a refusal)."""
    if isinstance(raw, bool) or raw is None:
        raise MoneyInvalid(_MISSING % {"what": what})
    if isinstance(raw, float):  # JSON numbers are read as Decimal (portal.web.json); a float lost digits
        raise MoneyInvalid(gettext('%(what)s must be sent as a decimal number or text, e.g. "45000.50".',
                                   what=what))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise MoneyInvalid(gettext("%(what)s must be a number of rupees.", what=what))
        if "E" in str(raw).upper():
            raise MoneyInvalid(_EXPONENT % {"what": what})
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
        raise MoneyInvalid(_MISSING % {"what": what})
    if re.search(r"[eE]", text) and re.fullmatch(r"[\d.,]*[eE][+-]?\d+", text):
        raise MoneyInvalid(_EXPONENT % {"what": what})
    if not re.fullmatch(r"[\d.,]+", text):
        raise MoneyInvalid(gettext("%(what)s must be written in digits, e.g. 45000 or 45,000.50 "
                                   "(no letters).", what=what))
    if "," in text and not (_INDIAN.match(text) or _INTERNATIONAL.match(text)):
        raise MoneyInvalid(gettext("The commas in %(what_in)s are misplaced: "
                                   "write 3,40,000 or 340,000 or 340000.", what_in=str(what).lower()))
    if not (_PLAIN.match(text.replace(",", ""))):
        raise MoneyInvalid(_DIGITS % {"what": what})
    whole, _, fraction = text.replace(",", "").partition(".")
    if len(fraction.rstrip("0")) > 2:
        raise MoneyInvalid(gettext("%(what)s can have at most two decimal places (paise): "
                                   "100.55, not 100.555.", what=what))
    if len(whole.lstrip("0")) > len(str(int(maximum))):  # before Decimal's precision can overflow
        raise _too_much(what, maximum)
    try:
        value = Decimal(f"{whole or '0'}.{fraction[:2] or '0'}").quantize(PAISA)
    except InvalidOperation:
        raise MoneyInvalid(_DIGITS % {"what": what}) from None
    if negative and value:
        raise MoneyInvalid(gettext("%(what)s cannot be negative.", what=what))
    return _bounded(value, minimum, maximum, what)


def _too_much(what: str, maximum: Decimal) -> MoneyInvalid:
    return MoneyInvalid(gettext("%(what)s cannot be more than %(most)s; check the digits.",
                                what=what, most=rupees(maximum, language())))


def _bounded(value: Decimal, minimum: Decimal, maximum: Decimal, what: str) -> Decimal:
    if value < minimum:
        raise MoneyInvalid(gettext("%(what)s must be more than zero.", what=what) if minimum == PAISA
                           else gettext("%(what)s must be at least %(least)s.", what=what,
                                        least=rupees(minimum, language())))
    if value > maximum:
        raise _too_much(what, maximum)
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
