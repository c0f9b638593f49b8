"""Serving the completed settlement agreement on the debtor: a served document in its own right
(notices/serving/documents.py, kind "settlement"), sent in the name of the parties to the settlement
with its own words and attachment name through the dispatch pipeline, so that the contact rules, the
delivery timeline, the receipt rule (IT Act s.12/s.13) and the delivery-proof certificate follow, as
for a notice, with no Notice row posing as one.

It is served by the system when the last signature completes the agreement (the parties' joint act,
like the completion itself); the creditor's signer is kept as the one who asked for it, so a dispatch
that fails is told to the creditor's side. What the parties got before stays: both still download the
sealed agreement from the settlement page, and are told it is complete.
"""
from __future__ import annotations

from arbitration.settlement.models import SettlementAgreement, SignerSide
from arbitration.settlement.states import AgreementStatus
from notices import (
    ChannelKind,
    DocumentKind,
    ServedDocument,
    addressed_language,
    create_served_document,
    serve_notice,
    served_document_of,
)
from portal.accounts import User
from portal.cases import Case, ContactKind
from portal.extensions import db

# In whose name it goes: neither party alone, the agreement is both of theirs.
SENDER = "the parties to the settlement"


def channels_for(case: Case) -> set[ChannelKind]:
    """E-mail when the debtor has an address for it on the case, else registered post; none when it
    has neither (it then has the agreement on its settlement page only)."""
    if any(c.kind == ContactKind.EMAIL for c in case.debtor.contacts):
        return {ChannelKind.EMAIL}
    if (case.debtor.postal_address or "").strip():
        return {ChannelKind.POST}
    return set()


def signatories(agreement: SettlementAgreement) -> str:
    """"Kaveri Looms Pvt Ltd and Narmada Traders, authenticated by A. Menon": who agreed to it."""
    parties = [s.party_name for side in (SignerSide.CREDITOR, SignerSide.DEBTOR)
               if (s := agreement.signature_of(side)) is not None]
    text = " and ".join(parties)
    neutral = agreement.signature_of(SignerSide.NEUTRAL)
    if neutral is not None:
        text += f", authenticated by {neutral.party_name}"
    return text[:200]


def _requester(agreement: SettlementAgreement) -> User | None:
    signature = agreement.signature_of(SignerSide.CREDITOR)
    user_id = signature.user_id if signature is not None else None
    return db.session.get(User, user_id or agreement.case.created_by_id)


def document_for(agreement: SettlementAgreement) -> ServedDocument | None:
    """The agreement's served document, once it was served."""
    return served_document_of(DocumentKind.SETTLEMENT, agreement.id)


def serve_on_debtor(agreement: SettlementAgreement) -> ServedDocument | None:
    """Serve the sealed agreement on the debtor as the system (flushes; the dispatches go after the
    commit). None, and nothing made, when the debtor has no e-mail or postal address on the case."""
    if agreement.status != AgreementStatus.SIGNED or not agreement.final_pdf_sha256:
        return None
    existing = document_for(agreement)
    if existing is not None:
        return existing
    case = agreement.case
    channels, requester = channels_for(case), _requester(agreement)
    if not channels or requester is None:
        return None
    document = create_served_document(
        None, case, DocumentKind.SETTLEMENT, agreement.id, sender=SENDER, signatory=signatories(agreement),
        signed_at=agreement.completed_at, signed_pdf_sha256=agreement.final_pdf_sha256,
        language=addressed_language(case), requested_by=requester)
    serve_notice(None, document, channels, requested_by=requester)
    return document
