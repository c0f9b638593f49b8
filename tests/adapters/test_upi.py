"""UPI deep link, QR code, VPA and UTR checks (no gateway, no network)."""
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
import qrcode
from lxml import etree

from portal.adapters.upi import (
    UPI_MAX_AMOUNT,
    payment_uri,
    qr_svg,
    transaction_note,
    validate_utr,
    validate_vpa,
)

SVG_NS = "{http://www.w3.org/2000/svg}"


def params(uri: str) -> list[tuple[str, str]]:
    assert uri.startswith("upi://pay?")
    return [tuple(pair.split("=", 1)) for pair in uri[len("upi://pay?"):].split("&")]


def test_uri_carries_the_payment_in_spec_order():
    uri = payment_uri("Asha.Rao@OKHDFCBANK", "Asha Rao", Decimal("1500"), "SUL-2025-000123",
                      "Settlement SUL-2025-000123")
    assert uri == ("upi://pay?pa=asha.rao@okhdfcbank&pn=Asha%20Rao&am=1500.00&cu=INR&tr=SUL2025000123"
                   "&tn=Settlement%20SUL-2025-000123")


def test_payee_name_with_spaces_and_ampersand_is_percent_encoded():
    uri = payment_uri("sharma-traders@ybl", "Sharma & Sons  (Delhi)", Decimal("10.5"), "C1", "x")
    pairs = dict(params(uri))
    assert pairs["pn"] == "Sharma%20%26%20Sons%20%28Delhi%29"
    assert unquote(pairs["pn"]) == "Sharma & Sons (Delhi)"
    assert "+" not in uri and " " not in uri
    assert [key for key, _ in params(uri)] == ["pa", "pn", "am", "cu", "tr", "tn"]


@pytest.mark.parametrize(("amount", "written"), [
    (Decimal("1"), "1.00"),
    (Decimal("0.01"), "0.01"),
    (Decimal("12500.5"), "12500.50"),
    (Decimal("99999.99"), "99999.99"),
    (UPI_MAX_AMOUNT, "100000.00"),
    (Decimal("1E+3"), "1000.00"),
])
def test_amount_has_exactly_two_decimals(amount, written):
    assert dict(params(payment_uri("a.b@upi", "A", amount, "R1", "")))["am"] == written


@pytest.mark.parametrize(("amount", "message"), [
    (Decimal("0"), "more than zero"),
    (Decimal("-5.00"), "more than zero"),
    (Decimal("100000.01"), "over the UPI limit"),
    (Decimal("10.005"), "fraction of a paisa"),
    (Decimal("NaN"), "finite Decimal"),
    (Decimal("Infinity"), "finite Decimal"),
    (10.5, "finite Decimal"),
    ("10.50", "finite Decimal"),
])
def test_bad_amounts_are_refused(amount, message):
    with pytest.raises(ValueError, match=message):
        payment_uri("a.b@upi", "A", amount, "R1", "")


def test_reference_keeps_only_alphanumerics_and_refuses_overlong():
    assert dict(params(payment_uri("a.b@upi", "A", Decimal(1), "SUL/2025-07 #9", "")))["tr"] == "SUL2025079"
    payment_uri("a.b@upi", "A", Decimal(1), "A" * 35, "")
    with pytest.raises(ValueError, match="longer than UPI's 35"):
        payment_uri("a.b@upi", "A", Decimal(1), "A" * 36, "")
    with pytest.raises(ValueError, match="no letters or digits"):
        payment_uri("a.b@upi", "A", Decimal(1), "--/--", "")


def test_note_is_cleaned_and_cut_to_fifty_at_a_word():
    note = transaction_note("Dues of M/s Sharma & Sons, invoice #44 <b>and</b> interest for 2024-25 in full")
    assert len(note) <= 50
    assert re.fullmatch(r"[A-Za-z0-9 .,/-]*", note)
    assert note == "Dues of M/s Sharma Sons, invoice 44 b and /b"
    assert transaction_note("x" * 80) == "x" * 50
    assert "tn=" not in payment_uri("a.b@upi", "A", Decimal(1), "R1", "&&&")


