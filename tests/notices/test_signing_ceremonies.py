"""Signing a notice through a ceremony elsewhere, through the web: Aadhaar eSign (the fake ESP's OTP
page) and DocuSign embedded signing (the fake DocuSign, its return URL and its Connect webhook)."""
import base64
import hashlib
import hmac
import html
import io
import re
import ssl
import urllib.error
import urllib.parse
import urllib.request

import pyotp
import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import func, select

from evidence.models import Document
from notices.drafting import workflow as services
from notices.signing.models import SigningCeremony
from notices.signing.providers import close_providers, enabled_providers
from notices.signing.signatures import signature_intact
from notices.signing.states import CeremonyStatus
from notices.states import NoticeStatus
from portal.audit import AuditEvent
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.config import Config
from tests.conftest import csrf_from
from tests.factories import AdvocateFactory, CaseFactory, CreditorFactory, EngagementFactory
from tests.fakes.docusign_server import FakeDocuSign
from tests.fakes.esp_server import FakeESP, FormReader
from tests.fakes.pki import issue, one_page_pdf, rsa_key

ASP_ID = "SULAH-ASP-01"
RESPONSE_PATH = "/esign/aadhaar/response"
DS_KEY, DS_USER = "5c2b8d7e-0000-4000-8000-integration", "9d0e1f2a-0000-4000-8000-apiuser"
DS_SECRET = "connect-key-2026"
ALL = ["pades_dsc", "aadhaar_esign", "docusign"]


@pytest.fixture(scope="module")
def pki():
    return {"ca": issue("Test eSign CA 2026", ca=True), "asp": issue("Sulah ASP request signing")}


@pytest.fixture(scope="module")
def esp_server(pki):
    fake = FakeESP(asp_id=ASP_ID, asp_cert_pem=pki["asp"].cert_pem, ca=pki["ca"], signer_name="ASHA RAO")
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def jwt_key():
    key = rsa_key()
    return (key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()),
            key.public_key().public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo))


@pytest.fixture(scope="module")
def docusign_server(jwt_key, tmp_path_factory):
    fake = FakeDocuSign(integration_key=DS_KEY, user_id=DS_USER, public_key_pem=jwt_key[1],
                        tls_dir=tmp_path_factory.mktemp("docusign-tls"), connect_secrets=(DS_SECRET,))
    yield fake
    fake.stop()


@pytest.fixture
def providers(app, monkeypatch, esp_server, docusign_server, pki, jwt_key):
    """All three providers enabled, pointing at the fakes; the cached instances are closed afterwards."""
    esp_server.reset()
    docusign_server.failures.clear()
    settings = {
        "SIGNING_PROVIDERS": ALL, "ESIGN_ESP_URL": esp_server.url, "ESIGN_ASP_ID": ASP_ID,
        "ESIGN_ASP_KEY": pki["asp"].key_pem.decode(), "ESIGN_ASP_CERT": pki["asp"].cert_pem.decode(),
        "ESIGN_ESP_CERT": esp_server.response_key.cert_pem.decode(),
        "ESIGN_RESPONSE_URL": f"http://localhost{RESPONSE_PATH}", "ESIGN_PENDING_REDIS_URL": None,
        "DOCUSIGN_INTEGRATION_KEY": DS_KEY, "DOCUSIGN_USER_ID": DS_USER,
        "DOCUSIGN_PRIVATE_KEY": jwt_key[0].decode(), "DOCUSIGN_OAUTH_HOST": docusign_server.oauth_host,
        "DOCUSIGN_CA_BUNDLE": docusign_server.ca_bundle, "DOCUSIGN_CONNECT_SECRETS": DS_SECRET,
    }
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    yield app.config
    close_providers(app)


@pytest.fixture
def parties(db_session):
    creditor = CreditorFactory()
    advocate = AdvocateFactory(name="Asha Rao", email="asha.rao@advocates.test")
    EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED, advocate_id=advocate.id)
    notice = services.start_notice(creditor, case, today_ist())
    services.submit(creditor, notice)
    services.grant_mandate(creditor, advocate)
    services.approve(advocate, notice, pyotp.TOTP(advocate.totp_secret).now())
    return creditor, advocate, case, notice


def post(client, url, **data):
    page = client.get("/dashboard", follow_redirects=True)
    return client.post(url, data={"csrf_token": csrf_from(page), **data})


def outside_post(url, fields):
    """The signer's browser posting to the fake ESP."""
    assert url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode())  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return FormReader(response.read().decode())


