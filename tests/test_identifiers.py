"""Indian business identifiers: GSTIN check character, PAN, Udyam, UPI VPA, mobile numbers (E.164)."""
import pytest

from portal.identifiers import (
    InvalidIdentifier,
    gstin_address_mismatch,
    gstin_check_char,
    normalize_gstin,
    normalize_mobile,
    normalize_pan,
    normalize_udyam,
    normalize_vpa,
    pan_from_gstin,
)

# Published GSTINs whose check character is known to be right.
VALID_GSTINS = ["27AAPFU0939F1ZV", "27AAACR5055K1Z7", "24AAACC1206D1ZM"]


@pytest.mark.parametrize("gstin", VALID_GSTINS)
def test_known_gstins_pass(gstin):
    assert normalize_gstin(gstin) == gstin
    assert gstin_check_char(gstin[:14]) == gstin[14]


def test_gstin_check_character_worked_by_hand():
    # 29AAGCS1234F1Z: weights 1,2,1,2…; each product p contributes p//36 + p%36; sum = 198;
    # check = (36 - 198 % 36) % 36 = 18 → "I". So the often-quoted "…1Z5" is not a valid GSTIN.
    assert gstin_check_char("29AAGCS1234F1Z") == "I"
    assert normalize_gstin("29AAGCS1234F1ZI") == "29AAGCS1234F1ZI"
    with pytest.raises(InvalidIdentifier, match="check character"):
        normalize_gstin("29AAGCS1234F1Z5")


@pytest.mark.parametrize("wrong", "0123456789ABCDEFGHIJKLMNOPQRSTUWXYZ")
def test_every_other_check_character_is_refused(wrong):
    with pytest.raises(InvalidIdentifier, match="check character does not match"):
        normalize_gstin("27AAPFU0939F1Z" + wrong)  # the right one is V


def test_gstin_is_normalised_from_lower_case_and_spaces():
    assert normalize_gstin(" 27aapfu0939f1zv ") == "27AAPFU0939F1ZV"
    assert normalize_gstin("27 AAPFU 0939F 1ZV") == "27AAPFU0939F1ZV"


@pytest.mark.parametrize("state", ["00", "39", "45", "96"])
def test_gstin_with_a_bad_state_code_is_refused(state):
    body = state + "AAPFU0939F1Z"
    with pytest.raises(InvalidIdentifier, match="state code"):
        normalize_gstin(body + gstin_check_char(body))


@pytest.mark.parametrize("state", ["01", "27", "38", "97", "99"])
def test_gstin_state_codes_in_use_pass(state):
    body = state + "AAPFU0939F1Z"
    assert normalize_gstin(body + gstin_check_char(body)).startswith(state)


@pytest.mark.parametrize("raw", ["", "27AAPFU0939F1Z", "27AAPFU0939F1ZVX", "27AAPFU0939F1AV",
                                 "27AAPF10939F1ZV", "27AAPFU0939F0ZV", "ABAAPFU0939F1ZV"])
def test_gstin_of_the_wrong_shape_is_refused(raw):
    with pytest.raises(InvalidIdentifier, match="15 characters"):
        normalize_gstin(raw)


def test_pan_inside_a_gstin():
    assert pan_from_gstin("27AAPFU0939F1ZV") == "AAPFU0939F"


@pytest.mark.parametrize("raw,expected", [("AAPFU0939F", "AAPFU0939F"), ("aapfu0939f", "AAPFU0939F"),
                                          (" ABCPE1234F ", "ABCPE1234F"), ("AAACR5055K", "AAACR5055K")])
def test_pan_is_normalised(raw, expected):
    assert normalize_pan(raw) == expected


@pytest.mark.parametrize("raw", ["", "AAPFU0939", "AAPFU09391", "1APFU0939F", "AAPXU0939F",
                                 "AAPFU0939FF"])
def test_bad_pan_is_refused(raw):
    # "AAPXU…": the fourth letter names the holder's type (P, C, H, F, A, T, B, L, J, G); X is none.
    with pytest.raises(InvalidIdentifier, match="ABCDE1234F"):
        normalize_pan(raw)


@pytest.mark.parametrize("raw", ["UDYAM-MH-33-0012345", "udyam-mh-33-0012345", " UDYAM-KA-03-1234567 "])
def test_udyam_is_normalised(raw):
    assert normalize_udyam(raw) == raw.strip().upper()


@pytest.mark.parametrize("raw", ["UDYAM-MH-33-001234", "UDYAM-M1-33-0012345", "UDYAM MH 33 0012345",
                                 "UAM-MH-33-0012345", "UDYAM-MH-3-00123456", "MH33A0012345"])
def test_bad_udyam_is_refused(raw):
    with pytest.raises(InvalidIdentifier, match="UDYAM-MH-33-0012345"):
        normalize_udyam(raw)


