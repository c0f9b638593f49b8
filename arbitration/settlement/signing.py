"""How each party agrees to a settlement: acceptance with a one-time code sent to its own address
(recorded with time, IP and the document's hash), a signature with a stored DSC, or one made at a
provider's site (Aadhaar eSign, DocuSign) and finished by its callback; the neutral authenticates
last, with a code to its own e-mail. The last one in completes the agreement.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

from sqlalchemy import select

from arbitration.settlement import agreements as settlement
from arbitration.settlement import mail as settlement_mail
from arbitration.settlement.hooks import link_destinations
from arbitration.settlement.models import (
    AgreementStatus,
    SettlementAgreement,
    Signature,
    SignerSide,
    SignMethod,
)
from notices import (
    SETTLEMENT_CEREMONY,
    CeremonyStatus,
    SigningCeremony,
    abandon_pending_for_settlement,
    advocate_key_material,
    sign_now,
)
from portal import audit, lifecycle
from portal.accounts import Side, side_of
from portal.adapters import PadesProvider, Signer, SigningError, SigningProvider, SigningStatus, SignRequest
from portal.cases import ContactKind
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import gettext, lazy_gettext
from portal.onetime_codes import CodeError, Destination, issue_and_send, verify
from portal.types import utcnow

PURPOSE = "settlement_acceptance"


def code_subject(agreement: SettlementAgreement, side: SignerSide) -> str:
    return f"settlement:{agreement.id}:{side.value}"


def side_for(actor, agreement: SettlementAgreement) -> SignerSide:
    side = side_of(actor, agreement.case)
    if side is None:
        raise DomainError(gettext("You take no part in this case."))
    return {Side.CREDITOR: SignerSide.CREDITOR, Side.DEBTOR: SignerSide.DEBTOR,
            Side.NEUTRAL: SignerSide.NEUTRAL}[side]


def refusal(agreement: SettlementAgreement, side: SignerSide) -> str | None:
    """Why this side cannot agree now, or None."""
    if agreement.status != AgreementStatus.AWAITING_SIGNATURES:
        return "This agreement is no longer awaiting signatures."
    if side not in settlement.required_sides(agreement):
        return "No authentication by a neutral is needed for this agreement."
    if agreement.signature_of(side) is not None:
        return "Your side has already agreed to this agreement."
    parties_missing = [s for s in settlement.missing_sides(agreement) if s != SignerSide.NEUTRAL]
    if side == SignerSide.NEUTRAL and parties_missing:
        return "The neutral authenticates the agreement after both parties have agreed to it."
    return None


def _check(agreement: SettlementAgreement, side: SignerSide) -> None:
    reason = refusal(agreement, side)
    if reason:
        raise DomainError(reason)


def _locked(agreement: SettlementAgreement) -> SettlementAgreement:
    """Re-read the agreement under a row lock: of two last signatures at once, one completes it."""
    db.session.flush()
    db.session.refresh(agreement, with_for_update=True)
    return agreement


def destinations(agreement: SettlementAgreement, actor) -> list[Destination]:
    """Where this actor's code may go: its own address, never another party's."""
    link_id = getattr(actor, "link_id", None)
    if link_id is not None:  # the debtor through its personal link: where the notice reached it
        return link_destinations(link_id)
    out = [Destination("email", actor.email)] if actor.email else []
    if side_for(actor, agreement) == SignerSide.DEBTOR:  # a debtor's account: also its addresses on the case
        contacts = sorted(agreement.case.debtor.contacts, key=lambda c: not c.designated)
        out += [Destination("email" if c.kind == ContactKind.EMAIL else "sms", c.value) for c in contacts]
    return list(dict.fromkeys(out))


def send_code(agreement: SettlementAgreement, actor, choice: int, ip: str, language: str = "en"):
    """Send the acceptance code to destinations()[choice], to the debtor in its `language` (the
    others read English); CodeError when throttled or a bad choice."""
    side = side_for(actor, agreement)
    _check(agreement, side)
    options = destinations(agreement, actor)
    if not isinstance(choice, int) or not 0 <= choice < len(options):
        raise CodeError(gettext("Choose where to send the code."), status=400)
    dest = options[choice]
    values = {"reference": agreement.case.reference, "version": agreement.version}
    if side == SignerSide.NEUTRAL:
        what = lazy_gettext("authenticate the settlement agreement %(reference)s (version %(version)s)",
                            **values)
    else:
        what = lazy_gettext("accept the settlement agreement %(reference)s (version %(version)s)", **values)
    return issue_and_send(PURPOSE, code_subject(agreement, side), dest.channel, dest.address, ip=ip,
                          case=agreement.case, what=what,
                          language=language if side == SignerSide.DEBTOR else "en")


def accept_with_code(agreement: SettlementAgreement, actor, code: str, ip: str) -> Signature:
    """Record this side's acceptance (the neutral's authentication) if the code is right; CodeError
    if not (the caller commits anyway so the wrong try counts). Completes the agreement when last."""
    agreement = _locked(agreement)
    side = side_for(actor, agreement)
    _check(agreement, side)
    row = verify(PURPOSE, code_subject(agreement, side), code, ip=ip, case=agreement.case)
    method = SignMethod.NEUTRAL_AUTHENTICATION if side == SignerSide.NEUTRAL else SignMethod.OTP_ACCEPTANCE
    return _record(agreement, actor, side, method, ip, detail=row.masked_destination,
                   extra={"code_id": row.id})


def sign_with_dsc(agreement: SettlementAgreement, actor, ip: str,
                  provider: SigningProvider | None = None, *, pin: str | None = None) -> Signature:
    """Sign the agreement's PDF at once with the actor's DSC (the creditor's advocate): its stored
    PKCS#12, or the key on its token opened with `pin`."""

    agreement = _locked(agreement)
    side = side_for(actor, agreement)
    _check(agreement, side)
    if side != SignerSide.CREDITOR:
        raise DomainError(gettext("Only the creditor's advocate signs with a stored digital signature "
                                  "certificate."))
    if provider is None:
        provider = PadesProvider(advocate_key_material(actor, pin) if pin else advocate_key_material(actor))
    case = agreement.case
    request = SignRequest(
        document_id=f"settlement-{agreement.id}-v{agreement.version}",
        pdf=settlement.read_pdf(agreement.unsigned_pdf_sha256),
        signer=Signer(actor.name, actor.email, actor.id, f"For {case.creditor.legal_name}"),
        reason=f"Settlement agreement {case.reference} agreed on behalf of {case.creditor.legal_name}")
    result = sign_now(provider, request, "The signature was not completed.")
    signed_sha = settlement.store_pdf(result.signed_pdf)
    return _record(agreement, actor, side, SignMethod.DSC, ip, signed_sha256=signed_sha,
                   detail=result.detail or "digital signature certificate",
                   extra={"provider": result.provider, "signed_sha256": signed_sha})


# Signatures made at a provider's site: started here, finished by the provider's callback.
PROVIDER_METHODS = {"aadhaar_esign": SignMethod.AADHAAR, "docusign": SignMethod.DOCUSIGN}


def _request(agreement: SettlementAgreement, actor, side: SignerSide, return_url: str) -> SignRequest:
    case = agreement.case
    party = case.creditor.legal_name if side == SignerSide.CREDITOR else case.debtor.legal_name
    # The signer is the person at the keyboard: Aadhaar eSign refuses a certificate in another name.
    return SignRequest(
        document_id=f"settlement-{agreement.id}-v{agreement.version}-{side.value}",
        pdf=settlement.read_pdf(agreement.unsigned_pdf_sha256),
        signer=Signer(actor.name or "", actor.email or "", actor.id, f"For {party}"),
        reason=f"Settlement agreement {case.reference} agreed on behalf of {party}", return_url=return_url)


def start_ceremony(agreement: SettlementAgreement, actor, provider: SigningProvider, *,
                   return_url: Callable[[str], str]):
    """Start this side's signature at the provider's site; returns (SigningResult, SigningCeremony).
    `return_url(token)` is where the provider sends the signer back. DomainError when it may not."""

    if provider.name not in PROVIDER_METHODS:
        raise DomainError(gettext("That provider signs at once; it has no ceremony to start."))
    agreement = _locked(agreement)
    side = side_for(actor, agreement)
    _check(agreement, side)
    if side == SignerSide.NEUTRAL:
        raise DomainError(gettext("The neutral authenticates the agreement with a one-time code."))
    if getattr(actor, "link_id", None) is not None or not getattr(actor, "id", None):
        raise DomainError(gettext("Sign in with your account to sign with Aadhaar eSign or DocuSign; through "
                                  "your personal link you can accept the agreement with a one-time code."))
    if not (actor.name or "").strip():
        raise DomainError(gettext("Add your name to your account first: the signature is made in your name."))
    abandon_pending_for_settlement(agreement, side.value, "Replaced by a new signing attempt.")
    token = secrets.token_urlsafe(24)
    request = _request(agreement, actor, side, return_url(token))
    try:
        result = provider.sign(request)
    except SigningError as exc:
        raise DomainError(str(exc)) from exc
    if result.status != SigningStatus.PENDING or not result.provider_ref or not result.redirect_url:
        raise DomainError(result.detail or "The provider did not start the signature.")
    ceremony = SigningCeremony(settlement_id=agreement.id, signer_side=side.value, provider=result.provider,
                               provider_ref=result.provider_ref, token=token, started_by_id=actor.id,
                               document_sha256=hashlib.sha256(request.pdf).hexdigest())
    lifecycle.begin(SETTLEMENT_CEREMONY, ceremony, CeremonyStatus.PENDING, actor, action="signing_started",
                    case=agreement.case, payload={
                        "agreement_id": agreement.id, "side": side.value, "provider": result.provider,
                        "provider_ref": result.provider_ref, "document_sha256": ceremony.document_sha256})
    return result, ceremony


def finish_ceremony(ceremony, provider: SigningProvider, callback: dict, *, via: str):
    """Finish a pending settlement ceremony from an authenticated callback; returns its new status.

    The caller holds the ceremony's row lock, so a replayed callback finds it finished. An agreement
    cancelled, complete or already agreed by that side meanwhile abandons the ceremony: nothing is
    applied. SigningError and DomainError leave everything unchanged."""
    from notices import CEREMONY_ENDED, SETTLEMENT_CEREMONY, CeremonyStatus, signature_intact

    if not ceremony.pending:
        raise DomainError(gettext("This signing attempt has already finished."))
    result = provider.complete(ceremony.provider_ref, callback)
    if result.status == SigningStatus.PENDING:
        return ceremony.status
    agreement = _locked(ceremony.settlement)
    side, actor = SignerSide(ceremony.signer_side), ceremony.started_by
    payload = {"agreement_id": agreement.id, "side": side.value, "provider": ceremony.provider,
               "provider_ref": ceremony.provider_ref, "via": via, "detail": result.detail}
    reason = refusal(agreement, side) if result.status == SigningStatus.SIGNED else None
    if result.status != SigningStatus.SIGNED or reason:
        ended = (CeremonyStatus.ABANDONED if reason else CeremonyStatus.DECLINED
                 if result.status == SigningStatus.DECLINED else CeremonyStatus.FAILED)
        # The caller holds the ceremony's row lock. Audited as settlement.signing_<declined|failed|abandoned>.
        lifecycle.fire(SETTLEMENT_CEREMONY, ceremony, CEREMONY_ENDED[ended], actor, lock=False,
                       case=agreement.case, payload=payload | ({"reason": reason} if reason else {}),
                       changes={"detail": (reason or result.detail or "")[:500], "finished_at": utcnow()})
        return ceremony.status
    if not result.signed_pdf or not signature_intact(result.signed_pdf):
        raise DomainError(gettext("The provider returned a document without an intact signature; it was not "
                                  "kept."))
    signed_sha = settlement.store_pdf(result.signed_pdf)
    extra = {"provider": ceremony.provider, "provider_ref": ceremony.provider_ref, "via": via,
             "signed_sha256": signed_sha, "sent_sha256": ceremony.document_sha256}
    certificate = result.evidence.get("certificate_of_completion.pdf")
    if certificate:  # DocuSign's certificate of completion, kept beside the signed copy
        extra["certificate_sha256"] = settlement.store_pdf(certificate)
    lifecycle.fire(SETTLEMENT_CEREMONY, ceremony, "signing_completed", actor, lock=False, case=agreement.case,
                   payload=payload | {"signed_sha256": signed_sha}, changes={
                       "finished_at": utcnow(), "signed_pdf_sha256": signed_sha,
                       "detail": (result.detail or "")[:500]})
    _record(agreement, actor, side, PROVIDER_METHODS[ceremony.provider], "", signed_sha256=signed_sha,
            detail=result.detail or ceremony.provider, extra=extra)
    return ceremony.status


def _record(agreement, actor, side: SignerSide, method: SignMethod, ip: str, *, detail: str = "",
            signed_sha256: str | None = None, extra: dict | None = None) -> Signature:
    case = agreement.case
    party = {SignerSide.CREDITOR: case.creditor.legal_name, SignerSide.DEBTOR: case.debtor.legal_name,
             SignerSide.NEUTRAL: actor.name}[side]
    signature = Signature(side=side, party_name=party[:200], signer_name=(actor.name or "")[:200],
                          method=method, ip=(ip or "")[:45], document_sha256=agreement.unsigned_pdf_sha256,
                          signed_pdf_sha256=signed_sha256, detail=detail[:300], user_id=actor.id)
    agreement.signatures.append(signature)
    db.session.flush()
    audit.record("settlement.agreed", actor=actor, case=case, payload={
        "agreement_id": agreement.id, "side": side.value, "method": method.value, "ip": signature.ip,
        "document_sha256": signature.document_sha256, **(extra or {})})
    settlement.complete_if_ready(agreement)
    settlement_mail.after_agreement(agreement, side)
    return signature


def pending_code(agreement: SettlementAgreement, side: SignerSide):
    """The live code for this side, if one was sent (to show where it went)."""
    from portal.onetime_codes import OneTimeCode

    return db.session.scalar(select(OneTimeCode).where(
        OneTimeCode.purpose == PURPOSE, OneTimeCode.subject == code_subject(agreement, side),
        OneTimeCode.consumed_at.is_(None), OneTimeCode.superseded_at.is_(None))
        .order_by(OneTimeCode.id.desc()))
