"""Aadhaar eSign provider against a local ESP speaking the CCA eSign API 2.1, through to a PDF that
pyHanko (trusting the test CA) and poppler's pdfsig accept."""
import base64
import hashlib
import io
import json
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest
from lxml import etree
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from portal.adapters.esign.aadhaar import AadhaarESignProvider, AadhaarESignSettings, transaction_of
from portal.adapters.esign.base import Signer, SigningError, SigningStatus, SignRequest
from portal.adapters.esign.pending import MemoryPendingStore, RedisPendingStore
from tests.fakes.esp_server import FakeESP, FormReader
from tests.fakes.pki import issue, one_page_pdf

ASP_ID = "SULAH-ASP-01"
RESPONSE_URL = "https://sulah.test/esign/aadhaar/response"
ADVOCATE = Signer(name="Adv. Asha Rao", email="asha@advocates.test", user_id=42, capacity="Advocate")


@pytest.fixture(scope="module")
def pki():
    ca = issue("Test eSign CA 2026", ca=True)
    return {"ca": ca, "asp": issue("Sulah ASP request signing")}


@pytest.fixture(scope="module")
def esp_server(pki):
    fake = FakeESP(asp_id=ASP_ID, asp_cert_pem=pki["asp"].cert_pem, ca=pki["ca"], signer_name="ASHA RAO")
    yield fake
    fake.stop()


@pytest.fixture
def esp(esp_server):
    esp_server.reset()
    return esp_server


@pytest.fixture
def provider(esp, pki):
    settings = AadhaarESignSettings(esp_url=esp.url, asp_id=ASP_ID, asp_key=pki["asp"].key_pem,
                                    asp_cert=pki["asp"].cert_pem, esp_cert=esp.response_key.cert_pem,
                                    response_url=RESPONSE_URL)
    return AadhaarESignProvider(settings, MemoryPendingStore())


def notice_request():
    return SignRequest(document_id="notice-9-v1", pdf=one_page_pdf("LEGAL NOTICE", "Ref SUL-2026-0009"),
                       signer=ADVOCATE, reason="Legal notice issued on behalf of the creditor",
                       return_url="https://sulah.test/notices/9")


def post(url, fields):
    assert url.startswith("http://127.0.0.1:")  # only ever the local fake ESP
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return FormReader(response.read().decode())


def otp_page(started):
    """The signer's browser auto-posts the ASP's form to the ESP and lands on the OTP page."""
    assert started.status is SigningStatus.PENDING
    return post(started.redirect_url, started.redirect_form)


def submit(esp, page, otp):
    """Type an OTP; returns the next page (another OTP page or the form posting back to Sulah)."""
    action, fields = page.forms[0]
    return post(urllib.parse.urljoin(esp.url, action), fields | {"otp": otp})


def callback_from(page):
    """What the ESP's auto-posting form delivers to our response URL."""
    action, fields = page.forms[0]
    assert action == RESPONSE_URL
    return fields


def signed_through(provider, esp):
    started = provider.sign(notice_request())
    callback = callback_from(submit(esp, otp_page(started), esp.otp))
    return started, callback


def test_request_is_a_signed_esign_2_1_document(provider, pki):
    request = notice_request()
    started = provider.sign(request)
    assert started.redirect_form["aspTxnID"] == started.provider_ref
    assert started.redirect_form["Content-Type"] == "application/xml"
    esign = etree.fromstring(started.redirect_form["eSignRequest"].encode())
    attrs = dict(esign.attrib)
    assert {k: attrs[k] for k in ("ver", "sc", "ekycIdType", "aspId", "AuthMode", "responseSigType",
                                  "responseUrl", "txn")} == {
        "ver": "2.1", "sc": "Y", "ekycIdType": "A", "aspId": ASP_ID, "AuthMode": "1",
        "responseSigType": "pkcs7", "responseUrl": RESPONSE_URL, "txn": started.provider_ref}
    (input_hash,) = esign.findall("Docs/InputHash")
    assert input_hash.get("hashAlgorithm") == "SHA256" and input_hash.get("id") == "1"
    assert input_hash.get("docInfo").startswith("notice-9-v1: Legal notice")
    assert esign[-1].tag == "{http://www.w3.org/2000/09/xmldsig#}Signature"
    # The hash is the digest of the prepared PDF's byte range, i.e. of what will be signed.
    state = json.loads(provider.store.take(started.provider_ref))
    prepared = base64.b64decode(state["pdf"])
    byte_range = prepared[:state["start"]] + prepared[state["end"]:]
    assert input_hash.text == hashlib.sha256(byte_range).hexdigest() == state["digest"]


def test_end_to_end_signed_pdf_validates(provider, esp, pki, tmp_path):
    started, callback = signed_through(provider, esp)
    assert transaction_of(callback) == started.provider_ref

    done = provider.complete(started.provider_ref, callback)

    assert done.status is SigningStatus.SIGNED and done.redirect_url == "https://sulah.test/notices/9"
    assert "ASHA RAO" in done.detail and b"<EsignResp" in done.evidence["esp_response.xml"]
    reader = PdfFileReader(io.BytesIO(done.signed_pdf))
    (signature,) = reader.embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[pki["ca"].asn1_cert]))
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.subject.native["common_name"] == "ASHA RAO"
    path = tmp_path / "signed.pdf"
    path.write_bytes(done.signed_pdf)
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Signature Validation: Signature is Valid." in report
    assert "Total document signed" in report and "Common Name: ASHA RAO" in report


