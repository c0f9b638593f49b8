"""Validation and normalisation of Indian business identifiers: GSTIN, PAN, Udyam, UPI VPA, phone."""
from __future__ import annotations

import re

import phonenumbers

_GSTIN_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_GSTIN_RE = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
_PAN_RE = re.compile(r"^[A-Z]{3}[ABCFGHJLPT][A-Z][0-9]{4}[A-Z]$")
_UDYAM_RE = re.compile(r"^UDYAM-[A-Z]{2}-[0-9]{2}-[0-9]{7}$")
_VPA_RE = re.compile(r"^[A-Za-z0-9.\-_]{2,256}@[A-Za-z][A-Za-z0-9]{1,63}$")


class InvalidIdentifier(ValueError):
    """A user-supplied identifier failed validation; the message is safe to show."""


def gstin_check_char(first14: str) -> str:
    """The GSTIN checksum character (a Luhn mod-36 variant over the first 14 characters)."""
    total = 0
    for i, ch in enumerate(first14):
        product = _GSTIN_CHARS.index(ch) * (2 if i % 2 else 1)
        total += product // 36 + product % 36
    return _GSTIN_CHARS[(36 - total % 36) % 36]


def normalize_gstin(raw: str) -> str:
    value = re.sub(r"\s+", "", raw or "").upper()
    if not _GSTIN_RE.match(value):
        raise InvalidIdentifier("A GSTIN has 15 characters: state code, PAN, entity number, Z, check.")
    if not 1 <= int(value[:2]) <= 38 and value[:2] not in {"97", "99"}:
        raise InvalidIdentifier("The GSTIN's first two digits are not a valid state code.")
    if gstin_check_char(value[:14]) != value[14]:
        raise InvalidIdentifier("The GSTIN's check character does not match; please re-check it.")
    return value


def pan_from_gstin(gstin: str) -> str:
    return gstin[2:12]


def normalize_pan(raw: str) -> str:
    value = re.sub(r"\s+", "", raw or "").upper()
    if not _PAN_RE.match(value):
        raise InvalidIdentifier("A PAN looks like ABCDE1234F (five letters, four digits, a letter).")
    return value


def normalize_udyam(raw: str) -> str:
    value = re.sub(r"\s+", "", raw or "").upper()
    if not _UDYAM_RE.match(value):
        raise InvalidIdentifier("A Udyam number looks like UDYAM-MH-33-0012345.")
    return value


def normalize_vpa(raw: str) -> str:
    value = (raw or "").strip()
    if not _VPA_RE.match(value):
        raise InvalidIdentifier("A UPI ID looks like business@bank.")
    return value.lower()


def normalize_mobile(raw: str, region: str = "IN") -> str:
    """An Indian (or explicitly international) mobile number in E.164 form."""
    try:
        number = phonenumbers.parse(raw or "", region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentifier("That is not a phone number we can read.") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifier("That phone number is not valid.")
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise InvalidIdentifier("Please give a mobile number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
