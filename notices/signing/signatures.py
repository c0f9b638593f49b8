"""Signing an approved notice: render the approved text, have it signed (at once with the advocate's
DSC, or through a ceremony at Aadhaar eSign or DocuSign), store the signed PDF immutably, and move
the case to notice_signed with the PDF's hash in the ledger."""
from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from evidence import DocumentKind, add_document, documents_for, freeze, store_pdf
from notices.drafting.rendering import render_notice_pdf
from notices.models import DEMAND_KINDS, Notice
from notices.signing.ceremonies import abandon_pending
from notices.signing.models import SigningCeremony
from notices.signing.states import CEREMONY, ENDED, CeremonyStatus
from notices.states import NOTICE
from portal import audit, lifecycle
from portal.accounts import User
from portal.adapters import (
    PadesProvider,
    Signer,
    SigningError,
    SigningProvider,
    SigningResult,
    SigningStatus,
    SignRequest,
    load_signer,
)
from portal.cases import fire
from portal.errors import DomainError
from portal.types import utcnow


@dataclass
class Started:
    """What starting a signature gave: signed at once (`sha256`), or a ceremony to send the signer to."""

    result: SigningResult
    sha256: str | None = None
    ceremony: SigningCeremony | None = None


def advocate_key_material(advocate: User, pin: str | None = None):
    """The advocate's key: the token recorded on the profile (opened with `pin`), or the PKCS#12."""
    from notices.signing.token_keys import token_key, uses_token

    if uses_token(advocate):
        key = token_key(current_app.config, advocate, pin)
        return lambda signer: key
    profile = advocate.advocate_profile
    if profile is None or profile.signing_pkcs12 is None:
        raise DomainError("Upload your digital signature certificate (PKCS#12) before signing.")
    return lambda signer: (profile.signing_pkcs12, (profile.signing_passphrase or "").encode())




def sign_notice(actor: User, notice: Notice, provider: SigningProvider | None = None, *,
                pin: str | None = None) -> str:
    """Sign now with the advocate's DSC (default PAdES provider; `pin` opens a key on a token);
    returns the signed PDF's SHA-256."""

    require_signable(actor, notice)
    started = start_signing(actor, notice, provider or PadesProvider(advocate_key_material(actor, pin)),
                            return_url=lambda token: "")
    if started.sha256 is None:
        raise DomainError("The signature was not completed.")
    return started.sha256


def require_signable(actor: User, notice: Notice) -> None:
    if notice.status not in NOTICE.sources("signed"):
        raise DomainError("Only an approved notice can be signed.")
    if notice.case.advocate_id != actor.id:
        raise DomainError("Only the advocate assigned to the case can sign its notice.")


def start_signing(actor: User, notice: Notice, provider: SigningProvider, *,
                  return_url: Callable[[str], str]) -> Started:
    """Sign at once, or start a ceremony: `return_url(token)` is where the provider sends the signer back."""
    require_signable(actor, notice)
    abandon_pending(notice, "Replaced by a new signing attempt.")
    profile = actor.advocate_profile
    capacity = (f"Advocate, {profile.bar_council_state} ({profile.enrolment_number})"
                if profile else "Advocate")
    token = secrets.token_urlsafe(24)
    pdf = render_notice_pdf(notice.current.body_html)
    request = SignRequest(document_id=f"notice-{notice.id}-v{notice.current.version}", pdf=pdf,
                          signer=Signer(actor.name, actor.email, actor.id, capacity),
                          reason=f"Legal notice {notice.case.reference} issued on the "
                                 "creditor's instructions", return_url=return_url(token))
    try:
        result = provider.sign(request)
    except SigningError as exc:
        raise DomainError(str(exc)) from exc
    if result.status == SigningStatus.SIGNED and result.signed_pdf:
        return Started(result, sha256=_signed(actor, notice, result))
    if result.status != SigningStatus.PENDING or not result.provider_ref or not result.redirect_url:
        raise DomainError(result.detail or "The signature was not completed.")
    ceremony = SigningCeremony(notice=notice, provider=result.provider,
                               provider_ref=result.provider_ref, token=token, started_by_id=actor.id,
                               document_sha256=hashlib.sha256(pdf).hexdigest())
    lifecycle.begin(CEREMONY, ceremony, CeremonyStatus.PENDING, actor, action="signing_started", payload={
        "notice_id": notice.id, "version": notice.current.version, "provider": result.provider,
        "provider_ref": result.provider_ref, "document_sha256": ceremony.document_sha256})
    return Started(result, ceremony=ceremony)


