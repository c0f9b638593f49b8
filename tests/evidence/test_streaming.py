"""Uploads read from disk end to end: the request body never sits in Python's memory, a file over the
evidence cap or over the request cap is refused with a clear message, and nothing is kept."""
import hashlib
import io
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import func, select

from evidence.models import Document
from evidence.storage import FilesystemStorage
from evidence.uploads import CHUNK, UploadRefused, ingest
from portal.audit import AuditEvent
from portal.cases.states import CaseStatus
from tests.conftest import csrf_from
from tests.evidence.builders import PDF, post_file_body, write_multipart
from tests.factories import CaseFactory, CreditorFactory

MB = 1024 * 1024


@pytest.fixture
def filed_case(db_session, auth, client):
    creditor = CreditorFactory()
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED)
    auth.login_as(creditor)
    return case


def kept(db_session, app) -> tuple:
    """Everything an upload could leave behind: rows, ledger events, blobs, staged parts."""
    root = Path(app.config["EVIDENCE_STORE"].removeprefix("fs:"))
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return (db_session.scalar(select(func.count(Document.id))),
            db_session.scalar(select(func.count(AuditEvent.id))), files)


def form_fields(client, case) -> dict:
    page = client.get(f"/cases/{case.reference}/evidence")
    return {"csrf_token": csrf_from(page), "kind": "ledger", "description": "Ledger export"}


def test_a_20_mb_upload_is_streamed_not_held_in_memory(client, filed_case, db_session, app, tmp_path):
    size = 20 * MB
    body = tmp_path / "body"
    ctype = write_multipart(body, form_fields(client, filed_case), "ledger-2025.pdf", PDF, size - len(PDF))
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        resp = post_file_body(client, f"/cases/{filed_case.reference}/evidence", body, ctype)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    doc = db_session.scalar(select(Document).where(Document.case_id == filed_case.id))
    assert doc.size == size
    expected = hashlib.sha256(PDF)
    block = b"0" * MB
    left = size - len(PDF)
    while left:
        expected.update(block[:min(left, MB)])
        left -= min(left, MB)
    assert doc.sha256 == expected.hexdigest()
    assert peak < 3 * MB, f"peak {peak / MB:.1f} MiB of Python memory for a 20 MiB upload"


def test_a_30_mb_upload_is_refused_with_a_clear_message_and_nothing_kept(client, filed_case, db_session,
                                                                         app, tmp_path):
    before = kept(db_session, app)
    body = tmp_path / "body"
    ctype = write_multipart(body, form_fields(client, filed_case), "scan.pdf", PDF, 30 * MB - len(PDF))
    resp = post_file_body(client, f"/cases/{filed_case.reference}/evidence", body, ctype)
    assert resp.status_code == 413
    text = resp.get_data(as_text=True)
    assert "larger than 25 MB" in text and "Traceback" not in text
    assert kept(db_session, app) == before


def test_one_byte_over_the_evidence_cap_is_refused_while_streaming(client, filed_case, db_session, app,
                                                                   tmp_path):
    before = kept(db_session, app)
    cap = app.config["EVIDENCE_MAX_BYTES"]
    body = tmp_path / "body"
    ctype = write_multipart(body, form_fields(client, filed_case), "scan.pdf", PDF, cap + 1 - len(PDF))
    resp = post_file_body(client, f"/cases/{filed_case.reference}/evidence", body, ctype)
    assert resp.status_code == 422
    assert "larger than 25 MB" in resp.get_data(as_text=True)
    assert kept(db_session, app) == before


def test_exactly_the_cap_is_accepted(client, filed_case, db_session, app, tmp_path):
    cap = app.config["EVIDENCE_MAX_BYTES"]
    body = tmp_path / "body"
    ctype = write_multipart(body, form_fields(client, filed_case), "scan.pdf", PDF, cap - len(PDF))
    resp = post_file_body(client, f"/cases/{filed_case.reference}/evidence", body, ctype)
    assert resp.status_code == 302
    assert db_session.scalar(select(Document.size).where(Document.case_id == filed_case.id)) == cap


class EndlessUpload(io.RawIOBase):
    """A PDF that never ends, counting what the reader took from it."""

    def __init__(self):
        self.taken = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        chunk = (PDF + b"0" * len(buffer))[: len(buffer)] if self.taken == 0 else b"0" * len(buffer)
        buffer[: len(chunk)] = chunk
        self.taken += len(chunk)
        return len(chunk)


def test_ingest_stops_reading_as_soon_as_the_cap_is_passed(tmp_path):
    store = FilesystemStorage(tmp_path / "store")
    source = EndlessUpload()
    with pytest.raises(UploadRefused, match="larger than 1 MB"):
        ingest(source, "endless.pdf", store, 1 * MB)
    assert source.taken <= 1 * MB + CHUNK
    assert [p for p in (tmp_path / "store").rglob("*") if p.is_file()] == []  # partial file deleted


def test_ingest_reads_in_chunks(tmp_path):
    reads = []

    class Spy(io.BytesIO):
        def read(self, size=-1):
            reads.append(size)
            return super().read(size)

    got = ingest(Spy(PDF + b"0" * (3 * MB)), "x.pdf", FilesystemStorage(tmp_path / "s"), 25 * MB)
    assert got.size == len(PDF) + 3 * MB
    assert reads and all(0 < n <= CHUNK for n in reads)  # never read(-1), never the whole file
