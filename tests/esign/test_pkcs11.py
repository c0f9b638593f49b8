"""PAdES signing with a key on a PKCS#11 token (SoftHSM standing in for an advocate's USB DSC token):
the signature validates with pyHanko and pdfsig, a bad PIN or label is refused clearly and leaves no
session, and the one logged-in session per token is reused and re-established when it dies."""
import io
import subprocess

import pkcs11
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from portal.adapters.esign import tokens
from portal.adapters.esign.base import Signer, SigningError, SigningStatus, SignRequest
from portal.adapters.esign.pades import PadesProvider
from portal.adapters.esign.tokens import Pkcs11Key, close_token_sessions, open_tokens
from tests.fakes.pki import issue, one_page_pdf
from tests.fakes.softhsm import softhsm_or_skip

ADVOCATE = Signer(name="Adv. Meera Iyer", email="meera@example.in", user_id=11,
                  capacity="Advocate, Bar Council of Tamil Nadu and Puducherry")
TOKEN, PIN = "meera-epass", "246810"


@pytest.fixture(scope="module")
def hsm(tmp_path_factory):
    """A SoftHSM token holding the advocate's key and certificate (issued by a test CA)."""
    hsm = softhsm_or_skip(tmp_path_factory.mktemp("softhsm"))
    hsm.init_token(TOKEN, PIN)
    hsm.init_token("empty-token", PIN)
    previous = hsm.activate()
    hsm.ca = issue("Sulah Test Certifying Authority", ca=True)
    hsm.advocate = issue(ADVOCATE.name, issuer=hsm.ca)
    hsm.import_key(TOKEN, PIN, "dsc-2026", hsm.advocate)
    yield hsm
    hsm.deactivate(previous)


@pytest.fixture(autouse=True)
def fresh_sessions():
    close_token_sessions()
    yield
    close_token_sessions()


@pytest.fixture
def logins(monkeypatch):
    """Counts the logins to a token (each opens a session with the PIN)."""
    made = []
    real = tokens.open_pkcs11_session

    def counting(*args, **kwargs):
        made.append(kwargs.get("token_criteria"))
        return real(*args, **kwargs)

    monkeypatch.setattr(tokens, "open_pkcs11_session", counting)
    return made


def key(hsm, *, token=TOKEN, label="dsc-2026", pin=PIN):
    return Pkcs11Key(hsm.module, token, label, pin)


def sign(source, pdf=None):
    return PadesProvider(lambda signer: source).sign(SignRequest(
        document_id="notice-9-v1", pdf=pdf or one_page_pdf("LEGAL NOTICE", "Demand for payment."),
        signer=ADVOCATE, reason="Legal notice issued on behalf of the creditor"))


def test_token_signature_validates_with_pyhanko_and_pdfsig(hsm, tmp_path):
    result = sign(key(hsm))
    assert result.status == SigningStatus.SIGNED and result.detail == ""  # a CA-issued certificate
    embedded = PdfFileReader(io.BytesIO(result.signed_pdf)).embedded_signatures[0]
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[hsm.ca.asn1_cert]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.subject.native["common_name"] == ADVOCATE.name
    assert status.signing_cert.dump() == hsm.advocate.asn1_cert.dump()
    assert status.timestamp_validity is None  # no TSA configured
    path = tmp_path / "signed.pdf"
    path.write_bytes(result.signed_pdf)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature Validation: Signature is Valid." in out
    assert "Total document signed" in out
    assert ADVOCATE.name in out


def test_the_pin_is_not_shown_with_the_key(hsm):
    assert PIN not in repr(key(hsm))


def test_wrong_pin_is_refused_and_keeps_no_session(hsm, logins):
    with pytest.raises(SigningError, match=f"The PIN for the token '{TOKEN}' is wrong"):
        sign(key(hsm, pin="111111"))
    assert open_tokens() == []
    sign(key(hsm))  # the token judged the PIN; the right one still opens it
    assert open_tokens() == [TOKEN]


def test_wrong_pin_ends_the_open_session_instead_of_borrowing_it(hsm, logins):
    """A caller without the PIN must not sign on the session someone else logged in."""
    sign(key(hsm))
    with pytest.raises(SigningError, match="is wrong"):
        sign(key(hsm, pin="999999"))
    assert open_tokens() == [] and len(logins) == 2