def complete_ceremony(ceremony: SigningCeremony, provider: SigningProvider, callback: dict, *,
                      via: str) -> CeremonyStatus:
    """Finish a pending ceremony from an authenticated callback (`via` names it in the ledger).

    The caller holds the ceremony's row lock (ceremonies.by_reference), so of two callbacks for one
    ceremony the second sees it finished. SigningError and DomainError leave everything unchanged.
    """
    if not ceremony.pending:
        raise DomainError("This signing attempt has already finished.")
    result = provider.complete(ceremony.provider_ref, callback)
    if result.status == SigningStatus.PENDING:
        return ceremony.status
    notice, actor = ceremony.notice, ceremony.started_by
    payload = {"notice_id": notice.id, "provider": ceremony.provider, "provider_ref": ceremony.provider_ref,
               "via": via, "detail": result.detail}
    detail = (result.detail or "")[:500]
    # lock=False: the caller already holds the ceremony's row lock, re-read (ceremonies.by_reference).
    if result.status != SigningStatus.SIGNED:
        ended = CeremonyStatus.DECLINED if result.status == SigningStatus.DECLINED else CeremonyStatus.FAILED
        lifecycle.fire(CEREMONY, ceremony, ENDED[ended], actor, payload=payload, lock=False,
                       changes={"detail": detail, "finished_at": utcnow()})
        return ceremony.status
    if notice.status not in NOTICE.sources("signed"):
        raise DomainError("This notice is no longer waiting for a signature.")
    if not result.signed_pdf or not signature_intact(result.signed_pdf):
        raise DomainError("The provider returned a document without an intact signature; it was not kept.")
    sha = _signed(actor, notice, result, ceremony=ceremony, via=via)
    lifecycle.fire(CEREMONY, ceremony, "signing_completed", actor, payload=payload | {"sha256": sha},
                   lock=False, changes={"signed_pdf_sha256": sha, "detail": detail, "finished_at": utcnow()})
    return ceremony.status


def _signed(actor: User, notice: Notice, result: SigningResult, *, ceremony: SigningCeremony | None = None,
            via: str = "") -> str:
    """Keep the signed PDF, move the notice and the case on, freeze the evidence it cites, audit it."""
    sha = store_pdf(result.signed_pdf)
    NOTICE.check(notice, "signed", lifecycle.role_of(actor))  # before anything is kept on the case
    if notice.kind in DEMAND_KINDS:  # an s.21 notice leaves the case's status alone
        fire(notice.case, "sign_notice", actor, payload={"notice_id": notice.id, "sha256": sha,
                                                         "provider": result.provider})
    evidence = _keep_certificate(actor, notice, result)
    freeze(notice.case, documents_for(notice.case, include_withdrawn=False))
    payload = {"notice_id": notice.id, "version": notice.current.version, "sha256": sha,
               "provider": result.provider, "detail": result.detail}
    if ceremony is not None:
        payload |= {"provider_ref": ceremony.provider_ref, "document_sha256": ceremony.document_sha256,
                    "via": via}
    lifecycle.fire(NOTICE, notice, "signed", actor, payload=payload | evidence,
                   changes={"signed_at": utcnow(), "signed_pdf_sha256": sha})
    return sha


def _keep_certificate(actor: User, notice: Notice, result: SigningResult) -> dict:
    """DocuSign's certificate of completion becomes evidence on the case (frozen with the rest)."""
    certificate = result.evidence.get("certificate_of_completion.pdf")
    if not certificate:
        return {}
    doc = add_document(actor, notice.case, io.BytesIO(certificate),
                       f"DocuSign certificate of completion {notice.case.reference}.pdf", DocumentKind.OTHER,
                       description=f"DocuSign certificate of completion for the notice signed "
                                   f"(envelope {result.provider_ref})")
    return {"certificate_document_id": doc.id, "certificate_sha256": doc.sha256}


def sign_now(provider: SigningProvider, request: SignRequest, failure: str) -> SigningResult:
    """Sign where the key is at hand (a DSC, a token): the result, its PDF's signature checked intact;
    DomainError (with `failure` when the provider says nothing) otherwise."""
    try:
        result = provider.sign(request)
    except SigningError as exc:
        raise DomainError(str(exc)) from exc
    if (result.status != SigningStatus.SIGNED or not result.signed_pdf
            or not signature_intact(result.signed_pdf)):
        raise DomainError(result.detail or failure)
    return result


def signature_intact(pdf: bytes) -> bool:
    """The PDF carries at least one signature, each cryptographically intact, the last over the whole file.

    Trust in the signer's certificate is judged by whoever relies on the notice; this only refuses a
    document a provider handed back unsigned or altered (e.g. a browser claiming a ceremony finished).
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
        for signature in signatures:
            signature.compute_integrity_info()
            content_type = signature.signed_data["encap_content_info"]["content_type"].native
            intact, valid = validate_sig_integrity(signature.signer_info, signature.signer_cert,
                                                   content_type, signature.compute_digest())
            if not (intact and valid):
                return False
    except Exception:  # pyHanko and asn1crypto raise many types for a damaged file or signature
        return False
    return bool(signatures) and signatures[-1].coverage == SignatureCoverageLevel.ENTIRE_FILE


def install_certificate(advocate: User, pkcs12: bytes, passphrase: str) -> str:
    """Check the PKCS#12 opens and is in date, then keep it (encrypted) on the advocate's profile."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes


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
    profile.signing_token_label = profile.signing_key_label = None  # one signing key on file
    audit.record("advocate.certificate_installed", actor=advocate, payload={
        "subject": subject, "sha256_fingerprint": cert.fingerprint(hashes.SHA256()).hex(),
        "demo": demo, "not_after": cert.not_valid_after_utc.isoformat()})
    return subject
