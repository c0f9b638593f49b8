"""Evidence uploads: streamed, hashed, typed by content; every bad upload refused with nothing kept."""
import gc
import hashlib
import io
import subprocess
import tracemalloc
import warnings
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from evidence.models import Document, DownloadLog
from evidence.uploads import sanitize_filename
from portal.audit import AuditEvent
from portal.cases.states import CaseStatus
from tests.conftest import csrf_from
from tests.factories import (
    AdvocateFactory,
    CaseFactory,
    CreditorFactory,
    DebtorUserFactory,
    EngagementFactory,
    PartyFactory,
)
from tests.pdfs import PDF


def xlsx_bytes():
    wb = Workbook()
    wb.active.append(["ledger", 1])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def test_client_spool():
    """Werkzeug's test client spools a large request body to a temp file it never closes (the
    app's own copy is closed by Flask). Collect it here, quietly, so it cannot warn elsewhere."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def upload(client, case, data, name, kind="invoice"):
    page = client.get(f"/cases/{case.reference}/evidence")
    return client.post(f"/cases/{case.reference}/evidence",
                       data={"csrf_token": csrf_from(page), "kind": kind, "description": "test",
                             "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def stored_state(session, app):
    root = app.config["EVIDENCE_STORE"][3:]
    import pathlib

    blobs = sorted(p.name for p in pathlib.Path(root).rglob("*") if p.is_file() and ".staging" not in p.parts)
    return (session.scalar(select(func.count(Document.id))),
            session.scalar(select(func.count(AuditEvent.id))), blobs)


@pytest.mark.parametrize("data,name,mime", [
    (PDF, "invoice.pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.png", "image/png"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "scan.jpeg", "image/jpeg"),
    (None, "ledger.xlsx", "spreadsheetml"),
    (b"number,date,amount\nA-1,2026-01-01,100\n", "rows.csv", "text/csv"),
    (b"From: a@b.example\nTo: c@d.example\nSubject: dues\n\nplease pay\n", "mail.eml", "message/rfc822"),
    ("बकाया राशि का विवरण\n".encode(), "note.txt", "text/plain"),
])
def test_allowed_files_are_stored_with_their_hash(client, setup, db_session, app, data, name, mime):
    _, case = setup
    data = data if data is not None else xlsx_bytes()
    resp = upload(client, case, data, name)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:1000]
    doc = db_session.scalar(select(Document).where(Document.case_id == case.id))
    assert doc.sha256 == hashlib.sha256(data).hexdigest() and doc.size == len(data)
    assert mime in doc.content_type
    got = client.get(f"/cases/{case.reference}/evidence/{doc.id}")
    got.close()
    assert got.status_code == 200 and got.data == data
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in got.headers["Content-Disposition"]
    assert db_session.scalar(select(func.count(DownloadLog.id))) == 1


@pytest.mark.parametrize("data,name,message", [
    (b"", "empty.pdf", "The file is empty"),
    (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, "invoice.pdf", "Programs cannot be uploaded"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "report.pdf", "Programs cannot be uploaded"),
    (b"PK\x03\x04" + b"\x00" * 100, "archive.docx", "Only PDF"),
    (b"GIF89a" + b"\x00" * 100, "anim.gif", "Only PDF"),
    (b"\x00\x01\x02binary\x00junk", "blob.txt", "type is unknown"),
])
def test_refused_files_store_nothing(client, setup, db_session, app, data, name, message):
    _, case = setup
    before = stored_state(db_session, app)
    resp = upload(client, case, data, name)
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert stored_state(db_session, app) == before


def test_oversize_upload_is_refused_while_streaming(client, setup, db_session, app, test_client_spool):
    _, case = setup
    before = stored_state(db_session, app)
    big = PDF + b"0" * (26 * 1024 * 1024)  # over the 25 MB evidence cap, under the 30 MB request cap
    resp = upload(client, case, big, "huge.pdf")
    assert resp.status_code == 422 and "larger than 25 MB" in resp.get_data(as_text=True)
    assert stored_state(db_session, app) == before


def test_request_over_the_global_cap_gets_413(client, setup, db_session, app, monkeypatch):
    _, case = setup
    # A small cap keeps the test client's own request body in memory (a spooled temp file of
    # an unread request is never closed by werkzeug's builder).
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 100 * 1024)
    resp = upload(client, case, PDF + b"0" * (200 * 1024), "huge.pdf")
    assert resp.status_code == 413


@pytest.mark.parametrize("raw,expected", [
    ("../../etc/passwd", "passwd.pdf"),
    ("C:\\Users\\me\\invoice.exe", "invoice.pdf"),
    ("/abs/path/bill.pdf", "bill.pdf"),
    ("..", "document.pdf"),
    ("in\x00voice\x1b.pdf", "invoice.pdf"),
    ("बिल संख्या 12.pdf", "बिल संख्या 12.pdf"),
    ("a" * 300 + ".pdf", "a" * 120 + ".pdf"),
    ('re"port<1>.pdf', "re_port_1_.pdf"),
])
def test_filenames_are_sanitised(raw, expected):
    assert sanitize_filename(raw, "pdf") == expected


# (Backslash paths are covered by the sanitiser tests: werkzeug's test client unescapes them.)
@pytest.mark.parametrize("name", ["../../../../tmp/evil.pdf", "/etc/passwd.pdf", "a/../../b.pdf"])
def test_path_traversal_name_is_refused_and_nothing_stored(client, setup, db_session, app, name):
    _, case = setup
    before = stored_state(db_session, app)
    resp = upload(client, case, PDF, name)
    assert resp.status_code == 422 and "folder path" in resp.get_data(as_text=True)
    assert stored_state(db_session, app) == before


def test_upload_does_not_hold_the_file_in_memory(client, setup, db_session, test_client_spool):
    _, case = setup
    data = PDF + b"x" * (20 * 1024 * 1024)
    page = client.get(f"/cases/{case.reference}/evidence")
    body = {"csrf_token": csrf_from(page), "kind": "ledger", "file": (io.BytesIO(data), "big.pdf")}
    tracemalloc.start()
    tracemalloc.reset_peak()
    resp = client.post(f"/cases/{case.reference}/evidence", data=body, content_type="multipart/form-data")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert resp.status_code == 302
    # The test client itself buffers the request body once; the upload path must add no full copy.
    assert peak < 2.2 * len(data), f"peak {peak / 1e6:.1f} MB for a {len(data) / 1e6:.1f} MB upload"


def test_withdrawal_is_soft_audited_and_refused_when_frozen(client, setup, db_session):
    _, case = setup
    upload(client, case, PDF, "a.pdf")
    doc = db_session.scalar(select(Document).where(Document.case_id == case.id))
    page = client.get(f"/cases/{case.reference}/evidence")
    resp = client.post(f"/cases/{case.reference}/evidence/{doc.id}/withdraw",
                       data={"csrf_token": csrf_from(page), "reason": "Wrong invoice scanned"})
    assert resp.status_code == 302
    db_session.refresh(doc)
    assert doc.withdrawn_at is not None
    kept = client.get(f"/cases/{case.reference}/evidence/{doc.id}")
    kept.close()
    assert kept.status_code == 200  # still on record
    upload(client, case, PDF + b"2", "b.pdf")
    # The newest upload (PostgreSQL returns rows in no set order without ORDER BY: the withdrawn
    # row, updated last, often came back last).
    frozen = db_session.scalars(select(Document).where(Document.case_id == case.id)
                                .order_by(Document.id)).all()[-1]
    from portal.types import utcnow

    frozen.frozen_at = utcnow()
    resp = client.post(f"/cases/{case.reference}/evidence/{frozen.id}/withdraw",
                       data={"csrf_token": csrf_from(page), "reason": "Changed my mind"})
    assert resp.status_code == 409 and "signed notice cites" in resp.get_data(as_text=True)


def test_bundle_hashes_match_sha256sum(client, setup, db_session, tmp_path):
    _, case = setup
    upload(client, case, PDF, "invoice.pdf")
    upload(client, case, b"number,amount\nA-1,100\n", "ledger.csv", kind="ledger")
    resp = client.get(f"/cases/{case.reference}/evidence/bundle.zip")
    resp.close()
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(resp.data)) as zf:
        zf.extractall(tmp_path)
        names = set(zf.namelist())
    assert {"index.pdf", "certificate-s63.pdf", "hashes.sha256"} <= names
    check = subprocess.run(["sha256sum", "-c", "hashes.sha256"], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == 4
    cert = subprocess.run(["pdftotext", str(tmp_path / "certificate-s63.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Section 63" in cert and "SHA-256" in cert and hashlib.sha256(PDF).hexdigest() in cert.replace("\n", "")


@pytest.mark.parametrize("who,method,tail,expected", [
    ("other_creditor", "get", "", 404), ("debtor_unserved", "get", "", 403),
    ("advocate_unassigned", "get", "/bundle.zip", 404), ("debtor_served", "post", "", 403),
    ("debtor_served", "get", "/bundle.zip", 403), ("neutral_unassigned", "get", "", 404),
])
def test_wrong_party_or_role(client, auth, db_session, who, method, tail, expected):
    from tests.factories import NeutralFactory

    creditor = CreditorFactory()
    debtor_user = DebtorUserFactory()
    party = PartyFactory(created_by_org_id=creditor.org_id, user_id=debtor_user.id)
    status = CaseStatus.NOTICE_SERVED if who == "debtor_served" else CaseStatus.FILED
    advocate = AdvocateFactory()
    case = CaseFactory(creditor=creditor.organization, debtor=party, _status=status, advocate_id=advocate.id)
    user = {"other_creditor": CreditorFactory, "neutral_unassigned": NeutralFactory,
            "advocate_unassigned": AdvocateFactory}.get(who)
    user = user() if user else debtor_user
    if who == "advocate_unassigned":
        EngagementFactory(org_id=creditor.org_id, advocate_id=user.id)
    auth.login_as(user)
    url = f"/cases/{case.reference}/evidence{tail}"
    if method == "post":
        page = client.get("/dashboard", follow_redirects=True)
        resp = client.post(url, data={"csrf_token": csrf_from(page), "kind": "other",
                                      "file": (io.BytesIO(PDF), "x.pdf")}, content_type="multipart/form-data")
    else:
        resp = client.get(url)
        resp.close()
    assert resp.status_code == expected
