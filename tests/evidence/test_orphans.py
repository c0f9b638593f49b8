"""Nothing is left behind by a refused request (issue 18, item 3): a blob stored by a request that
then fails is removed with its rollback, and a sweep removes any uncited blob that escaped."""
from __future__ import annotations

import io
import os
import time
from datetime import timedelta

from evidence import orphans
from evidence.models import DocumentKind
from evidence.services import add_document, store, store_pdf
from portal.database import rollback
from tests.evidence.test_uploads import stored_state
from tests.pdfs import minimal_pdf


def test_a_nul_in_a_text_field_after_the_file_was_streamed_leaves_no_blob(client, setup, db_session, app):
    _, case = setup
    before = stored_state(db_session, app)
    page = client.get(f"/cases/{case.reference}/evidence")
    from tests.conftest import csrf_from

    resp = client.post(f"/cases/{case.reference}/evidence", content_type="multipart/form-data", data={
        "csrf_token": csrf_from(page), "kind": "invoice", "description": "bad\x00text",
        "file": (io.BytesIO(minimal_pdf("nul test")), "invoice.pdf")})
    assert resp.status_code == 400
    assert stored_state(db_session, app) == before


def test_an_expired_form_stores_nothing(client, setup, db_session, app):
    _, case = setup
    before = stored_state(db_session, app)
    resp = client.post(f"/cases/{case.reference}/evidence", content_type="multipart/form-data", data={
        "csrf_token": "expired", "kind": "invoice", "description": "x",
        "file": (io.BytesIO(minimal_pdf("expired form")), "invoice.pdf")})
    assert resp.status_code == 400
    assert stored_state(db_session, app) == before


def test_a_rolled_back_use_case_removes_only_the_blob_it_created(setup, db_session, app):
    creditor, case = setup
    with app.test_request_context():
        kept = add_document(creditor, case, io.BytesIO(minimal_pdf("kept")), "kept.pdf", DocumentKind.INVOICE)
        db_session.commit()  # the test's savepoint: this one is committed
        existing = add_document(creditor, case, io.BytesIO(minimal_pdf("kept")), "again.pdf",
                                DocumentKind.INVOICE)  # same content: not created by this call
        fresh = store_pdf(minimal_pdf("a generated receipt"))
        new = add_document(creditor, case, io.BytesIO(minimal_pdf("new")), "new.pdf", DocumentKind.INVOICE)
        rollback()
    assert store().exists(kept.sha256) and existing.sha256 == kept.sha256
    assert not store().exists(fresh)
    assert not store().exists(new.sha256)


def test_the_sweep_removes_old_uncited_blobs_only(setup, db_session, app):
    creditor, case = setup
    with app.test_request_context():
        doc = add_document(creditor, case, io.BytesIO(minimal_pdf("cited")), "c.pdf", DocumentKind.INVOICE)
        db_session.commit()
        young = store_pdf(minimal_pdf("young orphan"))
        old = store_pdf(minimal_pdf("old orphan"))
        db_session.commit()
    root = app.config["EVIDENCE_STORE"][3:]
    from evidence.storage import key_for

    past = time.time() - 7 * 3600
    for sha in (old, doc.sha256):
        os.utime(os.path.join(root, key_for(sha)), (past, past))
    # The citing row is committed only in the test's outer transaction, so the sweep reads on the
    # test's connection (in production it reads on a connection of its own).
    conn = db_session.connection()
    assert orphans.cited([doc.sha256, old, young], conn) == {doc.sha256}
    removed = orphans.sweep(store(), grace=timedelta(hours=6), conn=conn)
    assert not store().exists(old)
    assert store().exists(young) and store().exists(doc.sha256)
    assert removed >= 1
