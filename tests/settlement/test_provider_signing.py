"""Signing a settlement agreement at a provider's site: the debtor with Aadhaar eSign (the fake ESP),
the creditor's staff through DocuSign (the fake DocuSign, its return URL and Connect webhook), finished
by the same callbacks as notices; replays, cancelled agreements and wrong names change nothing."""
import html
import io
import re

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import func, select

from arbitration.settlement import agreements as settlement
from arbitration.settlement.models import AgreementStatus, SignerSide, SignMethod
from notices.signing.models import SigningCeremony
from notices.signing.signatures import signature_intact
from notices.signing.states import CeremonyStatus
from portal import seal
from portal.adapters.esign.keys import load_signer
from portal.audit import AuditEvent
from portal.cases.states import CaseStatus
from portal.extensions import db
from tests.conftest import csrf_from
from tests.factories import DebtorUserFactory
from tests.fakes.esp_server import FakeESP, FormReader
from tests.notices.test_signing_ceremonies import (
    ASP_ID,
    connect,
    deliver,
    docusign_server,
    esign_callback,
    follow,
    form_to,
    jwt_key,
    outside_post,
    pki,
    providers,
)
from tests.settlement.helpers import agreement_for, room_case

DEBTOR_NAME = "Meena Iyer"
# The notice tests' fixtures, shared by name: the PKI, the fake DocuSign and the providers' settings.
SHARED_FIXTURES = (pki, jwt_key, docusign_server, providers)


@pytest.fixture(scope="module")
def esp_server(pki):
    """The ESP's eKYC is the debtor's own: the certificate it issues is in the debtor's name."""
    fake = FakeESP(asp_id=ASP_ID, asp_cert_pem=pki["asp"].cert_pem, ca=pki["ca"], signer_name=DEBTOR_NAME.upper())
    yield fake
    fake.stop()


@pytest.fixture
def signed_up(db_session):
    case, staff = room_case()
    debtor = DebtorUserFactory(name=DEBTOR_NAME)
    case.debtor.user_id = debtor.id
    agreement = agreement_for(case, staff)
    db.session.flush()
    return case, staff, debtor, agreement


def page(client, case):
    resp = client.get(f"/odr/{case.reference}/settlement")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return resp


def choose(client, case, provider):
    return client.post(f"/odr/{case.reference}/settlement/provider",
                       data={"csrf_token": csrf_from(page(client, case)), "provider": provider})


def start_esign(client, esp, case):
    resp = choose(client, case, "aadhaar_esign")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert f"form-action 'self' {esp.url.rsplit('/esign/', 1)[0]}" in resp.headers["Content-Security-Policy"]
    action, fields = form_to(FormReader(resp.get_data(as_text=True)), esp.url)
    return outside_post(action, fields)


def start_docusign(client, docusign, case) -> str:
    resp = choose(client, case, "docusign")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    view_url = html.unescape(re.search(r'<a href="([^"]+)" id="handover"', resp.get_data(as_text=True)).group(1))
    assert view_url.startswith(f"{docusign.base_uri}/signing/")
    return view_url


def ceremony_of(agreement, side: SignerSide) -> SigningCeremony:
    return db.session.scalars(select(SigningCeremony).where(
        SigningCeremony.settlement_id == agreement.id, SigningCeremony.signer_side == side.value)
        .order_by(SigningCeremony.id.desc())).first()


def ledger_size() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def agreed(case):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                       AuditEvent.action == "settlement.agreed")).all()


