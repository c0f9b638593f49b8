"""The public verify page: a matching PDF, a tampered one, unknown codes, bad uploads."""
import hashlib
import io

import pytest

from notices.drafting import workflow as services
from notices.states import NoticeStatus
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.types import utcnow
from tests.factories import AdvocateFactory, CaseFactory, CreditorFactory

PDF = b"%PDF-1.7\n" + b"signed notice body" * 100 + b"\n%%EOF\n"


@pytest.fixture
def signed(db_session):
    creditor, advocate = CreditorFactory(), AdvocateFactory()
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED, advocate_id=advocate.id)
    notice = services.start_notice(creditor, case, today_ist())
    # Stands in for the signing step (tested with real PAdES signatures in tests/esign).
    notice.status, notice.signed_at = NoticeStatus.SIGNED, utcnow()
    notice.signed_pdf_sha256 = hashlib.sha256(PDF).hexdigest()
    return notice


def upload(client, code, data, name="notice.pdf"):
    page = client.get(f"/verify/{code}")
    from tests.conftest import csrf_from

    return client.post(f"/verify/{code}", data={"csrf_token": csrf_from(page),
                                                 "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_public_page_shows_only_what_a_recipient_needs(client, signed):
    html = client.get(f"/verify/{signed.verification_code}").get_data(as_text=True)
    assert signed.case.creditor.legal_name in html and signed.signed_pdf_sha256 in html
    assert "INV-1" not in html and signed.case.reference not in html  # no other case data


def test_matching_and_tampered_pdfs(client, signed):
    ok = upload(client, signed.verification_code, PDF)
    assert ok.status_code == 200 and "exactly the signed legal notice" in ok.get_data(as_text=True)
    tampered = PDF.replace(b"signed", b"SIGNED", 1)
    bad = upload(client, signed.verification_code, tampered)
    assert "does NOT match" in bad.get_data(as_text=True)


@pytest.mark.parametrize("data,message", [(b"", "empty"), (b"MZ\x90\x00exe", "not a PDF")])
def test_bad_uploads(client, signed, data, message):
    resp = upload(client, signed.verification_code, data)
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)


def test_unknown_or_unsigned_codes_are_not_found(client, db_session, signed):
    assert client.get("/verify/NOSUCHCODE").status_code == 404
    signed.status = NoticeStatus.APPROVED
    assert client.get(f"/verify/{signed.verification_code}").status_code == 404
    assert client.get("/verify/..%2F..%2Fetc").status_code == 404
    assert client.get("/verify?code=abc").status_code == 302
