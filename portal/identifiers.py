"""Validation and normalisation of Indian business identifiers: GSTIN, PAN, Udyam, UPI VPA, phone."""
from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

_GSTIN_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_GSTIN_RE = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
_PAN_RE = re.compile(r"^[A-Z]{3}[ABCFGHJLPT][A-Z][0-9]{4}[A-Z]$")
_UDYAM_RE = re.compile(r"^UDYAM-[A-Z]{2}-[0-9]{2}-[0-9]{7}$")
_VPA_RE = re.compile(r"^[A-Za-z0-9.\-_]{2,256}@[A-Za-z][A-Za-z0-9]{1,63}$")


class InvalidIdentifier(ValueError):
    """A user-supplied identifier failed validation; the message is safe to show."""


@dataclass(frozen=True)
class State:
    gst_code: str  # the first two digits of a GSTIN (CBIC's state code list)
    name: str
    udyam_codes: tuple[str, ...]  # the letters in a Udyam number (some states appear two ways)
    districts: int  # the most districts the state has had since Udyam began (July 2020), LGD
    pin_prefixes: tuple[str, ...] = ()  # the first two digits of its PIN codes (India Post circles)


# GST state codes and names from CBIC; Udyam's state letters; district counts from the Local
# Government Directory (the highest count since 2020, so an older registration stays valid: e.g.
# Rajasthan had 50 districts in 2023-24). PIN prefixes overlap across small states and are only
# used to tell two states apart when the address names no state.
STATES: tuple[State, ...] = (
    State("01", "Jammu and Kashmir", ("JK",), 20, ("18", "19")),
    State("02", "Himachal Pradesh", ("HP",), 12, ("17",)),
    State("03", "Punjab", ("PB",), 23, ("14", "15", "16")),
    State("04", "Chandigarh", ("CH",), 1, ("16",)),
    State("05", "Uttarakhand", ("UK", "UT", "UA"), 13, ("24", "26")),
    State("06", "Haryana", ("HR",), 22, ("12", "13")),
    State("07", "Delhi", ("DL",), 13, ("11",)),
    State("08", "Rajasthan", ("RJ",), 50, ("30", "31", "32", "33", "34")),
    State("09", "Uttar Pradesh", ("UP",), 75, ("20", "21", "22", "23", "24", "25", "26", "27", "28")),
    State("10", "Bihar", ("BR",), 38, ("80", "81", "82", "83", "84", "85")),
    State("11", "Sikkim", ("SK",), 6, ("73",)),
    State("12", "Arunachal Pradesh", ("AR",), 28, ("79",)),
    State("13", "Nagaland", ("NL",), 17, ("79",)),
    State("14", "Manipur", ("MN",), 16, ("79",)),
    State("15", "Mizoram", ("MZ",), 11, ("79",)),
    State("16", "Tripura", ("TR",), 8, ("79",)),
    State("17", "Meghalaya", ("ML",), 12, ("79",)),
    State("18", "Assam", ("AS",), 35, ("78",)),
    State("19", "West Bengal", ("WB",), 23, ("70", "71", "72", "73", "74")),
    State("20", "Jharkhand", ("JH",), 24, ("81", "82", "83", "84", "85")),
    State("21", "Odisha", ("OD", "OR"), 30, ("75", "76", "77")),
    State("22", "Chhattisgarh", ("CG", "CT"), 33, ("46", "47", "48", "49")),
    State("23", "Madhya Pradesh", ("MP",), 55, ("45", "46", "47", "48")),
    State("24", "Gujarat", ("GJ",), 33, ("36", "37", "38", "39")),
    State("26", "Dadra and Nagar Haveli and Daman and Diu", ("DD", "DN", "DH"), 3, ("39",)),
    State("27", "Maharashtra", ("MH",), 36, ("40", "41", "42", "43", "44")),
    State("29", "Karnataka", ("KR", "KA"), 31, ("56", "57", "58", "59")),
    State("30", "Goa", ("GA",), 2, ("40",)),
    State("31", "Lakshadweep", ("LD",), 1, ("68",)),
    State("32", "Kerala", ("KL",), 14, ("67", "68", "69")),
    State("33", "Tamil Nadu", ("TN",), 38, ("60", "61", "62", "63", "64", "65", "66")),
    State("34", "Puducherry", ("PY",), 4, ("60", "53", "67")),
    State("35", "Andaman and Nicobar Islands", ("AN",), 3, ("74",)),
    State("36", "Telangana", ("TS", "TG"), 33, ("50",)),
    State("37", "Andhra Pradesh", ("AP",), 26, ("51", "52", "53")),
    State("38", "Ladakh", ("LA",), 2, ("19",)),
)
_BY_GST = {s.gst_code: s for s in STATES}
_BY_UDYAM = {code: s for s in STATES for code in s.udyam_codes}
# "Other territory" (97) and "Centre jurisdiction" (99) GSTINs have no state.
_GST_NON_STATES = {"97", "99"}
# Older spellings and short forms people write in addresses.
_STATE_WORDS = {s.name.lower(): s for s in STATES} | {
    "orissa": _BY_GST["21"], "pondicherry": _BY_GST["34"], "new delhi": _BY_GST["07"],
    "bangalore": _BY_GST["29"], "bengaluru": _BY_GST["29"], "mumbai": _BY_GST["27"],
    "chennai": _BY_GST["33"], "kolkata": _BY_GST["19"], "hyderabad": _BY_GST["36"]}