def form_to(page: FormReader, prefix: str) -> tuple[str, dict]:
    return next((action, fields) for action, fields in page.forms if action.startswith(prefix))


def events(db_session, case, action):
    return db_session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                       AuditEvent.action == action)).all()


def ceremony_of(db_session, notice) -> SigningCeremony:
    return db_session.scalars(select(SigningCeremony).where(SigningCeremony.notice_id == notice.id)
                              .order_by(SigningCeremony.id.desc())).first()


# Aadhaar eSign

def start_esign(client, esp, notice):
    """Choose eSign; the hand-over page auto-posts the signed request to the ESP: its OTP page."""
    resp = post(client, f"/notices/{notice.id}/sign", provider="aadhaar_esign")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    host = esp.url.rsplit("/esign/", 1)[0]
    assert f"form-action 'self' {host}" in resp.headers["Content-Security-Policy"]
    page = FormReader(resp.get_data(as_text=True))
    action, fields = form_to(page, esp.url)
    assert {"eSignRequest", "aspTxnID", "Content-Type"} <= fields.keys()
    assert "Continue to Aadhaar eSign" in "".join(page.text)  # the visible button for no-JS browsers
    return outside_post(action, fields)


def esign_callback(esp, otp_page, otp=None):
    action, fields = otp_page.forms[0]
    page = outside_post(urllib.parse.urljoin(esp.url, action), fields | {"otp": otp or esp.otp})
    action, fields = form_to(page, "http://localhost/")
    assert action == f"http://localhost{RESPONSE_PATH}"
    return fields


def deliver(app, fields):
    """The ESP's page posts from the signer's browser, which sends no session cookie to us (SameSite)."""
    return app.test_client().post(RESPONSE_PATH, data=fields)


def test_esign_end_to_end(app, client, auth, providers, esp_server, pki, parties, db_session):
    creditor, advocate, case, notice = parties
    auth.login_as(advocate)
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert "How will you sign?" in page and all(f'value="{name}"' in page for name in ALL)

    otp_page = start_esign(client, esp_server, notice)
    ceremony = ceremony_of(db_session, notice)
    assert ceremony.status == CeremonyStatus.PENDING and ceremony.provider == "aadhaar_esign"
    assert notice.status == NoticeStatus.APPROVED
    assert "has not come back yet" in client.get(f"/notices/{notice.id}").get_data(as_text=True)

    resp = deliver(app, esign_callback(esp_server, otp_page))

    assert resp.status_code == 303 and resp.headers["Location"] == f"/notices/{notice.id}"
    assert "Set-Cookie" not in resp.headers  # no session was started that would replace the advocate's
    db_session.refresh(ceremony)
    assert ceremony.status == CeremonyStatus.SIGNED and notice.status == NoticeStatus.SIGNED
    assert case.status == CaseStatus.NOTICE_SIGNED
    assert ceremony.signed_pdf_sha256 == notice.signed_pdf_sha256
    pdf = client.get(f"/notices/{notice.id}/signed.pdf").data
    assert hashlib.sha256(pdf).hexdigest() == notice.signed_pdf_sha256
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[pki["ca"].asn1_cert]))
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == "ASHA RAO"
    (signed,) = events(db_session, case, "notice.signed")
    assert signed.actor_id == advocate.id
    assert signed.data | {"sha256": notice.signed_pdf_sha256, "provider": "aadhaar_esign",
                          "via": "esp_response", "document_sha256": ceremony.document_sha256} == signed.data
    assert len(events(db_session, case, "case.sign_notice")) == 1
    shown = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert "Download the signed PDF" in shown and 'name="provider"' not in shown


def test_replayed_esign_response_is_refused(app, client, auth, providers, esp_server, parties, db_session):
    _, advocate, case, notice = parties
    auth.login_as(advocate)
    fields = esign_callback(esp_server, start_esign(client, esp_server, notice))
    assert deliver(app, fields).status_code == 303
    ledger = db_session.scalar(select(func.count()).select_from(AuditEvent))

    replay = deliver(app, fields)

    assert replay.status_code == 409 and "used only once" in replay.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == ledger