@pytest.mark.parametrize("name", ["", "   ", "\x00\n", "A" * 100])
def test_payee_name_must_be_present_and_short(name):
    with pytest.raises(ValueError, match="payee name"):
        payment_uri("a.b@upi", name, Decimal(1), "R1", "")


@pytest.mark.parametrize(("vpa", "normalised"), [
    ("asha.rao@okhdfcbank", "asha.rao@okhdfcbank"),
    ("  Asha.Rao@OkSBI ", "asha.rao@oksbi"),
    ("9812345678@ybl", "9812345678@ybl"),
    ("sharma_traders-01@paytm", "sharma_traders-01@paytm"),
    ("ab@upi", "ab@upi"),
    ("a" * 256 + "@" + "b" * 64, "a" * 256 + "@" + "b" * 64),
])
def test_good_vpas(vpa, normalised):
    assert validate_vpa(vpa) == normalised


@pytest.mark.parametrize("vpa", [
    "", "asha", "@okhdfc", "a@okhdfc", "asha@ok", "asha@ok1", "asha@@oksbi", "asha rao@oksbi",
    "asha@ok.sbi", "asha+1@oksbi", "asha@oksbi@ybl", "a" * 257 + "@upi", "asha@" + "b" * 65,
    "आशा@oksbi", None, 9812345678,
])
def test_bad_vpas(vpa):
    with pytest.raises(ValueError, match="UPI ID"):
        validate_vpa(vpa)


@pytest.mark.parametrize(("utr", "normalised"), [
    ("412345678901", "412345678901"),
    (" 4123 4567 8901 ", "412345678901"),
    ("SBIN123456789012", "SBIN123456789012"),
    ("hdfcn52024112312345678", "HDFCN52024112312345678"),
    ("UTIBR7202411230012345", "UTIBR7202411230012345"),
])
def test_good_utrs(utr, normalised):
    assert validate_utr(utr) == normalised


@pytest.mark.parametrize("utr", [
    "", "12345678901", "1234567890123", "41234567890A", "000000000000", "ABCDEFGHIJKLMNOPQ",
    "SBIN12345678901", "HDFCN5202411231234567890", "SBIN-1234567890123", "४१२३४५६७८९०१", None,
])
def test_bad_utrs(utr):
    with pytest.raises(ValueError):
        validate_utr(utr)


def dark_modules(svg: etree._Element) -> set[tuple[int, int]]:
    (path,) = svg.iter(f"{SVG_NS}path")
    return {(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)H", path.get("d"))}


def test_qr_svg_is_embeddable_accessible_and_encodes_the_uri():
    uri = payment_uri("sharma-traders@ybl", "Sharma & Sons", Decimal("2500.00"), "SUL-2025-000123",
                      "Settlement SUL-2025-000123")
    markup = qr_svg(uri, title="Pay Sharma & Sons by UPI")
    assert markup.startswith("<svg") and "<?xml" not in markup
    svg = etree.fromstring(markup.encode())
    assert svg.tag == f"{SVG_NS}svg" and svg.get("role") == "img"
    assert svg[0].tag == f"{SVG_NS}title" and svg[0].text == "Pay Sharma & Sons by UPI"
    assert "id=" not in markup
    # The drawn modules are exactly those of the QR code for this URI (border of 4 modules).
    reference = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    reference.add_data(uri)
    reference.make(fit=True)
    expected = {(x + 4, y + 4) for y, row in enumerate(reference.get_matrix()) for x, dark in enumerate(row)
                if dark}
    assert dark_modules(svg) == expected


def test_qr_svg_refuses_anything_but_a_upi_link():
    with pytest.raises(ValueError, match="upi://pay"):
        qr_svg("https://example.com/pay")
