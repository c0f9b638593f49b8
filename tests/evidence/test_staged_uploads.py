"""An upload is written once (issue 22, item 5): the multipart parser streams the file part into a
hashing staging file in the store's own staging folder, and the store takes it by a link, not a
copy. Every way an upload can fail (type, active content, size, CSRF, role, a client that goes away
in the middle of the body) leaves no staging file, no blob and no row; a second upload of the same
content keeps the first one's blob."""
from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select

from evidence.models import Document
from evidence.storage import FilesystemStorage
from portal.audit import AuditEvent
from portal.cases.states import CaseStatus
from portal.web.uploads import StagingFile
from tests.conftest import csrf_from
from tests.evidence.builders import PDF, write_multipart
from tests.evidence.test_uploads import test_client_spool, upload  # noqa: F401  (a fixture)
from tests.factories import CaseFactory, CreditorFactory, DebtorUserFactory, PartyFactory
from tests.pdfs import minimal_pdf

MB = 1024 * 1024


def everything(db_session, app) -> tuple:
    """Rows, ledger events and every file under the store, the staging folder included."""
    root = Path(app.config["EVIDENCE_STORE"].removeprefix("fs:"))
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return (db_session.scalar(select(func.count(Document.id))),
            db_session.scalar(select(func.count(AuditEvent.id))), files)


@pytest.mark.usefixtures("test_client_spool")
def test_a_form_upload_is_linked_into_the_store_not_copied(client, setup, db_session, app, monkeypatch):
    _, case = setup
    written: list[int] = []
    real_write = StagingFile.write

    def counting_write(self, data):
        written.append(len(data))
        return real_write(self, data)

    def no_copy(*args):
        raise AssertionError("the store copied the staged file instead of linking it")

    monkeypatch.setattr(StagingFile, "write", counting_write)
    monkeypatch.setattr(FilesystemStorage, "put", no_copy)
    content = minimal_pdf("written once") + b"%" + b"0" * (3 * MB)
    resp = upload(client, case, content, "ledger.pdf")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:400]
    assert sum(written) == len(content)  # each byte written once, by the parser, into staging
    doc = db_session.scalar(select(Document).where(Document.case_id == case.id))
    blob = Path(app.config["EVIDENCE_STORE"][3:]) / doc.sha256[:2] / doc.sha256[2:4] / doc.sha256
    info = blob.stat()
    assert info.st_size == len(content) and info.st_nlink == 1  # the staging name is gone
    assert stat.S_IMODE(info.st_mode) == 0o444
    assert list((blob.parents[2] / ".staging").iterdir()) == []


@pytest.mark.parametrize("data,name,status", [
    (b"MZ\x90\x00" + b"\x00" * 200, "tool.pdf", 422),  # a program
    (b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n"
     b"trailer<</Root 1 0 R>>\n%%EOF\n", "action.pdf", 422),  # active content
    (b"", "empty.pdf", 422),
    (PDF, "../../escape.pdf", 422),
    (PDF + b"0" * (26 * MB), "huge.pdf", 422),  # over the 25 MB evidence cap
])
@pytest.mark.usefixtures("test_client_spool")
def test_a_refused_upload_leaves_no_staging_file(client, setup, db_session, app, data, name, status):
    _, case = setup
    before = everything(db_session, app)
    resp = upload(client, case, data, name)
    assert resp.status_code == status, resp.get_data(as_text=True)[:400]
    assert everything(db_session, app) == before


def test_a_body_over_the_request_cap_is_a_413_with_nothing_kept(client, setup, db_session, app, tmp_path):
    _, case = setup
    before = everything(db_session, app)
    page = client.get(f"/cases/{case.reference}/evidence")
    body = tmp_path / "body"
    ctype = write_multipart(body, {"csrf_token": csrf_from(page), "kind": "ledger"}, "scan.pdf", PDF, 31 * MB)
    with open(body, "rb") as stream:  # no Content-Length: the cap is met while reading (a chunked body)
        resp = client.post(f"/cases/{case.reference}/evidence", input_stream=stream, content_type=ctype,
                           environ_overrides={"wsgi.input_terminated": True})
    assert resp.status_code == 413
    assert "larger than 25 MB" in resp.get_data(as_text=True)
    assert everything(db_session, app) == before


def test_an_expired_form_or_the_wrong_role_leaves_no_staging_file(client, auth, db_session, app):
    creditor = CreditorFactory()
    debtor = DebtorUserFactory()
    party = PartyFactory(created_by_org_id=creditor.org_id, user_id=debtor.id)
    case = CaseFactory(creditor=creditor.organization, debtor=party, _status=CaseStatus.NOTICE_SERVED)
    before = everything(db_session, app)
    auth.login_as(creditor)
    expired = client.post(f"/cases/{case.reference}/evidence", content_type="multipart/form-data", data={
        "csrf_token": "expired", "kind": "invoice", "file": (io.BytesIO(PDF), "a.pdf")})
    assert expired.status_code == 400
    auth.login_as(debtor)  # may see the served case's evidence, may not upload on the creditor's page
    page = client.get("/dashboard", follow_redirects=True)
    refused = client.post(f"/cases/{case.reference}/evidence", content_type="multipart/form-data", data={
        "csrf_token": csrf_from(page), "kind": "other", "file": (io.BytesIO(PDF), "a.pdf")})
    assert refused.status_code == 403
    assert everything(db_session, app) == before


