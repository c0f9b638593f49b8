"""An advocate whose DSC is on a token attached to the signing server (SoftHSM here): recording the
token on the signing-key page, signing a notice with the PIN typed at the signature, and the bad
inputs (no PIN, wrong PIN, unknown labels, no PKCS11_MODULE) answered with a 4xx and a message."""
import io

import pyotp
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from notices.drafting import workflow as services
from notices.signing.signatures import install_certificate
from notices.states import NoticeStatus
from portal.adapters.esign.democert import make_demo_pkcs12
from portal.adapters.esign.tokens import close_token_sessions, open_tokens
from portal.audit import AuditEvent
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from tests.conftest import csrf_from
from tests.factories import AdvocateFactory, CaseFactory, CreditorFactory, EngagementFactory
from tests.fakes.pki import issue
from tests.fakes.softhsm import softhsm_or_skip

TOKEN, PIN = "chamber-hsm", "13579246"


@pytest.fixture(scope="module")
def hsm(tmp_path_factory):
    hsm = softhsm_or_skip(tmp_path_factory.mktemp("softhsm"))
    hsm.init_token(TOKEN, PIN)
    previous = hsm.activate()
    hsm.ca = issue("Sulah Test Certifying Authority", ca=True)
    yield hsm
    hsm.deactivate(previous)


@pytest.fixture
def advocate_key(hsm, app, db_session, monkeypatch):
    """An advocate, a key and certificate in their name on the token, and PKCS11_MODULE configured."""
    close_token_sessions()
    monkeypatch.setitem(app.config, "PKCS11_MODULE", hsm.module)
    advocate = AdvocateFactory()
    label = f"dsc-{advocate.id}-{advocate.email}"[:60]
    hsm.import_key(TOKEN, PIN, label, issue(advocate.name, issuer=hsm.ca))
    yield advocate, label
    close_token_sessions()


@pytest.fixture
def approved_notice(db_session, advocate_key):
    advocate, _ = advocate_key
    creditor = CreditorFactory()
    EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED, advocate_id=advocate.id,
                       stated_interest_rate=18)
    notice = services.start_notice(creditor, case, today_ist())
    services.submit(creditor, notice)
    services.grant_mandate(creditor, advocate)
    services.approve(advocate, notice, pyotp.TOTP(advocate.totp_secret).now())
    return notice


def record(client, **data):
    page = client.get("/account/certificate")
    return client.post("/account/certificate/token", data={"csrf_token": csrf_from(page), **data})


def sign(client, notice, **data):
    page = client.get(f"/notices/{notice.id}")
    return client.post(f"/notices/{notice.id}/sign", data={"csrf_token": csrf_from(page), **data})


def use_token(advocate, label):
    advocate.advocate_profile.signing_token_label, advocate.advocate_profile.signing_key_label = TOKEN, label


def test_advocate_records_a_token_then_signs_with_its_pin(client, auth, db_session, hsm, advocate_key,
                                                          approved_notice):
    advocate, label = advocate_key
    install_certificate(advocate, make_demo_pkcs12(advocate.name, b"pw"), "pw")
    auth.login_as(advocate)
    page = client.get("/account/certificate").get_data(as_text=True)
    assert "Or use a token attached to the signing server" in page
    resp = record(client, token_label=f" {TOKEN} ", key_label=label, pin=PIN)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    profile = advocate.advocate_profile
    assert (profile.signing_token_label, profile.signing_key_label) == (TOKEN, label)
    assert profile.signing_pkcs12 is None and profile.signing_passphrase is None  # one key on file
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "advocate.token_recorded")).one()
    assert event.data["token_label"] == TOKEN and advocate.name in event.data["subject"]
    assert PIN not in str(event.data)
    assert f"Your key is on the token “{TOKEN}”" in client.get("/account/certificate").get_data(as_text=True)

    notice_page = client.get(f"/notices/{approved_notice.id}").get_data(as_text=True)
    assert f"PIN of your token “{TOKEN}”" in notice_page and 'name="token_pin"' in notice_page
    assert sign(client, approved_notice, provider="pades_dsc", token_pin=PIN).status_code == 302
    assert approved_notice.status == NoticeStatus.SIGNED
    pdf = client.get(f"/notices/{approved_notice.id}/signed.pdf").data
    embedded = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[hsm.ca.asn1_cert]))
    assert status.intact and status.valid and status.trusted and status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.subject.native["common_name"] == advocate.name
    assert open_tokens() == [TOKEN]  # kept logged in for the next notice


