"""DocuSign provider: the real docusign-esign SDK against a local server speaking DocuSign's REST API."""
import base64
import hashlib
import hmac
import io
import ssl
import urllib.error
import urllib.parse
import urllib.request

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils.reader import PdfFileReader

from portal.adapters.esign.base import Signer, SigningError, SigningStatus, SignRequest
from portal.adapters.esign.docusign import (
    DocuSignProvider,
    DocuSignSettings,
    connect_envelope_id,
    verify_connect_hmac,
)
from tests.fakes.docusign_server import FakeDocuSign
from tests.fakes.pki import one_page_pdf, rsa_key

INTEGRATION_KEY = "5c2b8d7e-0000-4000-8000-integration"
USER_ID = "9d0e1f2a-0000-4000-8000-apiuser"
SECRETS = ("connect-key-2025", "connect-key-2026")
ADVOCATE = Signer(name="Asha Rao", email="asha@advocates.test", user_id=42, capacity="Advocate")


@pytest.fixture(scope="module")
def jwt_key():
    key = rsa_key()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


@pytest.fixture(scope="module")
def docusign(jwt_key, tmp_path_factory):
    fake = FakeDocuSign(integration_key=INTEGRATION_KEY, user_id=USER_ID, public_key_pem=jwt_key[1],
                        tls_dir=tmp_path_factory.mktemp("docusign-tls"), connect_secrets=SECRETS)
    yield fake
    fake.stop()


@pytest.fixture
def fake(docusign):
    docusign.failures.clear()
    docusign.requests.clear()
    docusign.consent_granted = True
    return docusign


def settings_for(fake, **overrides):
    values = dict(integration_key=INTEGRATION_KEY, user_id=USER_ID,
                  oauth_host=fake.oauth_host, ca_bundle=fake.ca_bundle, connect_secrets=SECRETS[1:],
                  timeout=5)
    return DocuSignSettings(**(values | overrides))


@pytest.fixture
def make_provider(fake, jwt_key):
    made = []

    def make(**overrides):
        made.append(DocuSignProvider(settings_for(fake, **({"private_key": jwt_key[0]} | overrides))))
        return made[-1]
    yield make
    for provider in made:
        provider.close()


@pytest.fixture
def provider(make_provider):
    return make_provider()


def notice_request(**overrides):
    values = dict(document_id="notice-7-v2", pdf=one_page_pdf("LEGAL NOTICE", "Ref SUL-2026-0007"),
                  signer=ADVOCATE, reason="Legal notice issued on behalf of the creditor",
                  return_url="https://sulah.test/notices/7/signed")
    return SignRequest(**(values | overrides))


