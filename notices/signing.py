"""Signing an approved notice: render the approved text, sign it with the advocate's DSC, store the
signed PDF immutably, and move the case to notice_signed with the PDF's hash in the ledger."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from evidence.services import documents_for, freeze, store
from notices.drafting import render_notice_pdf
from notices.models import Notice, NoticeStatus
from portal import audit
from portal.accounts.models import User
from portal.adapters.esign.base import Signer, SigningError, SigningProvider, SigningStatus, SignRequest
from portal.adapters.esign.pades import PadesProvider
from portal.cases.states import DomainError
from portal.cases.transitions import fire
from portal.types import utcnow


def advocate_key_material(advocate: User):
    profile = advocate.advocate_profile
    if profile is None or profile.signing_pkcs12 is None:
        raise DomainError("Upload your digital signature certificate (PKCS#12) before signing.")
    return lambda signer: (profile.signing_pkcs12, (profile.signing_passphrase or "").encode())


def store_pdf(pdf: bytes) -> str:
    sha = hashlib.sha256(pdf).hexdigest()
    fd, tmp = tempfile.mkstemp(dir=store().staging_dir(), suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(pdf)
        store().put(Path(tmp), sha)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return sha


def sign_notice(actor: User, notice: Notice, provider: SigningProvider | None = None) -> str:
    """Sign now with the advocate's DSC (default PAdES provider); returns the signed PDF's SHA-256."""
    if notice.status != NoticeStatus.APPROVED:
        raise DomainError("Only an approved notice can be signed.")
    if notice.case.advocate_id != actor.id:
        raise DomainError("Only the advocate assigned to the case can sign its notice.")
    provider = provider or PadesProvider(advocate_key_material(actor))
    profile = actor.advocate_profile
    capacity = (f"Advocate, {profile.bar_council_state} ({profile.enrolment_number})"
                if profile else "Advocate")
    request = SignRequest(document_id=f"notice-{notice.id}-v{notice.current.version}",
                          pdf=render_notice_pdf(notice.current.body_html),
                          signer=Signer(actor.name, actor.email, actor.id, capacity),
                          reason=f"Legal notice {notice.case.reference} issued on the "
                                 "creditor's instructions")
    try:
        result = provider.sign(request)
    except SigningError as exc:
        raise DomainError(str(exc)) from exc
    if result.status != SigningStatus.SIGNED or not result.signed_pdf:
        raise DomainError("The signature was not completed.")
    sha = store_pdf(result.signed_pdf)
    notice.status, notice.signed_at, notice.signed_pdf_sha256 = NoticeStatus.SIGNED, utcnow(), sha
    fire(notice.case, "sign_notice", actor, payload={"notice_id": notice.id, "sha256": sha,
                                                     "provider": provider.name})
    freeze(notice.case, documents_for(notice.case, include_withdrawn=False))
    audit.record("notice.signed", actor=actor, case=notice.case, payload={
        "notice_id": notice.id, "version": notice.current.version, "sha256": sha,
        "provider": provider.name, "detail": result.detail})
    return sha


def install_certificate(advocate: User, pkcs12: bytes, passphrase: str) -> str:
    """Check the PKCS#12 opens and is in date, then keep it (encrypted) on the advocate's profile."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    from portal.adapters.esign.pades import load_signer

    if not pkcs12 or len(pkcs12) > 64 * 1024:
        raise DomainError("That is not a PKCS#12 certificate file (it is empty or too large).")
    try:
        signer, demo = load_signer(pkcs12, passphrase.encode())
    except SigningError as exc:
        raise DomainError(str(exc)) from exc
    cert = x509.load_der_x509_certificate(signer.signing_cert.dump())
    subject = cert.subject.rfc4514_string()
    profile = advocate.advocate_profile
    if profile is None:
        raise DomainError("Complete your advocate profile first.")
    profile.signing_pkcs12, profile.signing_passphrase = pkcs12, passphrase
    audit.record("advocate.certificate_installed", actor=advocate, payload={
        "subject": subject, "sha256_fingerprint": cert.fingerprint(hashes.SHA256()).hex(),
        "demo": demo, "not_after": cert.not_valid_after_utc.isoformat()})
    return subject