_PIN = re.compile(r"(?<!\d)([1-9]\d{2})\s?(\d{3})(?!\d)")


def state_for_gstin(gstin: str) -> State | None:
    return _BY_GST.get(gstin[:2])


def states_in_address(address: str) -> set[str]:
    """The GST codes of the states an address names (by name, or a well-known city)."""
    text = " " + re.sub(r"[^a-z]+", " ", (address or "").lower()) + " "
    found = {s.gst_code for word, s in _STATE_WORDS.items() if f" {word} " in text}
    # "Andhra Pradesh" is not "Pradesh"; "West Bengal" holds no other name; "Delhi" inside "New Delhi"
    # is the same state. Only whole-word names are counted above.
    return found


def gstin_address_mismatch(gstin: str | None, address: str | None) -> str | None:
    """Why a GSTIN cannot belong to a business at this address, or None (also when unknown).

    A GSTIN is issued per state: its first two digits are the state of the registered place of
    business. When the address names a state (or its PIN code belongs only to other states), they
    must agree.
    """
    if not gstin or not address:
        return None
    state = state_for_gstin(gstin)
    if state is None:
        return None
    named = states_in_address(address)
    if named:
        if state.gst_code in named:
            return None
        other = _BY_GST[sorted(named)[0]].name
        return (f"This GSTIN is registered in {state.name} (it starts {state.gst_code}), but the address "
                f"is in {other}. Check the GSTIN and the address; a business has one GSTIN per state.")
    pin = _PIN.search(address)
    if pin and state.pin_prefixes and pin.group(1)[:2] not in state.pin_prefixes:
        return (f"This GSTIN is registered in {state.name} (it starts {state.gst_code}), but the PIN code "
                f"{pin.group(1)}{pin.group(2)} is not in {state.name}. Check the GSTIN and the address.")
    return None


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
    if value[:2] not in _BY_GST and value[:2] not in _GST_NON_STATES:
        raise InvalidIdentifier(f"The GSTIN's first two digits ({value[:2]}) are not a state code.")
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
    """UDYAM-<state letters>-<district number>-<seven digits>, with a real state and district."""
    value = re.sub(r"\s+", "", raw or "").upper()
    if not _UDYAM_RE.match(value):
        raise InvalidIdentifier("A Udyam number looks like UDYAM-MH-33-0012345.")
    _, letters, district, _serial = value.split("-")
    state = _BY_UDYAM.get(letters)
    if state is None:
        raise InvalidIdentifier(f"“{letters}” in a Udyam number is not a state's code (e.g. MH, KR, "
                                "DL, TN); check the certificate.")
    if not 1 <= int(district) <= state.districts:
        raise InvalidIdentifier(f"{state.name} has districts numbered 01 to {state.districts:02d}; "
                                f"“{district}” is not one of them. Check the certificate.")
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
        raise InvalidIdentifier("That is not a phone number we can read: write the ten digits of an "
                                "Indian mobile number, or + and the country code first.") from exc
    national = str(number.national_number)
    if number.country_code == 91:
        if len(national) != 10:
            raise InvalidIdentifier(f"An Indian mobile number has 10 digits; this one has {len(national)}.")
        if national[0] not in "6789":
            raise InvalidIdentifier("This is not an Indian mobile number: it must start with 6, 7, 8 or 9 "
                                    "(after +91 or 0).")
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifier("That phone number is not valid for its country; check the digits.")
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise InvalidIdentifier("This is a landline number; give a mobile number (SMS and WhatsApp "
                                "go to mobiles only).")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