class CutOff(io.BytesIO):
    """A request body whose client goes away: the Content-Length (which the test client takes from
    the stream's end) promises `promised` bytes, the stream ends after the first `keep`."""

    def __init__(self, path: Path, keep: int) -> None:
        self.promised = path.stat().st_size
        with open(path, "rb") as fh:
            super().__init__(fh.read(keep))
        self._at_end = False

    def seek(self, pos: int, whence: int = os.SEEK_SET) -> int:
        self._at_end = whence == os.SEEK_END
        return self.promised if self._at_end else super().seek(pos, whence)

    def tell(self) -> int:
        return self.promised if self._at_end else super().tell()


@pytest.fixture
def staged_count(monkeypatch) -> list[int]:
    """How many staging files were opened (so a test knows the cut came inside the file part)."""
    opened = [0]
    real_init = StagingFile.__init__

    def counting_init(self, folder):
        opened[0] += 1
        real_init(self, folder)

    monkeypatch.setattr(StagingFile, "__init__", counting_init)
    return opened


def test_a_client_that_goes_away_mid_body_leaves_nothing(client, setup, db_session, app, tmp_path,
                                                          staged_count):
    _, case = setup
    before = everything(db_session, app)
    page = client.get(f"/cases/{case.reference}/evidence")
    body = tmp_path / "body"
    ctype = write_multipart(body, {"csrf_token": csrf_from(page), "kind": "ledger"}, "scan.pdf", PDF, 4 * MB)
    with CutOff(body, 2 * MB) as stream:
        resp = client.post(f"/cases/{case.reference}/evidence", input_stream=stream,
                           content_type=ctype)
    assert resp.status_code == 400
    assert staged_count[0] == 1  # the file part had begun: its staging file was removed
    assert everything(db_session, app) == before


def test_the_same_content_twice_keeps_one_blob_and_the_first_document(client, setup, db_session, app):
    _, case = setup
    content = minimal_pdf("twice")
    assert upload(client, case, content, "first.pdf").status_code == 302
    after_first = everything(db_session, app)
    assert upload(client, case, content, "second.pdf").status_code == 302
    rows, _events, files = everything(db_session, app)
    assert rows == after_first[0] + 1 and files == after_first[2]  # a second row, the same single blob


def test_the_api_leaves_nothing_when_the_client_goes_away(client, db_session, app, tmp_path, staged_count):
    from tests.api_v1.test_v1 import bearer
    from tests.test_authorization_matrix import World

    w = World()
    case = w.case()
    before = everything(db_session, app)
    headers = bearer(w.creditor_admin, "read", "evidence")
    body = tmp_path / "raw"
    body.write_bytes(PDF + b"0" * (3 * MB))
    with CutOff(body, MB + 17) as stream:
        resp = client.post(f"/api/v1/cases/{case.reference}/evidence?kind=ledger&filename=l.pdf",
                           input_stream=stream, content_type="application/octet-stream", headers=headers)
    assert resp.status_code == 400 and staged_count[0] == 1
    page = (tmp_path / "multipart")
    ctype = write_multipart(page, {"kind": "ledger"}, "l.pdf", PDF, 3 * MB)
    with CutOff(page, 2 * MB) as stream:
        resp = client.post(f"/api/v1/cases/{case.reference}/evidence", input_stream=stream,
                           content_type=ctype, headers=headers)
    assert resp.status_code in (400, 422) and staged_count[0] == 2
    assert everything(db_session, app)[0::2] == before[0::2]  # no row, no file (the API logs its own 400s)


def test_an_api_multipart_upload_is_linked_into_the_store(client, db_session, app, tmp_path, monkeypatch):
    from tests.api_v1.test_v1 import bearer
    from tests.test_authorization_matrix import World

    monkeypatch.setattr(FilesystemStorage, "put", lambda *a: pytest.fail("copied, not linked"))
    w = World()
    case = w.case()
    headers = bearer(w.creditor_admin, "read", "evidence")
    body = tmp_path / "multipart"
    ctype = write_multipart(body, {"kind": "ledger"}, "ledger.pdf", PDF, 2 * MB)
    with open(body, "rb") as stream:
        resp = client.post(f"/api/v1/cases/{case.reference}/evidence", input_stream=stream,
                           content_length=body.stat().st_size, headers={**headers, "Content-Type": ctype})
    assert resp.status_code == 201, resp.json
    assert resp.json["size"] == len(PDF) + 2 * MB
    staging = Path(app.config["EVIDENCE_STORE"][3:]) / ".staging"
    assert os.listdir(staging) == []
