"""UPI without a gateway: the upi://pay deep link and QR code of the NPCI UPI linking specification,
and the checks on the VPA the creditor gives and the UTR the debtor reports after paying."""
from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import quote

import qrcode
from qrcode.compat.etree import ET
from qrcode.image.svg import SvgPathFillImage

# NPCI's ordinary per-transaction UPI limit (P2P, and P2M outside the few categories NPCI has raised
# to 2-10 lakh). A creditor's VPA is usually a person's or a firm's ordinary VPA, so a larger request
# would be refused by the payer's app; bigger dues are paid in instalments or through the gateway.
UPI_MAX_AMOUNT = Decimal("100000.00")
PAISA = Decimal("0.01")
TR_MAX = 35        # transaction reference: alphanumeric, at most 35 characters
TN_MAX = 50        # transaction note shown to the payer
PN_MAX = 99        # payee name as shown by the payer's app

_VPA = re.compile(r"[a-z0-9._-]{2,256}@[a-z]{3,64}")
_UPI_RRN = re.compile(r"[0-9]{12}")                  # UPI / IMPS retrieval reference number
_BANK_UTR = re.compile(r"(?=.*[0-9])[A-Z0-9]{16,22}")  # NEFT (16) to RTGS (22) unique transaction reference
# Payer apps differ in what they accept in a note; letters, digits, spaces and plain punctuation are safe.
_TN_DISALLOWED = re.compile(r"[^A-Za-z0-9 .,/-]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def validate_vpa(vpa: str) -> str:
    """The VPA lower-cased and trimmed, if it has the NPCI shape handle@psp; ValueError otherwise."""
    if not isinstance(vpa, str):
        raise ValueError("A UPI ID must be text such as name@bank.")
    value = vpa.strip().lower()
    if not _VPA.fullmatch(value):
        raise ValueError(f"{vpa!r} is not a UPI ID: expected name@bank, with 2 to 256 letters, digits, "
                         "dots, hyphens or underscores before the @ and 3 to 64 letters after it.")
    return value


def validate_utr(utr: str) -> str:
    """The reference of a bank transfer, upper-cased: a 12-digit UPI/IMPS RRN or a 16-22 character
    NEFT/RTGS UTR. Spaces the payer typed inside it are dropped; any other shape is refused."""
    if not isinstance(utr, str):
        raise ValueError("A transaction reference (UTR) must be text.")
    value = re.sub(r"\s+", "", utr).upper()
    if _UPI_RRN.fullmatch(value):
        if set(value) == {"0"}:
            raise ValueError("A UPI reference number cannot be all zeros.")
        return value
    if _BANK_UTR.fullmatch(value):
        return value
    raise ValueError(f"{utr!r} is not a transaction reference: a UPI payment has a 12-digit UTR/RRN, "
                     "a NEFT or RTGS transfer a 16 to 22 character UTR of letters and digits.")


def upi_amount(amount: Decimal) -> str:
    """The amount as the `am` parameter writes it: rupees with exactly two decimals."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError(f"A UPI amount must be a finite Decimal, not {amount!r}.")
    if amount != amount.quantize(PAISA):
        raise ValueError(f"{amount} has a fraction of a paisa; round it before asking for payment.")
    if amount <= 0:
        raise ValueError(f"A UPI payment must be for more than zero rupees, not {amount}.")
    if amount > UPI_MAX_AMOUNT:
        raise ValueError(f"{amount} is over the UPI limit of {UPI_MAX_AMOUNT} rupees for one payment.")
    return f"{amount.quantize(PAISA):f}"


def transaction_reference(reference: str) -> str:
    """The `tr` value: the reference with everything but letters and digits removed, at most 35 long.
    Too long is an error rather than a truncation, as a cut reference could match another case."""
    value = re.sub(r"[^A-Za-z0-9]", "", reference or "")
    if not value:
        raise ValueError(f"The payment reference {reference!r} has no letters or digits.")
    if len(value) > TR_MAX:
        raise ValueError(f"The payment reference {reference!r} is longer than UPI's {TR_MAX} characters.")
    return value


def transaction_note(note: str) -> str:
    """The `tn` value: characters payer apps reject removed, spaces collapsed, cut to 50 at a word."""
    value = " ".join(_TN_DISALLOWED.sub(" ", note or "").split())
    if len(value) > TN_MAX:
        value = value[:TN_MAX + 1].rsplit(" ", 1)[0] if " " in value[:TN_MAX + 1] else value[:TN_MAX]
    return value.strip()


def clean_payee_name(name: str) -> str:
    value = " ".join(_CONTROL.sub(" ", name or "").split())
    if not value:
        raise ValueError("The payee name shown to the payer cannot be empty.")
    if len(value) > PN_MAX:
        raise ValueError(f"The payee name is longer than {PN_MAX} characters.")
    return value


def payment_uri(vpa: str, payee_name: str, amount: Decimal, reference: str, note: str) -> str:
    """A upi://pay link any UPI app opens with the payee, amount, reference and note filled in."""
    params = [
        ("pa", validate_vpa(vpa)),
        ("pn", clean_payee_name(payee_name)),
        ("am", upi_amount(amount)),
        ("cu", "INR"),
        ("tr", transaction_reference(reference)),
    ]
    tn = transaction_note(note)
    if tn:
        params.append(("tn", tn))
    # quote, not urlencode: apps decode %20 but not all turn '+' back into a space.
    return "upi://pay?" + "&".join(f"{key}={quote(value, safe='@')}" for key, value in params)


def qr_svg(uri: str, title: str = "UPI payment QR code: scan with any UPI app") -> str:
    """The link as an inline SVG QR code (no XML prolog) with a <title> for screen readers."""
    if not isinstance(uri, str) or not uri.startswith("upi://pay?"):
        raise ValueError("Only a upi://pay link is drawn as a payment QR code.")
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4,
                       image_factory=SvgPathFillImage)
    qr.add_data(uri)
    qr.make(fit=True)
    svg = qr.make_image().get_image()
    for path in svg.iter("path"):
        path.attrib.pop("id", None)   # several codes on one page must not repeat an id
    svg.set("role", "img")
    heading = ET.Element("title")
    heading.text = title
    svg.insert(0, heading)
    return ET.tostring(svg, encoding="unicode")