def test_missing_token_or_key_label_is_named(hsm):
    with pytest.raises(SigningError, match="No token labelled 'not-plugged-in' is connected"):
        sign(key(hsm, token="not-plugged-in"))
    with pytest.raises(SigningError, match=f"The token '{TOKEN}' has no usable key and certificate "
                                           "labelled 'dsc-2019'"):
        sign(key(hsm, label="dsc-2019"))
    with pytest.raises(SigningError, match="has no usable key"):
        sign(key(hsm, token="empty-token"))


def test_a_missing_module_is_named(hsm):
    with pytest.raises(SigningError, match="PKCS#11 module /opt/none/libpkcs11.so is not installed"):
        sign(Pkcs11Key("/opt/none/libpkcs11.so", TOKEN, "dsc-2026", PIN))


def test_the_session_is_logged_in_once_and_reused(hsm, logins):
    first, second, third = (sign(key(hsm)) for _ in range(3))
    assert len(logins) == 1 and open_tokens() == [TOKEN]
    assert first.signed_pdf != third.signed_pdf  # each a signature of its own (different times)


def test_a_dead_session_is_logged_in_again(hsm, logins):
    sign(key(hsm))
    pkcs11.lib(hsm.module).reinitialize()  # as when the token is pulled out and back: every handle dies
    result = sign(key(hsm))
    assert len(logins) == 2 and open_tokens() == [TOKEN]
    embedded = PdfFileReader(io.BytesIO(result.signed_pdf)).embedded_signatures[0]
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[hsm.ca.asn1_cert]))
    assert status.intact and status.valid and status.trusted


def test_a_session_closed_under_us_is_logged_in_again(hsm, logins):
    sign(key(hsm))
    tokens._OPEN[(hsm.module, TOKEN)].session.close()  # the module dropped it (e.g. an idle timeout)
    sign(key(hsm))
    assert len(logins) == 2


def test_a_token_that_keeps_failing_gives_a_clear_error(hsm, monkeypatch):
    """Two attempts, then a message naming the token (not a retry loop, not a raw PKCS#11 error)."""
    async def broken(self, data, digest_algorithm, dry_run=False):
        raise pkcs11.DeviceError()

    sign(key(hsm))
    monkeypatch.setattr(tokens.PKCS11Signer, "async_sign_raw", broken)
    with pytest.raises(SigningError, match=f"The token '{TOKEN}' could not sign \\(DeviceError\\)"):
        sign(key(hsm))
    assert open_tokens() == []


def test_a_certificate_that_expires_while_the_session_is_open_stops_signing(hsm, monkeypatch):
    """The key stays open for the worker's life; the certificate's validity is checked each time."""
    import datetime as dt

    from portal.adapters.esign import keys

    sign(key(hsm))
    later = keys.utcnow() + dt.timedelta(days=45)  # the test certificate is valid for 30 days
    monkeypatch.setattr(keys, "utcnow", lambda: later)
    with pytest.raises(SigningError, match="The signing certificate is not valid now"):
        sign(key(hsm))


def test_concurrent_signatures_share_one_session(hsm, logins):
    """Several threads of a worker sign on one token: one login, one signature at a time on it."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: sign(key(hsm)), range(8)))
    assert len(logins) == 1
    context = ValidationContext(trust_roots=[hsm.ca.asn1_cert])
    for result in results:
        embedded = PdfFileReader(io.BytesIO(result.signed_pdf)).embedded_signatures[0]
        assert validate_pdf_signature(embedded, context).valid


def test_token_signature_with_a_timestamp(hsm, logins):
    """The TSA's answer (or its silence) is the TSA's: a TSA failure keeps the token logged in."""
    from portal.adapters.esign.pades import TsaSettings
    from tests.fakes.tsa_server import FakeTsa

    tsa = FakeTsa()
    try:
        provider = PadesProvider(lambda signer: key(hsm), tsa=TsaSettings(tsa.url))
        request = SignRequest("notice-9-v1", one_page_pdf("LEGAL NOTICE"), ADVOCATE, "Legal notice")
        embedded = PdfFileReader(io.BytesIO(provider.sign(request).signed_pdf)).embedded_signatures[0]
        status = validate_pdf_signature(embedded, ValidationContext(
            trust_roots=[hsm.ca.asn1_cert, tsa.root.asn1_cert]))
        assert status.trusted and status.timestamp_validity.trusted and len(tsa.issued) == 1
    finally:
        tsa.stop()
    with pytest.raises(SigningError, match=r"timestamp authority \(127\.0\.0\.1\) could not be reached"):
        provider.sign(request)
    assert open_tokens() == [TOKEN] and len(logins) == 1
