"""RFC 3161 signature timestamps (PAdES B-T) from the TSA at SIGNING_TSA_URL: the token is in the
signature and pyHanko's validator trusts it; basic auth; a TSA that is down, slow or refuses us stops
the signature (naming the TSA) and nothing is stored; without a TSA there is no timestamp."""
import datetime as dt
import io
import socket
import subprocess
import time

import pyotp
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from notices.drafting import workflow as services
from notices.signing.signatures import sign_notice
from notices.states import NoticeStatus
from portal.adapters.esign.base import Signer, SigningError, SignRequest
from portal.adapters.esign.democert import make_demo_pkcs12
from portal.adapters.esign.pades import PadesProvider, TsaSettings, load_signer
from portal.audit import AuditEvent
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.errors import DomainError
from tests.factories import AdvocateFactory, CaseFactory, CreditorFactory, EngagementFactory
from tests.fakes.pki import one_page_pdf
from tests.fakes.tsa_server import FakeTsa

PASS = b"tsa-test-pass"
ADVOCATE = Signer(name="Adv. Kiran Rao", email="kiran@example.in", user_id=5, capacity="Advocate")


@pytest.fixture(scope="module")
def pkcs12():
    return make_demo_pkcs12(ADVOCATE.name, PASS)


@pytest.fixture
def tsa():
    # A fixed time a little in the past, inside every test certificate's validity, to compare exactly.
    server = FakeTsa(fixed_time=dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=2))
    yield server
    server.stop()


def sign(pkcs12, tsa_settings=None):
    provider = PadesProvider(lambda signer: (pkcs12, PASS), tsa=tsa_settings)
    return provider.sign(SignRequest("notice-3-v1", one_page_pdf("LEGAL NOTICE"), ADVOCATE,
                                     "Legal notice issued on behalf of the creditor"))


def validate(pdf, pkcs12, tsa):
    advocate_cert = load_signer(pkcs12, PASS)[0].signing_cert
    roots = [advocate_cert] + ([tsa.root.asn1_cert] if tsa else [])
    embedded = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    return validate_pdf_signature(embedded, ValidationContext(trust_roots=roots))


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsa"  # nobody listens once the socket is closed


def test_signature_carries_a_trusted_timestamp(pkcs12, tsa, tmp_path):
    result = sign(pkcs12, TsaSettings(tsa.url))
    path = tmp_path / "timestamped.pdf"
    path.write_bytes(result.signed_pdf)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature Validation: Signature is Valid." in out and "Total document signed" in out
    status = validate(result.signed_pdf, pkcs12, tsa)
    assert status.intact and status.valid and status.trusted and status.coverage.name == "ENTIRE_FILE"
    stamp = status.timestamp_validity
    assert stamp is not None and stamp.intact and stamp.valid and stamp.trusted
    assert stamp.timestamp == tsa.fixed_time
    assert stamp.signing_cert.subject.native["common_name"] == "Sulah Test Timestamp Authority"
    assert len(tsa.issued) == 1  # bytes_reserved: no dry run that would ask the TSA twice


def test_timestamp_from_an_untrusted_tsa_is_reported_untrusted(pkcs12, tsa):
    """The validator judges the TSA too: without its root the timestamp is not trusted."""
    status = validate(sign(pkcs12, TsaSettings(tsa.url)).signed_pdf, pkcs12, None)
    assert status.timestamp_validity is not None and not status.timestamp_validity.trusted


