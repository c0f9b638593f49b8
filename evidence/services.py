"""Evidence use-cases: add a document, withdraw it (soft, audited), log a download."""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from evidence import orphans
from evidence.models import Audience, Document, DocumentKind, DownloadLog, Side
from evidence.storage import Storage, storage_from_config
from evidence.uploads import Ingested, ingest
from portal import audit
from portal.accounts import Role, User
from portal.cases import Case
from portal.errors import DomainError
from portal.extensions import db
from portal.paging import Page, PageArgs, keyset_page
from portal.types import utcnow


def store() -> Storage:
    ext = current_app.extensions
    if "evidence_store" not in ext:
        ext["evidence_store"] = storage_from_config(current_app.config["EVIDENCE_STORE"],
                                                    Path(current_app.config["INSTANCE_PATH"]))
    return ext["evidence_store"]


def store_pdf(pdf: bytes) -> str:
    """Keep a document Sulah made (a signed notice, a receipt, an agreement) in the store: write-once,
    by content, so storing it twice is a no-op. Returns its SHA-256. The bytes are written once,
    synced, into the store's staging folder and adopted from there (a second name on a filesystem,
    an upload to an object store), not written to staging and then copied (issue 22)."""
    sha = hashlib.sha256(pdf).hexdigest()
    fd, tmp = tempfile.mkstemp(dir=store().staging_dir(), suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(pdf)
            out.flush()
            os.fsync(out.fileno())
        created = store().adopt(Path(tmp), sha)
    finally:
        Path(tmp).unlink(missing_ok=True)
    orphans.forget_if_refused(store(), sha, bool(created))
    return sha


def side_of_actor(actor) -> Side:
    return {Role.DEBTOR: Side.DEBTOR, Role.NEUTRAL: Side.NEUTRAL}.get(Role(actor.role), Side.CREDITOR)


def add_document(actor: User, case: Case, stream: BinaryIO, filename: str, kind: DocumentKind,
                 description: str = "", *, audience: Audience = Audience.ALL) -> Document:
    """Stream an upload into the store and record it; raises UploadRefused with nothing kept.

    `actor` may be the debtor's LinkGuest (no user id); the document records the uploader's side.
    `audience`: everyone on the case, or one side only (with the neutral and the admin)."""
    got: Ingested = ingest(stream, filename, store(), current_app.config["EVIDENCE_MAX_BYTES"])
    orphans.forget_if_refused(store(), got.sha256, got.created)
    doc = Document(case_id=case.id, kind=kind, description=description.strip(),
                   original_filename=(filename or "")[:255], filename=got.filename,
                   content_type=got.kind.mime, size=got.size, sha256=got.sha256,
                   uploaded_by_id=actor.id, side=side_of_actor(actor), audience=audience)
    db.session.add(doc)
    db.session.flush()
    audit.record("evidence.uploaded", actor=actor, case=case, payload={
        "document_id": doc.id, "filename": doc.filename, "kind": kind.value, "sha256": doc.sha256,
        "size": doc.size, "content_type": doc.content_type, "side": doc.side.value,
        "audience": doc.audience.value})
    return doc


def audiences_for(viewer) -> tuple[Audience, ...] | None:
    """The audiences a viewer may see; None = every document (the neutral, the platform admin, the
    system). The creditor's side sees what is for all and for it; the debtor likewise."""
    if viewer is None:
        return None
    role = Role(viewer.role)
    if role == Role.DEBTOR:
        return (Audience.ALL, Audience.DEBTOR)
    if role in (Role.CREDITOR, Role.ADVOCATE):
        return (Audience.ALL, Audience.CREDITOR)
    return None


def _visible(stmt, viewer):
    audiences = audiences_for(viewer)
    return stmt if audiences is None else stmt.where(Document.audience.in_(audiences))


def documents_for(case: Case, *, include_withdrawn: bool = True, viewer=None) -> list[Document]:
    """The case's documents; with `viewer`, only those that viewer may see."""
    stmt = select(Document).where(Document.case_id == case.id).order_by(Document.uploaded_at)
    if not include_withdrawn:
        stmt = stmt.where(Document.withdrawn_at.is_(None))
    return list(db.session.scalars(_visible(stmt, viewer)))


def documents_page(case: Case, args: PageArgs, *, viewer=None) -> Page:
    """A page of the case's documents (those `viewer` may see), newest first, each with who uploaded
    it: one SQL statement, read from the index on (case_id, uploaded_at, id)."""
    stmt = _visible(select(Document).where(Document.case_id == case.id)
                    .options(joinedload(Document.uploaded_by)), viewer)
    return keyset_page(db.session, stmt, Document.uploaded_at, Document.id, tag="documents", args=args,
                       scalars=True)


def find_document(case: Case, document_id: int, *, viewer=None) -> Document | None:
    return db.session.scalar(_visible(select(Document).where(Document.case_id == case.id,
                                                             Document.id == document_id), viewer))


# Checks other packages add (the notices package: "a signed notice cites this document"). Each takes a
# Document and says whether a signed record relies on it; any True makes the document unwithdrawable.
CITATION_CHECKS: list[Callable[[Document], bool]] = []


def cited_by_signed_notice(doc: Document) -> bool:
    """Whether a signed notice relies on this document: frozen by `freeze`, or so a registered check says."""
    return doc.frozen_at is not None or any(check(doc) for check in CITATION_CHECKS)


def withdraw(actor: User, case: Case, doc: Document, reason: str) -> None:
    if doc.withdrawn_at is not None:
        raise DomainError("This document was already withdrawn.")
    if cited_by_signed_notice(doc):
        raise DomainError("A signed notice cites this document, so it cannot be withdrawn.")
    if len(reason.strip()) < 5:
        raise DomainError("Say briefly why the document is withdrawn.")
    doc.withdrawn_at, doc.withdrawn_by_id, doc.withdraw_reason = utcnow(), actor.id, reason.strip()
    audit.record("evidence.withdrawn", actor=actor, case=case, payload={
        "document_id": doc.id, "sha256": doc.sha256, "reason": doc.withdraw_reason})


def freeze(case: Case, documents: list[Document]) -> None:
    """Called when a signed notice cites these documents."""
    now = utcnow()
    for doc in documents:
        doc.frozen_at = doc.frozen_at or now


def record_download(actor: User, case: Case, doc: Document, ip: str, user_agent: str) -> None:
    db.session.add(DownloadLog(document_id=doc.id, user_id=actor.id, ip=ip[:45], user_agent=user_agent[:300]))
    audit.record("evidence.downloaded", actor=actor, case=case,
                 payload={"document_id": doc.id, "sha256": doc.sha256, "ip": ip[:45]})