@pytest.mark.parametrize("raw,expected", [("kaveri@okaxis", "kaveri@okaxis"),
                                          ("Kaveri.Textiles@OKHDFCBANK", "kaveri.textiles@okhdfcbank"),
                                          ("9876543210@ybl", "9876543210@ybl"),
                                          ("shop-1_a@paytm", "shop-1_a@paytm")])
def test_vpa_is_normalised(raw, expected):
    assert normalize_vpa(raw) == expected


@pytest.mark.parametrize("raw", ["kaveri", "kaveri@", "@okaxis", "k@okaxis", "kaveri@ok axis",
                                 "kaveri@1bank", "kaveri@okaxis.com", "kav eri@okaxis"])
def test_bad_vpa_is_refused(raw):
    with pytest.raises(InvalidIdentifier, match="business@bank"):
        normalize_vpa(raw)


@pytest.mark.parametrize("raw", ["9876543210", "98765 43210", "+91 98765 43210", "+919876543210",
                                 "098765 43210", "09876543210", "91-98765-43210", "(+91) 98765-43210"])
def test_indian_mobile_numbers_become_e164(raw):
    assert normalize_mobile(raw) == "+919876543210"


def test_an_explicit_foreign_mobile_is_kept_in_e164():
    assert normalize_mobile("+44 7911 123456") == "+447911123456"


@pytest.mark.parametrize("raw", ["022 2345 6789", "+91 22 2345 6789", "080 2222 3333", "+44 20 7123 4567"])
def test_landlines_are_refused(raw):
    with pytest.raises(InvalidIdentifier, match="mobile number"):
        normalize_mobile(raw)


@pytest.mark.parametrize("raw,message", [("12345", "has 10 digits; this one has 5"),
                                         ("+91 1234", "has 10 digits; this one has 4"),
                                         ("", "we can read"), ("call me", "we can read")])
def test_nonsense_phone_numbers_are_refused(raw, message):
    with pytest.raises(InvalidIdentifier, match=message):
        normalize_mobile(raw)


@pytest.mark.parametrize("raw,message", [
    ("5123456789", "must start with 6, 7, 8 or 9"),
    ("+91 51234 56789", "must start with 6, 7, 8 or 9"),
    ("98765 4321", "has 10 digits; this one has 9"),
    ("+44 20 7946 0958", "landline"),
    ("+1 202 555", "not valid for its country"),
])
def test_phone_messages_say_what_is_wrong(raw, message):
    with pytest.raises(InvalidIdentifier, match=message):
        normalize_mobile(raw)


@pytest.mark.parametrize("raw,expected", [
    ("udyam-mh-33-0012345", "UDYAM-MH-33-0012345"),
    ("UDYAM-KR-31-0000001", "UDYAM-KR-31-0000001"),
    ("UDYAM-KA-03-0000001", "UDYAM-KA-03-0000001"),
    ("UDYAM-RJ-50-0000001", "UDYAM-RJ-50-0000001"),  # Rajasthan had 50 districts in 2023-24
    ("UDYAM-DL-01-0000001", "UDYAM-DL-01-0000001"),
])
def test_real_udyam_numbers_are_accepted(raw, expected):
    assert normalize_udyam(raw) == expected


@pytest.mark.parametrize("raw,message", [
    ("UDYAM-ZZ-01-0000001", "not a state's code"),
    ("UDYAM-MH-00-0000001", "Maharashtra has districts numbered 01 to 36"),
    ("UDYAM-GA-03-0000001", "Goa has districts numbered 01 to 02"),
    ("UDYAM-MH-3-0000001", "looks like"),
])
def test_udyam_state_and_district_must_be_real(raw, message):
    with pytest.raises(InvalidIdentifier, match=message):
        normalize_udyam(raw)


@pytest.mark.parametrize("gstin,address,mismatch", [
    ("27AAPFU0939F1ZV", "Plot 4, MIDC Bhosari, Pune, Maharashtra 411026", None),
    ("27AAPFU0939F1ZV", "12 Peenya Industrial Area, Bengaluru, Karnataka 560058", "but the address is in Karnataka"),
    ("27AAPFU0939F1ZV", "12 Peenya Industrial Area 560058", "PIN code 560058 is not in Maharashtra"),
    ("27AAPFU0939F1ZV", "Shop 9, Station Road", None),  # no state or PIN: nothing to compare
    ("29AAPFU0939F1ZR", "12 Peenya, Bangalore 560 058", None),
    ("07AAPFU0939F1ZX", "Okhla Phase II, New Delhi 110020", None),
])
def test_gstin_state_agrees_with_the_address(gstin, address, mismatch):
    found = gstin_address_mismatch(gstin, address)
    assert (found is None) if mismatch is None else (mismatch in found)