def test_tsa_url_comes_from_the_app_config(app, pkcs12, tsa, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNING_TSA_URL", tsa.url)
    with app.app_context():
        result = sign(pkcs12)
    assert validate(result.signed_pdf, pkcs12, tsa).timestamp_validity.trusted
    assert len(tsa.issued) == 1


def test_without_a_tsa_there_is_no_timestamp(app, pkcs12, tsa):
    assert not app.config.get("SIGNING_TSA_URL")
    with app.app_context():
        status = validate(sign(pkcs12).signed_pdf, pkcs12, tsa)
    assert status.valid and status.timestamp_validity is None and tsa.issued == []


def test_basic_auth(pkcs12):
    server = FakeTsa(username="sulah", password="s3cret-pass")
    try:
        result = sign(pkcs12, TsaSettings(server.url, "sulah", "s3cret-pass"))
        assert validate(result.signed_pdf, pkcs12, server).timestamp_validity.trusted
        with pytest.raises(SigningError, match=r"\(127\.0\.0\.1\) refused our credentials \(HTTP 401"):
            sign(pkcs12, TsaSettings(server.url, "sulah", "wrong"))
        with pytest.raises(SigningError, match="refused our credentials"):
            sign(pkcs12, TsaSettings(server.url))
        assert len(server.issued) == 1
    finally:
        server.stop()
    assert "s3cret-pass" not in repr(TsaSettings(server.url, "sulah", "s3cret-pass"))


def test_tsa_down_is_named(pkcs12):
    with pytest.raises(SigningError, match=r"timestamp authority \(127\.0\.0\.1\) could not be reached, "
                                           "so the document was not signed"):
        sign(pkcs12, TsaSettings(closed_port_url()))


def test_slow_tsa_times_out(pkcs12, tsa):
    tsa.delay = 3.0
    started = time.monotonic()
    with pytest.raises(SigningError, match=r"\(127\.0\.0\.1\) did not answer within 0\.5 seconds"):
        sign(pkcs12, TsaSettings(tsa.url, timeout=0.5))
    assert time.monotonic() - started < 2.5


def test_settings_from_config():
    assert TsaSettings.from_config({"SIGNING_TSA_URL": ""}) is None
    settings = TsaSettings.from_config({"SIGNING_TSA_URL": "https://tsa.example.in/rfc3161",
                                        "SIGNING_TSA_USERNAME": "u", "SIGNING_TSA_PASSWORD": "p",
                                        "SIGNING_TSA_TIMEOUT": "4.5"})
    assert settings == TsaSettings("https://tsa.example.in/rfc3161", "u", "p", 4.5)
    assert settings.host == "tsa.example.in"


@pytest.fixture
def approved_notice(db_session, pkcs12):
    creditor, advocate = CreditorFactory(), AdvocateFactory()
    EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED, advocate_id=advocate.id,
                       stated_interest_rate=18)
    advocate.advocate_profile.signing_pkcs12 = make_demo_pkcs12(advocate.name, PASS)
    advocate.advocate_profile.signing_passphrase = PASS.decode()
    notice = services.start_notice(creditor, case, today_ist())
    services.submit(creditor, notice)
    services.grant_mandate(creditor, advocate)
    services.approve(advocate, notice, pyotp.TOTP(advocate.totp_secret).now())
    return advocate, notice


def test_tsa_down_leaves_the_notice_unsigned(app, db_session, approved_notice, monkeypatch):
    advocate, notice = approved_notice
    monkeypatch.setitem(app.config, "SIGNING_TSA_URL", closed_port_url())
    with pytest.raises(DomainError, match="timestamp authority .* could not be reached"):
        sign_notice(advocate, notice)
    assert notice.status == NoticeStatus.APPROVED and notice.signed_pdf_sha256 is None
    assert notice.case.status != CaseStatus.NOTICE_SIGNED
    signed = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "notice.signed")).all()
    assert signed == []


def test_notice_signed_with_a_tsa_keeps_the_timestamp(app, db_session, approved_notice, tsa, monkeypatch):
    from evidence.services import store

    advocate, notice = approved_notice
    monkeypatch.setitem(app.config, "SIGNING_TSA_URL", tsa.url)
    sha = sign_notice(advocate, notice)
    with store().open(sha) as fh:
        embedded = PdfFileReader(io.BytesIO(fh.read())).embedded_signatures[0]
    roots = [embedded.signer_cert, tsa.root.asn1_cert]
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=roots))
    assert status.valid and status.timestamp_validity.trusted
    assert status.timestamp_validity.timestamp == tsa.fixed_time
