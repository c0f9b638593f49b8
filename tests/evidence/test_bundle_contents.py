"""The case bundle as a court clerk would open it: the live documents only, readable names, hashes
that `sha256sum -c` accepts, a filled-in s.63 certificate, and no fetching driven by user text."""
import hashlib
import http.server
import io
import json
import subprocess
import threading
import zipfile

import pytest
from sqlalchemy import select

from evidence.models import Document
from portal.audit import AuditEvent
from portal.cases.states import CaseStatus
from tests.conftest import csrf_from
from tests.evidence.builders import PDF, docx_bytes
from tests.factories import CaseFactory, CreditorFactory, PartyFactory


@pytest.fixture
def hits():
    """A web server that records any request the PDF renderer makes to it."""
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port, seen
    server.shutdown()
    server.server_close()


def upload(client, case, data, name, kind="invoice", description=""):
    page = client.get(f"/cases/{case.reference}/evidence")
    resp = client.post(f"/cases/{case.reference}/evidence", content_type="multipart/form-data",
                       data={"csrf_token": csrf_from(page), "kind": kind, "description": description,
                             "file": (io.BytesIO(data), name)})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]


def withdraw(client, case, doc_id):
    page = client.get(f"/cases/{case.reference}/evidence")
    resp = client.post(f"/cases/{case.reference}/evidence/{doc_id}/withdraw",
                       data={"csrf_token": csrf_from(page), "reason": "Superseded by the signed copy"})
    assert resp.status_code == 302


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def bundle(client, auth, db_session, tmp_path, hits):
    port, _ = hits
    creditor = CreditorFactory(organization__legal_name="Kaveri Looms Pvt Ltd",
                               organization__address="14 Textile Park, Erode 638001")
    debtor = PartyFactory(legal_name=f'Trap Traders <img src="http://127.0.0.1:{port}/party">',
                          created_by_org_id=creditor.org_id)
    case = CaseFactory(creditor=creditor.organization, debtor=debtor, _status=CaseStatus.FILED)
    auth.login_as(creditor)
    hostile = (f'<img src="http://127.0.0.1:{port}/x"><link rel="stylesheet" href="http://127.0.0.1:{port}/c">'
               '<img src="file:///etc/passwd"> see file:///etc/passwd')
    upload(client, case, PDF, "invoice.pdf", description=hostile)
    upload(client, case, PDF + b"% copy 2", "invoice.pdf", description="Same name, second scan")
    upload(client, case, docx_bytes(), "आपूर्ति आदेश.docx", kind="purchase_order")
    upload(client, case, b"wrong,file\n1,2\n", "mistake.csv", kind="ledger")
    docs = db_session.scalars(select(Document).where(Document.case_id == case.id).order_by(Document.id)).all()
    withdraw(client, case, docs[-1].id)
    resp = client.get(f"/cases/{case.reference}/evidence/bundle.zip")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    assert "attachment" in resp.headers["Content-Disposition"]
    data = resp.data
    resp.close()
    out = tmp_path / "bundle"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        zf.extractall(out)
    return {"case": case, "docs": docs, "names": names, "dir": out, "zip": data}


def test_bundle_holds_live_documents_under_readable_names(bundle):
    live, withdrawn = bundle["docs"][:3], bundle["docs"][3]
    docs_in_zip = [n for n in bundle["names"] if n.startswith("documents/")]
    assert len(docs_in_zip) == 3 and len(set(docs_in_zip)) == 3  # the two invoice.pdf do not collide
    assert any("आपूर्ति आदेश.docx" in n for n in docs_in_zip)
    inside = {hashlib.sha256((bundle["dir"] / n).read_bytes()).hexdigest() for n in docs_in_zip}
    assert inside == {d.sha256 for d in live}
    assert withdrawn.sha256 not in (bundle["dir"] / "hashes.sha256").read_text()


def test_hashes_file_checks_out_with_sha256sum(bundle):
    listed = (bundle["dir"] / "hashes.sha256").read_text().splitlines()
    check = subprocess.run(["sha256sum", "--strict", "-c", "hashes.sha256"], cwd=bundle["dir"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(listed) == 5  # three documents, index, certificate
    for line in listed:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((bundle["dir"] / name).read_bytes()).hexdigest() == digest


def test_index_lists_every_file_with_hash_size_and_ist_time(bundle):
    text = pdf_text(bundle["dir"] / "index.pdf")
    flat = text.replace("\n", "").replace(" ", "")
    for doc in bundle["docs"][:3]:
        assert doc.sha256 in flat and str(doc.size) in text
    assert "IST" in text and bundle["case"].reference in text


def test_certificate_is_part_a_prefilled_and_ready_to_sign(bundle):
    text = pdf_text(bundle["dir"] / "certificate-s63.pdf")
    flat = " ".join(text.split())
    assert "Bharatiya Sakshya Adhiniyam" in flat and "Part A" in flat
    assert "Kaveri Looms Pvt Ltd" in flat and "14 Textile Park, Erode 638001" in flat
    assert "Sulah platform" in flat and "SHA-256" in flat
    assert "lawful control" in flat and "operating properly" in flat and "regularly" in flat
    assert "Time (IST)" in flat and "Place" in flat and "Signature" in flat
    nospace = text.replace("\n", "").replace(" ", "")
    for doc in bundle["docs"][:3]:
        assert doc.sha256 in nospace


def test_user_text_is_printed_never_fetched(bundle, hits):
    _, seen = hits
    assert seen == []
    text = " ".join(pdf_text(bundle["dir"] / "index.pdf").split())
    assert "file:///etc/passwd" in text  # shown as the text it is
    assert "root:x:0:0" not in text
    cert = " ".join(pdf_text(bundle["dir"] / "certificate-s63.pdf").split())
    assert "root:x:0:0" not in cert and 'Trap Traders <img src="http' in cert


def test_export_is_on_the_ledger_with_the_zip_hash(bundle, db_session):
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.case_id == bundle["case"].id,
                                                       AuditEvent.action == "evidence.bundle_exported"))
    payload = json.loads(event.payload)
    assert payload["zip_sha256"] == hashlib.sha256(bundle["zip"]).hexdigest()