def test_debtor_by_aadhaar_and_creditor_by_docusign_settle_the_case(
        app, client, auth, providers, esp_server, docusign_server, pki, signed_up):
    case, staff, debtor, agreement = signed_up
    # The debtor signs with Aadhaar eSign.
    auth.login_as(debtor)
    body = page(client, case).get_data(as_text=True)
    assert 'value="aadhaar_esign"' in body and 'value="docusign"' in body and 'value="pades_dsc"' not in body
    fields = esign_callback(esp_server, start_esign(client, esp_server, case))
    assert ceremony_of(agreement, SignerSide.DEBTOR).status == CeremonyStatus.PENDING

    resp = deliver(app, fields)

    assert resp.status_code == 303 and resp.headers["Location"] == f"/odr/{case.reference}/settlement"
    ceremony = ceremony_of(agreement, SignerSide.DEBTOR)
    assert ceremony.status == CeremonyStatus.SIGNED and ceremony.notice_id is None
    debtor_sig = agreement.signature_of(SignerSide.DEBTOR)
    assert debtor_sig.method == SignMethod.AADHAAR and debtor_sig.user_id == debtor.id
    assert debtor_sig.signer_name == DEBTOR_NAME and debtor_sig.signed_pdf_sha256 == ceremony.signed_pdf_sha256
    assert agreement.status == AgreementStatus.AWAITING_SIGNATURES
    # A replayed ESP response finishes nothing twice.
    before = ledger_size()
    replay = deliver(app, fields)
    assert replay.status_code == 409 and ledger_size() == before and len(agreement.signatures) == 1

    # The creditor's staff signs through DocuSign; Connect and the browser's return both arrive.
    auth.login_as(staff)
    back = follow(docusign_server, start_docusign(client, docusign_server, case))
    ds = ceremony_of(agreement, SignerSide.CREDITOR)
    assert back == f"/notices/signing/{ds.token}/return?event=signing_complete"
    message = docusign_server.connect_messages[-1]
    first = connect(app, message)
    assert first.status_code == 200 and first.get_json() == {"status": "signed", "changed": True}
    shown = client.get(back, follow_redirects=True).get_data(as_text=True)
    assert "the settlement agreement is complete and the case is settled" in shown
    assert "Signed with Aadhaar eSign by Meena Iyer" in shown and "Signed through DocuSign by" in shown
    before = ledger_size()
    again = connect(app, message)
    assert again.get_json() == {"status": "signed", "changed": False} and ledger_size() == before

    db.session.refresh(agreement)
    assert agreement.status == AgreementStatus.SIGNED and case.status == CaseStatus.SETTLED
    assert {s.side: s.method for s in agreement.signatures} == {
        SignerSide.DEBTOR: SignMethod.AADHAAR, SignerSide.CREDITOR: SignMethod.DOCUSIGN}
    assert [e.data["provider"] for e in agreed(case)] == ["aadhaar_esign", "docusign"]
    assert agreed(case)[1].data["via"] == "connect" and agreed(case)[1].data["certificate_sha256"]
    # Each party's signed copy carries its intact signature; the Aadhaar one is the debtor's own.
    aadhaar_copy = settlement.read_pdf(debtor_sig.signed_pdf_sha256)
    (signature,) = PdfFileReader(io.BytesIO(aadhaar_copy)).embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[pki["ca"].asn1_cert]))
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == DEBTOR_NAME.upper()
    docusign_copy = settlement.read_pdf(agreement.signature_of(SignerSide.CREDITOR).signed_pdf_sha256)
    assert signature_intact(docusign_copy) and docusign_copy == docusign_server.envelopes[ds.provider_ref].signed_pdf
    # The final agreement: every signature in it intact, the platform's seal over the whole file.
    final = client.get(f"/odr/{case.reference}/settlement/1/agreement.pdf").data
    assert signature_intact(final)
    trust, _ = load_signer(*seal.seal_key())
    sealed = PdfFileReader(io.BytesIO(final)).embedded_signatures
    for sig in sealed:
        assert validate_pdf_signature(sig, ValidationContext(trust_roots=[trust.signing_cert])).intact
    assert sealed[-1].coverage.name == "ENTIRE_FILE"


