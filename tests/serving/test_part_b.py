"""Part B of the BSA s.63 certificate (issue 17.8): an expert's certificate requested, uploaded,
attached to the next version of the delivery proof with its hash."""
from __future__ import annotations

import io
import subprocess

import pytest
from sqlalchemy import select

from evidence.models import Document
from notices.serving import dispatch as dispatching
from notices.serving import part_b, proof
from notices.serving.models import ChannelKind
from notices.serving.states import ExpertCertificateStatus
from portal.database import commit
from portal.errors import DomainError
from portal.extensions import db
from portal.notifications.models import AttentionItem
from tests.conftest import csrf_from
from tests.pdfs import minimal_pdf
from tests.serving.helpers import signed_notice


@pytest.fixture
def proven(db_session, outbox):
    creditor, _adv, case, notice = signed_notice(mobile=None)
    dispatching.serve(creditor, notice, {ChannelKind.EMAIL})
    commit()  # the dispatch goes out; the proof's first versions are issued after the commit
    assert proof.latest(notice.id) is not None
    return creditor, case, notice


def open_kinds(case) -> set[str]:
    return set(db.session.scalars(select(AttentionItem.kind).where(
        AttentionItem.case_id == case.id, AttentionItem.resolved_at.is_(None))))


def test_requested_uploaded_attached_and_named_in_the_next_version(proven, tmp_path):
    creditor, case, notice = proven
    version = proof.latest(notice.id).version
    asked = part_b.request(creditor, notice, "Dr. Asha Rao", "Examiner of Electronic Evidence (s.79A)")
    assert asked.status == ExpertCertificateStatus.REQUESTED and asked.proof_version == version
    assert "part_b_upload" in open_kinds(case)
    with pytest.raises(DomainError, match="already requested"):
        part_b.request(creditor, notice, "Someone Else")
    part_b.attach(creditor, asked, io.BytesIO(minimal_pdf("Part B signed by the expert")), "part-b.pdf")
    commit()  # the next proof version is built after the commit
    doc = db.session.get(Document, asked.document_id)
    assert asked.status == ExpertCertificateStatus.ATTACHED and asked.sha256 == doc.sha256
    assert "part_b_upload" not in open_kinds(case)
    latest = proof.latest(notice.id)
    assert latest.version == version + 1
    path = tmp_path / "proof.pdf"
    path.write_bytes(proof.render(notice, latest.version))
    words = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                    check=True).stdout.split())
    assert "Part B — the expert's certificate" in words and "Dr. Asha Rao" in words
    assert doc.sha256[:16] in words.replace(" ", "")
    with pytest.raises(DomainError, match="already attached"):
        part_b.attach(creditor, asked, io.BytesIO(b"again"), "again.pdf")


def test_no_request_before_a_proof_exists(db_session):
    creditor, _adv, _case, notice = signed_notice(mobile=None)
    with pytest.raises(DomainError, match="no delivery-proof certificate yet"):
        part_b.request(creditor, notice, "Dr. Asha Rao")


def test_the_delivery_page_asks_and_attaches(client, auth, proven):
    creditor, _case, notice = proven
    auth.login_as(creditor)
    page = client.get(f"/notices/{notice.id}/delivery")
    assert "Ask an expert for Part B" in page.get_data(as_text=True)
    blank = client.post(f"/notices/{notice.id}/expert-certificates",
                        data={"csrf_token": csrf_from(page), "expert_name": ""})
    assert blank.status_code == 422 and "Name the expert" in blank.get_data(as_text=True)
    assert part_b.for_notice(notice) == []
    done = client.post(f"/notices/{notice.id}/expert-certificates",
                       data={"csrf_token": csrf_from(page), "expert_name": "Dr. Asha Rao"})
    assert done.status_code == 302
    (asked,) = part_b.for_notice(notice)
    page = client.get(f"/notices/{notice.id}/delivery")
    no_file = client.post(f"/expert-certificates/{asked.id}", data={"csrf_token": csrf_from(page)})
    assert no_file.status_code == 422 and "Choose a file" in no_file.get_data(as_text=True)
    attached = client.post(f"/expert-certificates/{asked.id}", content_type="multipart/form-data", data={
        "csrf_token": csrf_from(page), "file": (io.BytesIO(minimal_pdf("signed Part B")), "part-b.pdf")})
    assert attached.status_code == 302
    db.session.refresh(asked)
    assert asked.status == ExpertCertificateStatus.ATTACHED
    assert client.post("/expert-certificates/999999", data={"csrf_token": csrf_from(page)}).status_code == 404