def test_wrong_otp_until_attempts_run_out(provider, esp):
    started = provider.sign(notice_request())
    page = submit(esp, otp_page(started), "000000")
    assert "2 attempt(s) remaining" in "".join(page.text)
    page = submit(esp, submit(esp, page, "111111"), "222222")

    done = provider.complete(started.provider_ref, callback_from(page))

    assert done.status is SigningStatus.FAILED and done.signed_pdf is None
    assert done.detail == "Invalid OTP. No Of Retry Attempt Exhausted!! (ESP-415)"


def test_signer_cancels(provider, esp):
    started = provider.sign(notice_request())
    cancel_action, fields = otp_page(started).forms[1]
    page = post(urllib.parse.urljoin(esp.url, cancel_action), fields)
    done = provider.complete(started.provider_ref, callback_from(page))
    assert done.status is SigningStatus.DECLINED and "ESP-944" in done.detail


def test_esp_error_status_raises_with_its_code(provider, esp):
    esp.fail_next = ("ESP-999", "Unknown Error")
    started, callback = signed_through(provider, esp)
    with pytest.raises(SigningError, match="ESP-999 Unknown Error"):
        provider.complete(started.provider_ref, callback)


def test_tampered_response_is_rejected_and_the_real_one_still_completes(provider, esp):
    started, callback = signed_through(provider, esp)
    tampered = callback["eSignResponse"].replace('errCode="NA"', 'errCode="ESP-000"')
    assert tampered != callback["eSignResponse"]
    with pytest.raises(SigningError, match="not signed by the configured ESP"):
        provider.complete(started.provider_ref, {"eSignResponse": tampered})
    assert provider.complete(started.provider_ref, callback).status is SigningStatus.SIGNED


def test_response_signed_by_someone_else_is_rejected(provider, esp):
    started, callback = signed_through(provider, esp)
    forged = etree.fromstring(callback["eSignResponse"].encode())
    forged.remove(forged[-1])  # drop the ESP's signature, re-sign with an impostor's key
    with pytest.raises(SigningError, match="not signed by the configured ESP"):
        provider.complete(started.provider_ref, {"eSignResponse": esp.sign_xml(forged, issue("Impostor"))})


def test_replayed_response_is_refused(provider, esp):
    started, callback = signed_through(provider, esp)
    assert provider.complete(started.provider_ref, callback).status is SigningStatus.SIGNED
    with pytest.raises(SigningError, match="already completed"):
        provider.complete(started.provider_ref, callback)


def test_response_for_another_transaction_is_refused(provider, esp):
    started, callback = signed_through(provider, esp)
    other = provider.sign(notice_request())
    with pytest.raises(SigningError, match="another transaction"):
        provider.complete(other.provider_ref, callback)


def test_signature_over_another_hash_is_refused(provider, esp):
    esp.sign_other_digest = True
    started, callback = signed_through(provider, esp)
    with pytest.raises(SigningError, match="does not match the document's hash"):
        provider.complete(started.provider_ref, callback)


def test_certificate_in_someone_elses_name_is_refused(provider, esp, pki):
    genuine = esp.signer
    esp.signer = issue("RAVI KUMAR", issuer=pki["ca"])
    try:
        started, callback = signed_through(provider, esp)
    finally:
        esp.signer = genuine
    with pytest.raises(SigningError, match="in the name of 'RAVI KUMAR'"):
        provider.complete(started.provider_ref, callback)


def test_esp_rejects_a_request_not_signed_by_the_registered_asp_key(provider, esp):
    started = provider.sign(notice_request())
    request = etree.fromstring(started.redirect_form["eSignRequest"].encode())
    request.set("txn", "f" * 32)  # any change breaks the ASP signature
    form = started.redirect_form | {"eSignRequest": etree.tostring(request).decode(), "aspTxnID": "f" * 32}
    with pytest.raises(urllib.error.HTTPError) as refused:
        post(esp.url, form)
    assert refused.value.code == 400
    refused.value.close()


@pytest.mark.parametrize("callback", [{}, {"eSignResponse": ""}, {"eSignResponse": "<EsignResp"},
                                      {"eSignResponse": '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                                                        '<EsignResp txn="&e;"/>'}])
def test_malformed_callbacks_are_refused(provider, callback):
    with pytest.raises(SigningError):
        provider.complete("any", callback)


def test_not_a_pdf(provider):
    with pytest.raises(SigningError, match="not a PDF"):
        provider.sign(SignRequest(document_id="x", pdf=b"hello", signer=ADVOCATE, reason="r"))


def test_memory_store_takes_once_and_expires():
    store = MemoryPendingStore()
    store.put("a", b"1", ttl_seconds=60)
    store.put("b", b"2", ttl_seconds=0)
    assert store.take("a") == b"1" and store.take("a") is None
    assert store.take("b") is None


@pytest.mark.redis
def test_redis_store_takes_once(redis_url):
    store = RedisPendingStore(redis_url, prefix="test:esign:")
    try:
        store.put("t1", b"state", ttl_seconds=60)
        assert store.take("t1") == b"state"
        assert store.take("t1") is None
    finally:
        store.close()


def test_settings_from_config(pki, tmp_path):
    key = tmp_path / "asp.key"
    key.write_bytes(pki["asp"].key_pem)
    settings = AadhaarESignSettings.from_config({
        "ESIGN_ESP_URL": "https://esp.example/esign/2.1/signdoc", "ESIGN_ASP_ID": ASP_ID,
        "ESIGN_ASP_KEY": str(key), "ESIGN_ASP_CERT": pki["asp"].cert_pem.decode(),
        "ESIGN_ESP_CERT": pki["ca"].cert_pem.decode(), "ESIGN_RESPONSE_URL": RESPONSE_URL})
    assert settings.asp_key == pki["asp"].key_pem and settings.auth_mode == "1"