def test_the_aadhaar_certificate_must_be_in_the_signers_name(app, client, auth, providers, esp_server, signed_up):
    """The creditor's staff cannot sign with the debtor's Aadhaar: the name is checked against the signer's."""
    case, staff, _, agreement = signed_up
    auth.login_as(staff)

    resp = deliver(app, esign_callback(esp_server, start_esign(client, esp_server, case)))

    text = html.unescape(resp.get_data(as_text=True))
    assert resp.status_code == 400 and f"in the name of '{DEBTOR_NAME.upper()}', not '{staff.name}'" in text
    assert "settlement agreement was not signed" in text
    assert ceremony_of(agreement, SignerSide.CREDITOR).status == CeremonyStatus.PENDING
    assert agreement.signatures == [] and not agreed(case)


def test_a_cancelled_agreement_abandons_the_ceremony(app, client, auth, providers, esp_server, signed_up):
    case, staff, debtor, agreement = signed_up
    auth.login_as(debtor)
    fields = esign_callback(esp_server, start_esign(client, esp_server, case))
    settlement.cancel(agreement, staff, "The dates have changed")
    db.session.flush()

    resp = deliver(app, fields)

    assert resp.status_code == 303
    ceremony = ceremony_of(agreement, SignerSide.DEBTOR)
    assert ceremony.status == CeremonyStatus.ABANDONED and "no longer awaiting" in ceremony.detail
    assert agreement.signatures == [] and agreement.status == AgreementStatus.CANCELLED
    assert deliver(app, fields).status_code == 409


def test_a_side_that_agreed_meanwhile_abandons_its_ceremony(app, client, auth, providers, docusign_server,
                                                            signed_up, monkeypatch):
    from arbitration.settlement import signing as settlement_signing

    case, staff, _, agreement = signed_up
    auth.login_as(staff)
    follow(docusign_server, start_docusign(client, docusign_server, case))
    monkeypatch.setattr("portal.onetime_codes.secrets.randbelow", lambda n: 123456)
    settlement_signing.send_code(agreement, staff, 0, "10.0.0.1")
    settlement_signing.accept_with_code(agreement, staff, "123456", "10.0.0.1")

    resp = connect(app, docusign_server.connect_messages[-1])

    assert resp.get_json() == {"status": "abandoned", "changed": True}
    assert agreement.signature_of(SignerSide.CREDITOR).method == SignMethod.OTP_ACCEPTANCE
    assert len(agreed(case)) == 1


def test_wrong_token_other_signer_and_bad_choices(app, client, auth, providers, docusign_server, signed_up,
                                                  monkeypatch):
    case, staff, debtor, agreement = signed_up
    auth.login_as(staff)
    start_docusign(client, docusign_server, case)
    token = ceremony_of(agreement, SignerSide.CREDITOR).token
    assert client.get("/notices/signing/not-a-token/return?event=signing_complete").status_code == 404
    auth.login_as(debtor)
    assert client.get(f"/notices/signing/{token}/return?event=signing_complete").status_code == 403
    assert ceremony_of(agreement, SignerSide.CREDITOR).status == CeremonyStatus.PENDING
    for name in ("pades_dsc", "no-such-provider", ""):
        resp = choose(client, case, name)
        assert resp.status_code == 400 and "is not a signing method offered here" in resp.get_data(as_text=True)
    monkeypatch.setitem(app.config, "SIGNING_PROVIDERS", ["pades_dsc"])
    assert choose(client, case, "docusign").status_code == 400
    assert 'name="provider"' not in page(client, case).get_data(as_text=True)
    no_csrf = client.post(f"/odr/{case.reference}/settlement/provider", data={"provider": "docusign"})
    assert no_csrf.status_code == 400


def test_the_debtor_through_its_personal_link_accepts_by_code_instead(client, providers, signed_up, outbox):
    from tests.debtor.guest import login_guest

    case, _, _, agreement = signed_up
    login_guest(client, case, outbox)
    assert 'name="provider"' not in page(client, case).get_data(as_text=True)

    resp = choose(client, case, "aadhaar_esign")

    assert resp.status_code == 409 and "Sign in with your account" in resp.get_data(as_text=True)
    assert ceremony_of(agreement, SignerSide.DEBTOR) is None and agreement.signatures == []
