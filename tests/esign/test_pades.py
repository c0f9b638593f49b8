"""PAdES signing with a DSC: validates with pyHanko and poppler's pdfsig, says DEMONSTRATION on a
self-signed demo certificate, and refuses bad key material or a broken PDF."""
import asyncio
import hashlib
import io
import subprocess
from datetime import UTC, datetime

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from portal.adapters.esign.base import Signer, SigningError, SigningStatus, SignRequest
from portal.adapters.esign.democert import make_demo_pkcs12
from portal.adapters.esign.pades import DEMO_WARNING, PadesProvider, load_signer
from portal.pdf import html_to_pdf

PASS = b"demo-passphrase"
ADVOCATE = Signer(name="Adv. Rohan Deshpande", email="rohan@example.in", user_id=7,
                  capacity="Advocate, Bar Council of Maharashtra and Goa")


@pytest.fixture(scope="module")
def pkcs12():
    return make_demo_pkcs12(ADVOCATE.name, PASS)


@pytest.fixture
def notice_pdf(app):
    with app.app_context():
        return html_to_pdf("<h1>Legal notice</h1>" + "<p>Demand for payment.</p>" * 80)


def sign(pkcs12, pdf):
    provider = PadesProvider(lambda signer: (pkcs12, PASS))
    return provider.sign(SignRequest(document_id="notice-1-v1", pdf=pdf, signer=ADVOCATE,
                                     reason="Legal notice issued on behalf of the creditor"))


def validate(pdf: bytes, pkcs12: bytes):
    signer, _ = load_signer(pkcs12, PASS)
    ctx = ValidationContext(trust_roots=[signer.signing_cert])
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    return validate_pdf_signature(sig, ctx)


def test_signed_notice_validates_with_pyhanko(pkcs12, notice_pdf):
    result = sign(pkcs12, notice_pdf)
    assert result.status == SigningStatus.SIGNED and result.detail == "demonstration certificate"
    status = validate(result.signed_pdf, pkcs12)
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.subject.native["common_name"] == ADVOCATE.name


def test_pdfsig_confirms_and_stamp_says_demonstration(pkcs12, notice_pdf, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(sign(pkcs12, notice_pdf).signed_pdf)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature Validation: Signature is Valid." in out
    assert "Total document signed" in out
    assert ADVOCATE.name in out
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "DEMONSTRATION SIGNATURE" in text.replace("\n", " ") or DEMO_WARNING in text


def test_tampered_copy_is_not_intact(pkcs12, notice_pdf):
    signed = bytearray(sign(pkcs12, notice_pdf).signed_pdf)
    at = signed.index(b"/Contents", 200) - 50  # a byte inside the signed range
    signed[at] = ord("X") if signed[at] != ord("X") else ord("Y")
    status = validate(bytes(signed), pkcs12)
    assert not status.intact


def test_wrong_passphrase_and_damaged_inputs_are_refused(pkcs12, notice_pdf):
    bad = PadesProvider(lambda signer: (pkcs12, b"wrong"))
    with pytest.raises(SigningError, match="wrong passphrase"):
        bad.sign(SignRequest("d", notice_pdf, ADVOCATE, "r"))
    with pytest.raises(SigningError, match="not a PDF"):
        sign(pkcs12, b"%PDF-1.7 truncated garbage")


def test_key_is_loaded_once(pkcs12):
    assert load_signer(pkcs12, PASS)[0] is load_signer(pkcs12, PASS)[0]


@pytest.mark.parametrize("use_pades, is_pdf_sig", [(True, True), (False, True), (True, False), (False, False)])
def test_kept_signing_certificate_gives_pyhankos_bytes(pkcs12, use_pades, is_pdf_sig):
    """The signer that keeps its signing-certificate attribute signs byte for byte as pyHanko's own
    SimpleSigner (RSA PKCS#1 v1.5 is deterministic), whatever attributes pyHanko chose around it."""
    kept, _demo = load_signer(pkcs12, PASS)
    plain = signers.SimpleSigner(signing_cert=kept.signing_cert, signing_key=kept.signing_key,
                                 cert_registry=kept.cert_registry)
    settings = PdfCMSSignedAttributes(signing_time=datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    digest = hashlib.sha256(b"the notice").digest()

    def cms_der(signer):
        return asyncio.run(signer.async_sign(digest, "sha256", use_pades=use_pades, is_pdf_sig=is_pdf_sig,
                                             signed_attr_settings=settings)).dump()

    for _ in range(2):  # the kept attribute is handed out again, unchanged
        assert cms_der(kept) == cms_der(plain)