def test_signing_without_or_with_a_wrong_pin_is_refused(client, auth, db_session, advocate_key,
                                                        approved_notice):
    advocate, label = advocate_key
    use_token(advocate, label)
    auth.login_as(advocate)
    missing = sign(client, approved_notice, provider="pades_dsc")
    assert missing.status_code == 422
    assert "Type the PIN of your token" in missing.get_data(as_text=True)
    wrong = sign(client, approved_notice, provider="pades_dsc", token_pin="00000000")
    assert wrong.status_code == 409
    assert f"The PIN for the token &#39;{TOKEN}&#39; is wrong." in wrong.get_data(as_text=True)
    too_long = sign(client, approved_notice, provider="pades_dsc", token_pin="9" * 65)
    assert too_long.status_code == 409 and "not a PIN your token can take" in too_long.get_data(as_text=True)
    assert approved_notice.status == NoticeStatus.APPROVED and approved_notice.signed_pdf_sha256 is None
    assert open_tokens() == []  # a refused PIN leaves no session behind


def test_token_form_bad_inputs(client, auth, db_session, advocate_key, app, monkeypatch):
    advocate, label = advocate_key
    auth.login_as(advocate)
    cases = [
        ({}, "Give the token&#39;s label."),
        ({"token_label": TOKEN, "key_label": label}, "Type the token&#39;s PIN"),
        ({"token_label": "x" * 33, "key_label": label, "pin": PIN}, "at most 32 characters"),
        ({"token_label": TOKEN, "key_label": label, "pin": "11111111"}, "is wrong"),
        ({"token_label": "not-attached", "key_label": label, "pin": PIN},
         "No token labelled &#39;not-attached&#39; is connected"),
        ({"token_label": TOKEN, "key_label": "no-such-key", "pin": PIN}, "has no usable key and certificate"),
        ({"token_label": TOKEN, "key_label": "tab\there", "pin": PIN}, "cannot contain control characters"),
    ]
    for data, message in cases:
        resp = record(client, **data)
        assert resp.status_code == 422, data
        assert message in resp.get_data(as_text=True), (data, message)
    monkeypatch.setitem(app.config, "PKCS11_MODULE", None)
    off = record(client, token_label=TOKEN, key_label=label, pin=PIN)
    assert off.status_code == 422 and "PKCS11_MODULE is not configured" in off.get_data(as_text=True)
    assert "Or use a token attached" not in client.get("/account/certificate").get_data(as_text=True)
    assert advocate.advocate_profile.signing_token_label is None


def test_a_token_signature_needs_the_module_configured(client, auth, db_session, advocate_key,
                                                       approved_notice, app, monkeypatch):
    advocate, label = advocate_key
    use_token(advocate, label)
    monkeypatch.setitem(app.config, "PKCS11_MODULE", None)
    auth.login_as(advocate)
    resp = sign(client, approved_notice, provider="pades_dsc", token_pin=PIN)
    assert resp.status_code == 409 and "PKCS11_MODULE is not configured" in resp.get_data(as_text=True)


def test_uploading_a_pkcs12_replaces_the_token(db_session, advocate_key):
    advocate, label = advocate_key
    use_token(advocate, label)
    install_certificate(advocate, make_demo_pkcs12(advocate.name, b"pw"), "pw")
    profile = advocate.advocate_profile
    assert profile.signing_token_label is None and profile.signing_key_label is None
    assert profile.signing_pkcs12 is not None


def test_checking_a_token_is_rate_limited_per_advocate(client, auth, db_session, advocate_key):
    """Each check tries the PIN on the token; guesses are capped well before a token would lock."""
    advocate, label = advocate_key
    auth.login_as(advocate)
    statuses = [record(client, token_label=TOKEN, key_label=label, pin="11111111").status_code
                for _ in range(11)]
    assert statuses == [422] * 10 + [429]
