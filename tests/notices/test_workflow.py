"""Drafting, reviewing and approving a notice; the rules that refuse a notice; who may do what."""
import subprocess
from datetime import date, timedelta

import pyotp
import pytest
from sqlalchemy import select

from notices.drafting import workflow as services
from notices.models import Notice, NoticeLanguage
from notices.states import NoticeStatus
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.errors import DomainError
from tests.conftest import csrf_from
from tests.factories import (
    AdvocateFactory,
    CaseFactory,
    CreditorFactory,
    DebtorUserFactory,
    EngagementFactory,
)


@pytest.fixture
def parties(db_session):
    creditor = CreditorFactory()
    advocate = AdvocateFactory()
    EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED,
                       advocate_id=advocate.id, stated_interest_rate=18)
    return creditor, advocate, case


def post(client, url, **data):
    page = client.get("/dashboard", follow_redirects=True)
    return client.post(url, data={"csrf_token": csrf_from(page), **data})


def test_full_review_cycle(client, auth, parties, db_session, tmp_path):
    creditor, advocate, case = parties
    auth.login_as(creditor)
    resp = post(client, f"/cases/{case.reference}/notices/new", language="en", pay_within_days="15")
    assert resp.status_code == 302
    notice = db_session.scalar(select(Notice).where(Notice.case_id == case.id))
    assert notice.status == NoticeStatus.DRAFTING and case.status == CaseStatus.NOTICE_DRAFTING
    pdf = client.get(f"/notices/{notice.id}/preview.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    (tmp_path / "n.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(tmp_path / "n.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert case.reference in text and "15 days" in text and "INV-1" in text
    assert post(client, f"/notices/{notice.id}/submit").status_code == 302
    assert notice.status == NoticeStatus.IN_REVIEW and case.status == CaseStatus.NOTICE_IN_REVIEW

    auth.login_as(advocate)
    queue = client.get("/notices/review").get_data(as_text=True)
    assert case.reference in queue
    resp = post(client, f"/notices/{notice.id}/return", comment="Give 21 days to pay.")
    assert resp.status_code == 302
    assert notice.status == NoticeStatus.CHANGES_REQUESTED and case.status == CaseStatus.NOTICE_DRAFTING

    auth.login_as(creditor)
    notice.pay_within_days = 21  # the creditor's correction
    assert post(client, f"/notices/{notice.id}/revise").status_code == 302
    assert len(notice.versions) == 2
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert "Changes from version 1 to 2" in page and "21 days" in page
    assert post(client, f"/notices/{notice.id}/submit").status_code == 302

    auth.login_as(advocate)
    code = pyotp.TOTP(advocate.totp_secret).now()
    resp = post(client, f"/notices/{notice.id}/approve", code=code)
    assert resp.status_code == 422 and "mandate" in resp.get_data(as_text=True)
    services.grant_mandate(creditor, advocate)
    resp = post(client, f"/notices/{notice.id}/approve", code=code)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    assert notice.status == NoticeStatus.APPROVED


def test_approval_code_cannot_be_replayed(db_session, parties):
    creditor, advocate, case = parties
    notice = services.start_notice(creditor, case, today_ist())
    services.submit(creditor, notice)
    services.grant_mandate(creditor, advocate)
    code = pyotp.TOTP(advocate.totp_secret).now()
    advocate.totp_last_step = pyotp.TOTP(advocate.totp_secret).timecode(__import__("datetime").datetime.now())
    with pytest.raises(DomainError, match="not valid or was already used"):
        services.approve(advocate, notice, code)


def test_hindi_notice_renders_devanagari(db_session, parties, app):
    creditor, _, case = parties
    notice = services.start_notice(creditor, case, today_ist(), language=NoticeLanguage.HINDI)
    assert "सूचना" in notice.current.body_text or "माँग" in notice.current.body_text


def test_cheque_notice_refused_after_30_days(db_session, parties):
    creditor, _, case = parties
    today = today_ist()
    cheque = services.ChequeDetails("123456", "SBI Pune", today - timedelta(days=50), 10000,
                                    today - timedelta(days=31), "Funds insufficient",
                                    presented_on=today - timedelta(days=33),
                                    memo_received_on=today - timedelta(days=31))
    with pytest.raises(DomainError, match="within 30 days"):
        services.start_notice(creditor, case, today, cheque=cheque)
    cheque.memo_received_on = today - timedelta(days=30)
    notice = services.start_notice(creditor, case, today, cheque=cheque)
    assert "Section 138" in notice.current.body_text


def test_time_barred_invoice_needs_justification(db_session):
    creditor = CreditorFactory()
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED)
    inv = case.invoices[0]
    inv.invoice_date, inv.due_date = date(2021, 1, 1), date(2021, 2, 1)
    with pytest.raises(DomainError, match="Time-barred invoices need a recorded justification"):
        services.start_notice(creditor, case, today_ist())
    inv.time_bar_justification = "Acknowledged by a signed balance confirmation of 2023."
    assert services.start_notice(creditor, case, today_ist()).status == NoticeStatus.DRAFTING


def test_bad_draft_input(client, auth, parties, db_session):
    creditor, _, case = parties
    auth.login_as(creditor)
    for data, message in [({"pay_within_days": "3"}, "Between 7 and 60"),
                          ({"pay_within_days": "15", "cheque_number": "123456"}, "also give"),
                          ({"pay_within_days": "x"}, "Not a valid integer")]:
        resp = post(client, f"/cases/{case.reference}/notices/new", language="en", **data)
        assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    assert db_session.scalar(select(Notice).where(Notice.case_id == case.id)) is None


def test_generic_case_action_cannot_sign(client, auth, parties, db_session):
    creditor, advocate, case = parties
    notice = services.start_notice(creditor, case, today_ist())
    services.submit(creditor, notice)
    auth.login_as(advocate)
    resp = post(client, f"/cases/{case.reference}/actions/sign_notice")
    assert resp.status_code == 409
    assert case.status == CaseStatus.NOTICE_IN_REVIEW


@pytest.mark.parametrize("who,url_tail,expected", [
    ("debtor", "", 404), ("other_creditor", "", 404), ("other_advocate", "", 404),
    ("creditor", "/approve", 403), ("debtor", "/preview.pdf", 404), ("advocate", "/submit", 403),
])
def test_wrong_role_or_party(client, auth, parties, db_session, who, url_tail, expected):
    creditor, advocate, case = parties
    notice = services.start_notice(creditor, case, today_ist())
    user = {"debtor": DebtorUserFactory, "other_creditor": CreditorFactory,
            "other_advocate": AdvocateFactory}.get(who)
    user = user() if user else {"creditor": creditor, "advocate": advocate}[who]
    auth.login_as(user)
    url = f"/notices/{notice.id}{url_tail}"
    resp = post(client, url, code="123456") if url_tail in ("/approve", "/submit") else client.get(url)
    assert resp.status_code == expected


def test_sign_serves_verifiable_pdf(client, auth, parties, db_session):
    """Approve → sign with the advocate's DSC → the signed PDF validates and /verify confirms it."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    from portal.adapters.esign.democert import make_demo_pkcs12

    creditor, advocate, case = parties
    advocate.advocate_profile.signing_pkcs12 = make_demo_pkcs12(advocate.name, b"pw")
    advocate.advocate_profile.signing_passphrase = "pw"
    notice = services.start_notice(creditor, case, today_ist())
    services.submit(creditor, notice)
    services.grant_mandate(creditor, advocate)
    services.approve(advocate, notice, pyotp.TOTP(advocate.totp_secret).now())
    auth.login_as(advocate)
    assert post(client, f"/notices/{notice.id}/sign").status_code == 302
    assert notice.status == NoticeStatus.SIGNED and case.status == CaseStatus.NOTICE_SIGNED
    resp = client.get(f"/notices/{notice.id}/signed.pdf")
    pdf = resp.data
    from pyhanko_certvalidator import ValidationContext

    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=[sig.signer_cert]))
    assert status.intact and status.valid and status.coverage.name == "ENTIRE_FILE"
    page = client.get(f"/verify/{notice.verification_code}")
    from tests.conftest import csrf_from as token

    ok = client.post(f"/verify/{notice.verification_code}", content_type="multipart/form-data",
                     data={"csrf_token": token(page), "file": (io.BytesIO(pdf), "notice.pdf")})
    assert "exactly the signed legal notice" in ok.get_data(as_text=True)
    tampered = pdf.replace(b"/Reason", b"/Reasom", 1)
    bad = client.post(f"/verify/{notice.verification_code}", content_type="multipart/form-data",
                      data={"csrf_token": token(page), "file": (io.BytesIO(tampered), "notice.pdf")})
    assert "does NOT match" in bad.get_data(as_text=True)


def test_signing_needs_an_approved_notice_and_a_certificate(db_session, parties):
    from notices.signing.signatures import sign_notice

    creditor, advocate, case = parties
    notice = services.start_notice(creditor, case, today_ist())
    with pytest.raises(DomainError, match="Only an approved notice"):
        sign_notice(advocate, notice)
    notice.status = NoticeStatus.APPROVED
    with pytest.raises(DomainError, match="Upload your digital signature certificate"):
        sign_notice(advocate, notice)


def test_advocate_uploads_a_certificate(client, auth, db_session, parties):
    import io

    from portal.adapters.esign.democert import make_demo_pkcs12
    from portal.audit import AuditEvent

    _, advocate, _ = parties
    auth.login_as(advocate)
    p12 = make_demo_pkcs12(advocate.name, b"secret-pass")
    page = client.get("/account/certificate")
    from tests.conftest import csrf_from as token

    def upload(data, passphrase):
        return client.post("/account/certificate", content_type="multipart/form-data",
                           data={"csrf_token": token(page), "passphrase": passphrase,
                                 "pkcs12": (io.BytesIO(data), "me.p12")})

    bad = upload(p12, "wrong")
    assert bad.status_code == 422 and "wrong passphrase" in bad.get_data(as_text=True)
    assert advocate.advocate_profile.signing_pkcs12 is None
    junk = upload(b"not a certificate", "x")
    assert junk.status_code == 422
    ok = upload(p12, "secret-pass")
    assert ok.status_code == 302
    db_session.refresh(advocate.advocate_profile)
    assert advocate.advocate_profile.signing_pkcs12 == p12
    raw = db_session.execute(__import__("sqlalchemy").text(
        "select signing_pkcs12 from advocate_profiles where user_id = :u"), {"u": advocate.id}).scalar()
    import base64

    assert raw.startswith("gAAAA")  # a Fernet token: encrypted at rest
    assert base64.b64encode(p12)[:40].decode() not in raw
    from sqlalchemy import select

    ev = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "advocate.certificate_installed")).all()
    assert ev and ev[-1].data["demo"] is True
