"""Evidence: immutable, hashed documents of a case, their downloads, and the case bundle.

Other packages import only the names below. A package whose signed records cite documents either calls
`freeze` when it signs, or appends a check to `CITATION_CHECKS`; `cited_by_signed_notice` consults both.
"""
from flask import Flask

from evidence import permissions  # noqa: F401  (registers the package's actions with the policy)
from evidence.bundle import build_bundle
from evidence.certificate import CertificateIncomplete, PartA, part_a, system_description
from evidence.hooks import bundle_language
from evidence.models import KIND_WORDS, Audience, Document, DocumentKind, DownloadLog
from evidence.services import (
    CITATION_CHECKS,
    add_document,
    cited_by_signed_notice,
    documents_for,
    documents_page,
    find_document,
    freeze,
    record_download,
    store,
    store_pdf,
    withdraw,
)
from evidence.uploads import UploadRefused

__all__ = ["Audience", "CITATION_CHECKS", "CertificateIncomplete", "Document", "DocumentKind", "DownloadLog",
           "KIND_WORDS", "PartA", "UploadRefused", "add_document", "build_bundle", "bundle_language",
           "cited_by_signed_notice", "documents_for", "documents_page", "find_document", "freeze",
           "init_evidence", "part_a",
           "record_download", "store", "store_pdf", "system_description", "withdraw"]


def init_evidence(app: Flask) -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from evidence.checkpoints import verify_checkpoints
    from evidence.tasks import on_recorded
    from evidence.views import bp
    from portal import audit, audit_check
    from portal.web import uploads as web_uploads

    # A served award or notice seals the ledger's head after its commit; `flask audit verify` and
    # the nightly check compare the ledger with every sealed checkpoint (evidence/checkpoints.py).
    audit.recorded.connect(on_recorded, weak=False)
    if verify_checkpoints not in audit_check.WITNESSES:
        audit_check.WITNESSES.append(verify_checkpoints)
    app.register_blueprint(bp)
    # Every uploaded file part is written straight into the store's staging folder, so that an
    # evidence upload becomes a blob by a link, not a copy (portal/web/uploads.py).
    app.extensions[web_uploads.STAGING] = lambda: store().staging_dir()