@pytest.fixture
def open_ceremony(fake):
    """Follow a recipient view as the signer's browser would, stopping at the redirect home."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    context = ssl.create_default_context(cafile=fake.ca_bundle)
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=context))

    def follow(url, **query):
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(f"{url}?{urllib.parse.urlencode(query)}", timeout=5)
        redirect.value.close()
        assert redirect.value.code == 302
        return redirect.value.headers["Location"]
    return follow


def test_embedded_signing_end_to_end(provider, fake, open_ceremony):
    request = notice_request()
    started = provider.sign(request)

    assert started.status is SigningStatus.PENDING and started.provider == "docusign"
    assert started.redirect_url.startswith(f"{fake.base_uri}/signing/")
    envelope = fake.envelopes[started.provider_ref]
    assert envelope.pdf == request.pdf
    assert envelope.signer["clientUserId"] == "42" and envelope.signer["email"] == ADVOCATE.email
    assert envelope.signer["tabs"]["signHereTabs"] == [
        {"documentId": "1", "pageNumber": "1", "xPosition": "360", "yPosition": "700"}]
    assert envelope.definition["customFields"]["textCustomFields"][0]["value"] == "notice-7-v2"

    assert open_ceremony(started.redirect_url) == f"{request.return_url}?event=signing_complete"
    message = fake.connect_messages[-1]
    assert verify_connect_hmac(message.body, message.headers, SECRETS[1:])
    assert connect_envelope_id(message.payload) == started.provider_ref

    done = provider.complete(started.provider_ref, message.payload)

    assert done.status is SigningStatus.SIGNED
    assert done.signed_pdf == envelope.signed_pdf
    assert [s.field_name for s in PdfFileReader(io.BytesIO(done.signed_pdf)).embedded_signatures] == [
        "DocuSignEnvelopeSeal"]
    assert done.evidence["certificate_of_completion.pdf"] == envelope.certificate
    documents = [(path.rsplit("/", 1)[-1], query) for method, path, query in fake.requests if "/documents/" in path]
    assert documents == [("combined", {"certificate": "false"}), ("certificate", {})]


def test_token_is_reused_between_calls(provider, fake):
    provider.sign(notice_request())
    provider.sign(notice_request(document_id="notice-8-v1"))
    assert [path for _, path, _ in fake.requests].count("/oauth/token") == 1


def test_anchor_and_signature_provider_go_into_the_envelope(fake, make_provider):
    provider = make_provider(sign_anchor="/sulah-sign/", signature_provider="UniversalSignaturePen_ImageOnly")
    envelope = fake.envelopes[provider.sign(notice_request()).provider_ref]
    assert envelope.signer["tabs"]["signHereTabs"][0]["anchorString"] == "/sulah-sign/"
    assert envelope.signer["recipientSignatureProviders"] == [
        {"signatureProviderName": "UniversalSignaturePen_ImageOnly"}]


def test_declined_envelope(provider, fake, open_ceremony):
    started = provider.sign(notice_request())
    open_ceremony(started.redirect_url, action="decline", reason="Wrong amount")
    done = provider.complete(started.provider_ref, fake.connect_messages[-1].payload)
    assert done.status is SigningStatus.DECLINED and done.signed_pdf is None
    assert done.detail == "The envelope was declined on DocuSign: Wrong amount"


def test_voided_envelope(provider, fake):
    started = provider.sign(notice_request())
    done = provider.complete(started.provider_ref, fake.void(started.provider_ref, "Superseded").payload)
    assert done.status is SigningStatus.DECLINED and "voided" in done.detail and "Superseded" in done.detail


def test_an_intermediate_event_leaves_it_pending(provider):
    started = provider.sign(notice_request())
    event = {"event": "envelope-delivered",
             "data": {"envelopeId": started.provider_ref, "envelopeSummary": {"status": "delivered"}}}
    done = provider.complete(started.provider_ref, event)
    assert done.status is SigningStatus.PENDING and "delivered" in done.detail


def test_an_event_for_another_envelope_is_refused(provider):
    started = provider.sign(notice_request())
    with pytest.raises(SigningError, match="another envelope"):
        provider.complete(started.provider_ref, {"event": "envelope-completed", "data": {"envelopeId": "x"}})


def test_a_return_url_is_required(provider):
    with pytest.raises(SigningError, match="return URL"):
        provider.sign(notice_request(return_url=""))


class TestConnectHmac:
    body = b'{"event":"envelope-completed","data":{"envelopeId":"e1"}}'

    def sign(self, secret, body=None):
        return base64.b64encode(hmac.new(secret.encode(), body or self.body, hashlib.sha256).digest()).decode()

    def test_valid(self):
        assert verify_connect_hmac(self.body, {"X-DocuSign-Signature-1": self.sign("k1")}, ["k1"])

    def test_header_names_are_case_insensitive(self):
        assert verify_connect_hmac(self.body, {"x-docusign-signature-1": self.sign("k1")}, ["k1"])

    def test_tampered_body(self):
        headers = {"X-DocuSign-Signature-1": self.sign("k1")}
        assert not verify_connect_hmac(self.body.replace(b"e1", b"e2"), headers, ["k1"])

    def test_wrong_secret(self):
        assert not verify_connect_hmac(self.body, {"X-DocuSign-Signature-1": self.sign("other")}, ["k1"])

    def test_missing_header(self):
        assert not verify_connect_hmac(self.body, {"Content-Type": "application/json"}, ["k1"])

    def test_no_secret_configured(self):
        assert not verify_connect_hmac(self.body, {"X-DocuSign-Signature-1": self.sign("")}, [""])

    def test_rotated_secret(self):
        # DocuSign sends one header per active key while both are live; we may already hold only the new one.
        headers = {"X-DocuSign-Signature-1": self.sign("old"), "X-DocuSign-Signature-2": self.sign("new")}
        assert verify_connect_hmac(self.body, headers, ["new"])
        assert verify_connect_hmac(self.body, headers, ["new", "old"])
        assert not verify_connect_hmac(self.body, {"X-DocuSign-Signature-1": self.sign("old")}, ["new"])

    def test_other_headers_are_ignored(self):
        headers = {"X-DocuSign-Signature": self.sign("k1"), "X-Signature-1": self.sign("k1")}
        assert not verify_connect_hmac(self.body, headers, ["k1"])


EC_KEY = ec.generate_private_key(ec.SECP256R1()).private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


@pytest.mark.parametrize(("key", "message"), [
    (b"-----BEGIN PRIVATE KEY-----\nnot a key\n", "not a readable unencrypted PEM private key"),
    (EC_KEY, "must be an RSA key"),
])
def test_unusable_private_key(fake, make_provider, key, message):
    with pytest.raises(SigningError, match=message):
        make_provider(private_key=key).sign(notice_request())
    assert fake.requests == []  # refused before anything left the machine


def test_key_docusign_does_not_know(make_provider):
    other = rsa_key().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    with pytest.raises(SigningError, match=r"refused the request \(HTTP 400\): invalid_grant"):
        make_provider(private_key=other).sign(notice_request())


def test_consent_not_granted(provider, fake):
    fake.consent_granted = False
    with pytest.raises(SigningError, match="one-time consent"):
        provider.sign(notice_request())


def test_server_error_becomes_signing_error(provider, fake):
    fake.fail("/envelopes", 500)
    with pytest.raises(SigningError, match=r"unavailable \(HTTP 500\)"):
        provider.sign(notice_request())


def test_expired_token_is_renewed_once(provider, fake):
    provider.sign(notice_request())
    fake.fail("/envelopes", 401, {"errorCode": "AUTHORIZATION_INVALID_TOKEN", "message": "expired"})
    assert provider.sign(notice_request()).status is SigningStatus.PENDING
    assert [path for _, path, _ in fake.requests].count("/oauth/token") == 2


def test_persistent_401_becomes_signing_error(provider, fake):
    fake.fail("/envelopes", 401, {"errorCode": "USER_AUTHENTICATION_FAILED", "message": "no"}, times=5)
    with pytest.raises(SigningError, match=r"HTTP 401\): USER_AUTHENTICATION_FAILED"):
        provider.sign(notice_request())


def test_download_failure_becomes_signing_error(provider, fake, open_ceremony):
    started = provider.sign(notice_request())
    open_ceremony(started.redirect_url)
    fake.fail("/documents/combined", 503)
    with pytest.raises(SigningError, match="unavailable"):
        provider.complete(started.provider_ref, fake.connect_messages[-1].payload)


def test_unreachable_docusign(make_provider):
    provider = make_provider(oauth_host="127.0.0.1:9", timeout=2)
    with pytest.raises(SigningError, match="could not be reached"):
        provider.sign(notice_request())


def test_untrusted_tls_certificate(make_provider):
    provider = make_provider(ca_bundle=None)
    with pytest.raises(SigningError, match="DocuSign could not be reached"):
        provider.sign(notice_request())


def test_settings_from_config(jwt_key, tmp_path):
    key_file = tmp_path / "docusign.pem"
    key_file.write_bytes(jwt_key[0])
    settings = DocuSignSettings.from_config({
        "DOCUSIGN_INTEGRATION_KEY": INTEGRATION_KEY, "DOCUSIGN_USER_ID": USER_ID,
        "DOCUSIGN_PRIVATE_KEY": str(key_file), "DOCUSIGN_CONNECT_SECRETS": "new, old,",
    })
    assert settings.private_key == jwt_key[0]
    assert settings.connect_secrets == ("new", "old")
    assert settings.oauth_host == "account-d.docusign.com"
