"""Ledger checkpoints: the audit ledger's global head, sealed with the platform's key and kept outside
the database, so a ledger rewritten by someone with database access (every later hash and the heads
recomputed) no longer ends where a checkpoint says it did.

A checkpoint is a JSON document: the statement {seq, hash, sealed_at, reason} and a detached CMS
signature over the statement's canonical bytes, made with the platform's seal key (portal.seal) and
carrying an RFC 3161 timestamp when SIGNING_TSA_URL is configured. The document sits in the
evidence store under its SHA-256; `audit_checkpoints` indexes it. Checkpoints are taken each day
(beat), and after the commit of each served award and each served notice; never inside the ledger's
own transaction. The daily one is e-mailed to each creditor organisation's administrators.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import os
import tempfile
from datetime import datetime
from pathlib import Path

from asn1crypto import cms
from flask import current_app, render_template
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from evidence import orphans
from evidence.services import store
from portal.accounts import Role, User
from portal.adapters import MailMessage, SigningError, TsaSettings, load_signer, queue_mail, timestamper_for
from portal.audit import GLOBAL_CHAIN, AuditEvent, AuditHead, canonical_json
from portal.extensions import db
from portal.seal import SealError, seal_key
from portal.types import IST, UTCDateTime, utcnow

log = logging.getLogger(__name__)

FORMAT = "sulah.audit-checkpoint/1"
# Recorded events after whose commit the head is sealed: an award served, a notice served.
SEALED_AFTER = {"award.served": "award served", "case.serve_notice": "notice served"}
DAILY = "daily"


class AuditCheckpoint(db.Model):
    """The index of a sealed checkpoint; the document itself is in the evidence store."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    hash: Mapped[str] = mapped_column(String(64))
    # Ends in sha256: the evidence orphan sweep counts it as a citation and keeps the document.
    document_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    reason: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- sealing ------------------------------------------------------------------------------------

def statement_bytes(statement: dict) -> bytes:
    return canonical_json(statement).encode()


def _sign(data: bytes) -> bytes:
    """A detached CMS over `data` with the platform's seal key (timestamped where a TSA is set)."""
    try:
        signer, _demo = load_signer(*seal_key())
    except SigningError as exc:
        raise SealError(str(exc)) from exc
    tsa = TsaSettings.from_config(current_app.config)
    signed = asyncio.run(signer.async_sign_general_data(
        data, "sha256", detached=True, timestamper=timestamper_for(tsa) if tsa else None))
    return signed.dump()


def store_document(document: bytes) -> str:
    """Write the document to the evidence store (write-once, by content); returns its SHA-256."""
    sha = hashlib.sha256(document).hexdigest()
    fd, tmp = tempfile.mkstemp(dir=store().staging_dir(), suffix=".json")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(document)
        created = store().put(Path(tmp), sha)
    finally:
        Path(tmp).unlink(missing_ok=True)
    orphans.forget_if_refused(store(), sha, bool(created))
    return sha


def seal_head(reason: str) -> AuditCheckpoint | None:
    """Seal the committed global head now; None while the ledger is empty, and None after a served
    notice or award when the head is already sealed (a burst of serving in one transaction queues
    one checkpoint; another transaction that added nothing would seal the same head, in the same
    second the same document). The daily checkpoint is sealed whatever. Flushes, never commits."""
    head = db.session.get(AuditHead, GLOBAL_CHAIN, populate_existing=True)
    if head is None or head.seq == 0:
        return None
    if reason != DAILY and db.session.scalar(
            select(AuditCheckpoint.id).where(AuditCheckpoint.seq == head.seq,
                                             AuditCheckpoint.hash == head.hash).limit(1)) is not None:
        return None
    sealed_at = utcnow()
    statement = {"format": FORMAT, "seq": head.seq, "hash": head.hash,
                 "sealed_at": sealed_at.isoformat(timespec="seconds"), "reason": reason}
    signature = _sign(statement_bytes(statement))
    document = json.dumps({"statement": statement, "cms": base64.b64encode(signature).decode()},
                          indent=1, sort_keys=True).encode()
    checkpoint = AuditCheckpoint(seq=head.seq, hash=head.hash, document_sha256=store_document(document),
                                 reason=reason, created_at=sealed_at)
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint


def mail_head(checkpoint: AuditCheckpoint) -> int:
    """Queue the checkpoint's head hash to each active creditor organisation administrator."""
    admins = db.session.scalars(select(User).where(
        User.role == Role.CREDITOR, User.is_org_admin.is_(True), User.active.is_(True),
        User.org_id.is_not(None)).order_by(User.id))
    count = 0
    for admin in admins:
        sealed_at = checkpoint.created_at.astimezone(IST).strftime("%d %b %Y, %H:%M IST")
        text = render_template("email/ledger_checkpoint.txt", checkpoint=checkpoint, user=admin,
                               sealed_at=sealed_at)
        queue_mail(MailMessage(to=[admin.email], subject=f"Sulah ledger checkpoint #{checkpoint.seq}",
                                text=text))
        count += 1
    return count


# --- checking -----------------------------------------------------------------------------------

def _seal_certificate() -> bytes:
    signer, _demo = load_signer(*seal_key())
    return signer.signing_cert.dump()


def _signature_problem(data: bytes, signature: bytes, seal_cert: bytes) -> str | None:
    try:
        signed_data = cms.ContentInfo.load(signature)["content"]
        roots = [c.chosen for c in signed_data["certificates"]] if signed_data["certificates"] else []
        status = asyncio.run(async_validate_detached_cms(
            data, signed_data, signer_validation_context=ValidationContext(trust_roots=roots)))
    except Exception as exc:  # noqa: BLE001 — a damaged signature is a finding, not a crash
        return f"its signature cannot be read ({exc.__class__.__name__})"
    if not (status.intact and status.valid):
        return "its signature does not verify: the statement was changed after it was sealed"
    if status.signing_cert.dump() != seal_cert:
        return "it is not signed with the platform's seal key"
    return None


def check(session: Session, row: AuditCheckpoint, seal_cert: bytes) -> str | None:
    """What is wrong with one checkpoint, or None: the document is where the index says, its seal
    verifies, and the ledger still has the sealed hash at the sealed sequence number."""
    where = f"checkpoint #{row.id} ({row.reason}, event #{row.seq})"
    try:
        with store().open(row.document_sha256) as fh:
            document = fh.read()
    except (OSError, ValueError):
        return f"{where}: its document {row.document_sha256} is missing from the evidence store"
    if hashlib.sha256(document).hexdigest() != row.document_sha256:
        return f"{where}: its document in the evidence store was altered"
    try:
        parsed = json.loads(document)
        statement, signature = parsed["statement"], base64.b64decode(parsed["cms"], validate=True)
        seq, sealed_hash = int(statement["seq"]), str(statement["hash"])
        signed = statement_bytes(statement)
    except (ValueError, KeyError, TypeError):
        return f"{where}: its document is not a checkpoint"
    problem = _signature_problem(signed, signature, seal_cert)
    if problem:
        return f"{where}: {problem}"
    if (seq, sealed_hash) != (row.seq, row.hash):
        return f"{where}: its index row was edited (the sealed statement says event #{seq})"
    stored = session.execute(select(AuditEvent.hash).where(AuditEvent.seq == seq)
                                .execution_options(populate_existing=True)).scalar_one_or_none()
    if stored is None:
        return f"{where}: the ledger no longer has event #{seq} (events were removed)"
    if stored != sealed_hash:
        return (f"{where}: event #{seq} no longer has the sealed hash {sealed_hash[:16]}…: "
                "the ledger was rewritten after this checkpoint")
    return None


def verify_checkpoints(session: Session) -> tuple[int, list[str]]:
    """The ledger's witness (portal.audit_check.WITNESSES): check every checkpoint against the
    evidence store, the seal and the ledger; (how many were checked, what is wrong)."""
    rows = list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq, AuditCheckpoint.id)
                                .execution_options(populate_existing=True)))
    if not rows:
        return 0, []
    try:
        seal_cert = _seal_certificate()
    except (SealError, SigningError) as exc:
        return len(rows), [f"the {len(rows)} checkpoint(s) cannot be checked: {exc}"]
    return len(rows), [problem for row in rows if (problem := check(session, row, seal_cert))]
