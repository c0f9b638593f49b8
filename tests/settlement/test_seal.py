"""The platform seal: a configured CA-issued key seals without the demonstration wording; in
development a demonstration seal is made once and says so; production without a key refuses."""
import io

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from portal import seal
from portal.pdf import html_to_pdf
from tests.fakes.pki import issue


@pytest.fixture
def pdf(app):
    with app.app_context():
        return html_to_pdf("<h1>Settlement agreement</h1><p>Text.</p>")


def test_configured_seal_validates_against_its_ca(app, pdf, tmp_path, monkeypatch):
    ca = issue("Test CA", ca=True)
    leaf = issue("Sulah Technologies seal", issuer=ca)
    path = tmp_path / "seal.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"seal", leaf.key, leaf.cert, [ca.cert], serialization.BestAvailableEncryption(b"s3cret")))
    monkeypatch.setitem(app.config, "PLATFORM_SEAL_PKCS12", str(path))
    monkeypatch.setitem(app.config, "PLATFORM_SEAL_PASSPHRASE", "s3cret")
    with app.app_context():
        assert seal.is_demo_seal() is False
        sealed, demo = seal.seal(pdf, reason="Settlement agreement TEST version 1")
    assert demo is False
    sig = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[-1]
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=[ca.asn1_cert]))
    assert status.intact and status.valid and status.trusted and status.coverage.name == "ENTIRE_FILE"
    assert sig.field_name == seal.FIELD_NAME


def test_demonstration_seal_is_made_once_and_marked(app, pdf):
    with app.app_context():
        first = seal.seal_key()
        assert seal.seal_key() == first and seal.is_demo_seal()
        sealed, demo = seal.seal(pdf, reason="test")
    assert demo and seal.DEMO_WARNING.encode() not in pdf
    assert PdfFileReader(io.BytesIO(sealed)).embedded_signatures


def test_production_without_a_seal_refuses(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEVELOPMENT", False)
    monkeypatch.setitem(app.config, "TESTING", False)
    with app.app_context(), pytest.raises(seal.SealError, match="not configured"):
        seal.seal_key()


def test_unreadable_or_wrong_passphrase(app, pdf, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PLATFORM_SEAL_PKCS12", str(tmp_path / "missing.p12"))
    with app.app_context(), pytest.raises(seal.SealError, match="cannot be read"):
        seal.seal(pdf, reason="test")
    path = tmp_path / "seal.p12"
    leaf = issue("seal")
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"seal", leaf.key, leaf.cert, None, serialization.BestAvailableEncryption(b"right")))
    monkeypatch.setitem(app.config, "PLATFORM_SEAL_PKCS12", str(path))
    monkeypatch.setitem(app.config, "PLATFORM_SEAL_PASSPHRASE", "wrong")
    with app.app_context(), pytest.raises(seal.SealError, match="wrong passphrase"):
        seal.seal(pdf, reason="test")