def test_tampered_response_changes_nothing_and_the_genuine_one_still_signs(
        app, client, auth, providers, esp_server, parties, db_session):
    _, advocate, case, notice = parties
    auth.login_as(advocate)
    fields = esign_callback(esp_server, start_esign(client, esp_server, notice))
    tampered = fields | {"eSignResponse": fields["eSignResponse"].replace('errCode="NA"', 'errCode="X"')}

    resp = deliver(app, tampered)

    assert resp.status_code == 400 and "not signed by the configured ESP" in resp.get_data(as_text=True)
    assert ceremony_of(db_session, notice).status == CeremonyStatus.PENDING
    assert notice.status == NoticeStatus.APPROVED and not events(db_session, case, "notice.signed")
    assert deliver(app, fields).status_code == 303
    assert notice.status == NoticeStatus.SIGNED


def test_signer_cancels_at_the_esp_and_can_try_again(app, client, auth, providers, esp_server, parties,
                                                      db_session):
    _, advocate, case, notice = parties
    auth.login_as(advocate)
    otp_page = start_esign(client, esp_server, notice)
    cancel_action, fields = otp_page.forms[1]
    page = outside_post(urllib.parse.urljoin(esp_server.url, cancel_action), fields)

    resp = deliver(app, form_to(page, "http://localhost/")[1])

    assert resp.status_code == 303
    assert ceremony_of(db_session, notice).status == CeremonyStatus.DECLINED
    assert notice.status == NoticeStatus.APPROVED and case.status == CaseStatus.NOTICE_IN_REVIEW
    shown = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert "was not made (User terminated eKYC process (ESP-944))" in shown and 'name="provider"' in shown
    assert len(events(db_session, case, "notice.signing_declined")) == 1
    # Trying again works.
    assert deliver(app, esign_callback(esp_server, start_esign(client, esp_server, notice))).status_code == 303
    assert notice.status == NoticeStatus.SIGNED


def test_callbacks_for_unknown_or_replaced_attempts(app, client, auth, providers, esp_server, parties,
                                                     db_session):
    _, advocate, case, notice = parties
    auth.login_as(advocate)
    unknown = deliver(app, {"eSignResponse": '<EsignResp txn="no-such-transaction"/>'})
    assert unknown.status_code == 404
    assert deliver(app, {"eSignResponse": "<EsignResp"}).status_code == 400
    first = esign_callback(esp_server, start_esign(client, esp_server, notice))
    start_esign(client, esp_server, notice)  # a second attempt replaces the first

    resp = deliver(app, first)

    assert resp.status_code == 409 and notice.status == NoticeStatus.APPROVED
    assert [c.status for c in db_session.scalars(select(SigningCeremony).order_by(SigningCeremony.id))] == [
        CeremonyStatus.ABANDONED, CeremonyStatus.PENDING]


@pytest.mark.redis
def test_esign_with_the_redis_pending_store(app, client, auth, providers, esp_server, parties, db_session,
                                            monkeypatch, redis_url):
    monkeypatch.setitem(app.config, "ESIGN_PENDING_REDIS_URL", redis_url)
    _, advocate, _, notice = parties
    auth.login_as(advocate)
    fields = esign_callback(esp_server, start_esign(client, esp_server, notice))
    assert deliver(app, fields).status_code == 303 and notice.status == NoticeStatus.SIGNED
    assert deliver(app, fields).status_code == 409


# DocuSign

def start_docusign(client, docusign, notice) -> tuple[str, str]:
    """Choose DocuSign, follow the hand-over link as the browser would: where DocuSign sends us back."""
    resp = post(client, f"/notices/{notice.id}/sign", provider="docusign")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    page = resp.get_data(as_text=True)
    view_url = html.unescape(re.search(r'<a href="([^"]+)" id="handover"', page).group(1))
    assert view_url.startswith(f"{docusign.base_uri}/signing/")
    return view_url, page


def follow(docusign, url, **query) -> str:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    context = ssl.create_default_context(cafile=docusign.ca_bundle)
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=context))
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(f"{url}?{urllib.parse.urlencode(query)}", timeout=5)
    redirect.value.close()
    assert redirect.value.code == 302
    parts = urllib.parse.urlsplit(redirect.value.headers["Location"])
    return f"{parts.path}?{parts.query}"


def connect(app, message, headers=None):
    return app.test_client().post("/webhooks/docusign/connect", data=message.body,
                                  headers=headers if headers is not None else message.headers)


