"""How each party agrees to a settlement: acceptance with a one-time code sent to its own address
(recorded with time, IP and the document's hash), or a signature with a stored DSC; the neutral
authenticates last, with a code to its own e-mail. The last one in completes the agreement.
"""
from __future__ import annotations

from sqlalchemy import select

from arbitration import settlement, settlement_mail
from arbitration.settlement_models import (
    AgreementStatus,
    SettlementAgreement,
    Signature,
    SignerSide,
    SignMethod,
)
from portal import audit
from portal.accounts.policy import Side, side_of
from portal.adapters.esign.base import (
    Signer,
    SigningError,
    SigningProvider,
    SigningStatus,
    SignRequest,
)
from portal.cases.models import ContactKind
from portal.cases.states import DomainError
from portal.debtor.access import Destination
from portal.extensions import db
from portal.onetime_codes import CodeError, issue_and_send, verify

PURPOSE = "settlement_acceptance"


def code_subject(agreement: SettlementAgreement, side: SignerSide) -> str:
    return f"settlement:{agreement.id}:{side.value}"


def side_for(actor, agreement: SettlementAgreement) -> SignerSide:
    side = side_of(actor, agreement.case)
    if side is None:
        raise DomainError("You take no part in this case.")
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
    from portal.debtor import access
    from portal.debtor.models import DebtorLink

    link_id = getattr(actor, "link_id", None)
    if link_id is not None:  # the debtor through its personal link: where the notice reached it
        link = db.session.get(DebtorLink, link_id)
        return access.destinations(link) if link is not None else []
    out = [Destination("email", actor.email)] if actor.email else []
    if side_for(actor, agreement) == SignerSide.DEBTOR:  # a debtor's account: also its addresses on the case
        contacts = sorted(agreement.case.debtor.contacts, key=lambda c: not c.designated)
        out += [Destination("email" if c.kind == ContactKind.EMAIL else "sms", c.value) for c in contacts]
    return list(dict.fromkeys(out))


def send_code(agreement: SettlementAgreement, actor, choice: int, ip: str):
    """Send the acceptance code to destinations()[choice]; CodeError when throttled or a bad choice."""
    side = side_for(actor, agreement)
    _check(agreement, side)
    options = destinations(agreement, actor)
    if not isinstance(choice, int) or not 0 <= choice < len(options):
        raise CodeError("Choose where to send the code.", status=400)
    dest = options[choice]
    verb = "authenticate" if side == SignerSide.NEUTRAL else "accept"
    what = f"{verb} the settlement agreement {agreement.case.reference} (version {agreement.version})"
    return issue_and_send(PURPOSE, code_subject(agreement, side), dest.channel, dest.address, ip=ip,
                          case=agreement.case, what=what)


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
    from notices.signing import advocate_key_material, signature_intact
    from portal.adapters.esign.pades import PadesProvider

    agreement = _locked(agreement)
    side = side_for(actor, agreement)
    _check(agreement, side)
    if side != SignerSide.CREDITOR:
        raise DomainError("Only the creditor's advocate signs with a stored digital signature certificate.")
    if provider is None:
        provider = PadesProvider(advocate_key_material(actor, pin) if pin else advocate_key_material(actor))
    case = agreement.case
    request = SignRequest(
        document_id=f"settlement-{agreement.id}-v{agreement.version}",
        pdf=settlement.read_pdf(agreement.unsigned_pdf_sha256),
        signer=Signer(actor.name, actor.email, actor.id, f"For {case.creditor.legal_name}"),
        reason=f"Settlement agreement {case.reference} agreed on behalf of {case.creditor.legal_name}")
    try:
        result = provider.sign(request)
    except SigningError as exc:
        raise DomainError(str(exc)) from exc
    if result.status != SigningStatus.SIGNED or not result.signed_pdf:
        raise DomainError(result.detail or "The signature was not completed.")
    if not signature_intact(result.signed_pdf):
        raise DomainError("The signed document's signature is not intact; it was not kept.")
    signed_sha = settlement.store_pdf(result.signed_pdf)
    return _record(agreement, actor, side, SignMethod.DSC, ip, signed_sha256=signed_sha,
                   detail=result.detail or "digital signature certificate",
                   extra={"provider": result.provider, "signed_sha256": signed_sha})


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