@pytest.mark.parametrize("order", ["return_first", "webhook_first"])
def test_docusign_end_to_end_whichever_arrives_first(app, client, auth, providers, docusign_server,
                                                     parties, db_session, order):
    _, advocate, case, notice = parties
    auth.login_as(advocate)
    view_url, _ = start_docusign(client, docusign_server, notice)
    ceremony = ceremony_of(db_session, notice)
    envelope = docusign_server.envelopes[ceremony.provider_ref]
    assert hashlib.sha256(envelope.pdf).hexdigest() == ceremony.document_sha256
    back = follow(docusign_server, view_url)
    assert back == f"/notices/signing/{ceremony.token}/return?event=signing_complete"
    message = docusign_server.connect_messages[-1]

    def browser_returns():
        resp = client.get(back, follow_redirects=True)
        assert resp.status_code == 200 and "Signed. The notice is ready to serve." in resp.get_data(as_text=True)

    if order == "return_first":
        browser_returns()
        again = connect(app, message)
        assert again.status_code == 200 and again.get_json() == {"status": "signed", "changed": False}
    else:
        first = connect(app, message)
        assert first.status_code == 200 and first.get_json() == {"status": "signed", "changed": True}
        browser_returns()

    db_session.refresh(ceremony)
    assert ceremony.status == CeremonyStatus.SIGNED and notice.status == NoticeStatus.SIGNED
    assert case.status == CaseStatus.NOTICE_SIGNED
    assert client.get(f"/notices/{notice.id}/signed.pdf").data == envelope.signed_pdf
    (signed,) = events(db_session, case, "notice.signed")
    assert len(events(db_session, case, "case.sign_notice")) == 1
    assert signed.data["via"] == ("return_url" if order == "return_first" else "connect")
    (certificate,) = db_session.scalars(select(Document).where(Document.case_id == case.id,
                                                               Document.sha256 == signed.data["certificate_sha256"]))
    assert certificate.sha256 == hashlib.sha256(envelope.certificate).hexdigest()
    assert certificate.frozen_at is not None
    downloads = [path for _, path, _ in docusign_server.requests
                 if path.endswith(f"{ceremony.provider_ref}/documents/combined")]
    assert len(downloads) == 1


def test_forged_connect_message_changes_nothing(app, client, auth, providers, docusign_server, parties,
                                                db_session):
    _, advocate, case, notice = parties
    auth.login_as(advocate)
    view_url, _ = start_docusign(client, docusign_server, notice)
    follow(docusign_server, view_url)
    message = docusign_server.connect_messages[-1]
    forged = base64.b64encode(hmac.new(b"guessed-key", message.body, hashlib.sha256).digest()).decode()

    for headers in ({"X-DocuSign-Signature-1": forged, "Content-Type": "application/json"},
                    {"Content-Type": "application/json"}):
        resp = connect(app, message, headers)
        assert resp.status_code == 401 and "HMAC" in resp.get_json()["error"]
    assert ceremony_of(db_session, notice).status == CeremonyStatus.PENDING
    assert notice.status == NoticeStatus.APPROVED and not events(db_session, case, "notice.signed")
    unknown = message.body.replace(ceremony_of(db_session, notice).provider_ref.encode(), b"no-such-envelope")
    signed_unknown = base64.b64encode(hmac.new(DS_SECRET.encode(), unknown, hashlib.sha256).digest()).decode()
    resp = app.test_client().post("/webhooks/docusign/connect", data=unknown,
                                  headers={"X-DocuSign-Signature-1": signed_unknown})
    assert resp.status_code == 404


def test_docusign_decline(app, client, auth, providers, docusign_server, parties, db_session):
    _, advocate, case, notice = parties
    auth.login_as(advocate)
    view_url, _ = start_docusign(client, docusign_server, notice)
    back = follow(docusign_server, view_url, action="decline", reason="Wrong amount")
    assert back.endswith("?event=decline")

    resp = connect(app, docusign_server.connect_messages[-1])

    assert resp.get_json() == {"status": "declined", "changed": True}
    page = client.get(back, follow_redirects=True).get_data(as_text=True)
    assert "The envelope was declined on DocuSign: Wrong amount" in page and 'name="provider"' in page
    assert notice.status == NoticeStatus.APPROVED and case.status == CaseStatus.NOTICE_IN_REVIEW


def test_a_browser_claiming_completion_is_not_believed(app, client, auth, providers, docusign_server,
                                                       parties, db_session):
    """DocuSign still hands out the unsigned document: it has no signature, so nothing is kept."""
    _, advocate, _, notice = parties
    auth.login_as(advocate)
    start_docusign(client, docusign_server, notice)
    ceremony = ceremony_of(db_session, notice)

    page = client.get(f"/notices/signing/{ceremony.token}/return?event=signing_complete",
                      follow_redirects=True).get_data(as_text=True)

    assert "without an intact signature" in page
    assert ceremony_of(db_session, notice).status == CeremonyStatus.PENDING
    assert notice.status == NoticeStatus.APPROVED


def test_cancelled_ceremony_leaves_the_notice_to_sign_again(app, client, auth, providers, docusign_server,
                                                            parties, db_session):
    _, advocate, _, notice = parties
    auth.login_as(advocate)
    start_docusign(client, docusign_server, notice)
    ceremony = ceremony_of(db_session, notice)
    page = client.get(f"/notices/signing/{ceremony.token}/return?event=cancel",
                      follow_redirects=True).get_data(as_text=True)
    assert "the signing was not finished (cancel)" in page
    assert ceremony_of(db_session, notice).status == CeremonyStatus.PENDING
    assert notice.status == NoticeStatus.APPROVED


# Who may do what

@pytest.mark.parametrize("who,expected", [("other_advocate", 404), ("creditor", 403)])
def test_only_the_assigned_advocate(client, auth, providers, docusign_server, parties, db_session, who,
                                    expected):
    creditor, advocate, _, notice = parties
    auth.login_as(advocate)
    start_docusign(client, docusign_server, notice)
    ceremony = ceremony_of(db_session, notice)
    other = AdvocateFactory() if who == "other_advocate" else creditor
    auth.login_as(other)

    assert client.get(f"/notices/signing/{ceremony.token}/return?event=signing_complete").status_code == expected
    assert post(client, f"/notices/{notice.id}/sign", provider="docusign").status_code == expected
    assert ceremony_of(db_session, notice).status == CeremonyStatus.PENDING
    assert notice.status == NoticeStatus.APPROVED


def test_disabled_or_unknown_provider_is_refused(app, client, auth, providers, parties, db_session,
                                                 monkeypatch):
    _, advocate, _, notice = parties
    auth.login_as(advocate)
    monkeypatch.setitem(app.config, "SIGNING_PROVIDERS", ["pades_dsc", "docusign"])
    monkeypatch.setitem(app.config, "DOCUSIGN_CONNECT_SECRETS", "")  # listed, but not configured
    for name in ("aadhaar_esign", "docusign", "no-such-provider"):
        resp = post(client, f"/notices/{notice.id}/sign", provider=name)
        assert resp.status_code == 400, name
        assert "is not a signing method offered here" in resp.get_data(as_text=True)
    assert deliver(app, {"eSignResponse": '<EsignResp txn="x"/>'}).status_code == 404
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert 'name="provider" value="pades_dsc"' in page and "aadhaar_esign" not in page
    assert notice.status == NoticeStatus.APPROVED
    assert db_session.scalar(select(func.count()).select_from(SigningCeremony)) == 0


def test_default_providers_follow_the_settings_present(monkeypatch, tmp_path):
    monkeypatch.setenv("SULAH_INSTANCE", str(tmp_path))
    for key in ("SIGNING_PROVIDERS", "ESIGN_ESP_URL", "DOCUSIGN_INTEGRATION_KEY"):
        monkeypatch.delenv(key, raising=False)
    assert Config().SIGNING_PROVIDERS == ["pades_dsc"]
    monkeypatch.setenv("ESIGN_ESP_URL", "https://esp.example/esign/2.1/signdoc")
    config = Config()
    assert config.SIGNING_PROVIDERS == ["pades_dsc", "aadhaar_esign"]
    assert enabled_providers(config.as_dict()) == ["pades_dsc"]  # the ASP key and certificates are missing
    monkeypatch.setenv("SIGNING_PROVIDERS", "docusign, pades_dsc")
    assert Config().SIGNING_PROVIDERS == ["docusign", "pades_dsc"]


def test_signature_check():
    key = issue("Seal")
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    pdf = one_page_pdf("LEGAL NOTICE")
    signer = signers.SimpleSigner(signing_cert=key.asn1_cert, signing_key=key.asn1_key, cert_registry=None)
    signed = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)),
                              signers.PdfSignatureMetadata(field_name="Seal"), signer=signer).getvalue()
    assert signature_intact(signed)
    assert not signature_intact(pdf) and not signature_intact(b"not a pdf")
    assert not signature_intact(signed + b"\n% appended after signing\n")
