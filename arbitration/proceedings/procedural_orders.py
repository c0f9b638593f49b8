"""Procedural orders: the arbitrator's text, numbered in the case, rendered to PDF
(templates/pdf/procedural_order.html), signed with the arbitrator's own DSC (PAdES) and kept write-once
in the document store; the ledger records the signed PDF's SHA-256. The respondent is served the
signed order as a document in its own right (notices/serving/documents.py) in the tribunal's name,
with its delivery timeline and certificate; the claimant's people are e-mailed."""
from __future__ import annotations

from sqlalchemy import func, select

from arbitration.proceedings import mail as proceedings_mail
from arbitration.proceedings import neutral_keys
from arbitration.proceedings.language import proceedings_language, template_for
from arbitration.proceedings.models import ProceduralOrder
from evidence import store_pdf
from notices import (
    ChannelKind,
    DocumentKind,
    create_served_document,
    serve_notice,
    sign_now,
)
from portal import audit
from portal.adapters import PadesProvider, Signer, SigningProvider, SignRequest
from portal.cases import Case, CaseStatus, ContactKind
from portal.errors import DomainError
from portal.extensions import db
from portal.pdf import render_pdf
from portal.types import to_ist, utcnow

MAX_ORDER_CHARS = 20_000


def orders_for(case: Case) -> list[ProceduralOrder]:
    return list(db.session.scalars(select(ProceduralOrder).where(ProceduralOrder.case_id == case.id)
                                   .order_by(ProceduralOrder.number)))


def render(case: Case, arbitrator, number: int, text: str, issued_at, language: str = "en") -> bytes:
    """The order's PDF; its frame in `language` (proceedings_language), its paragraphs as written."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return render_pdf(template_for("procedural_order", language), case=case, arbitrator=arbitrator,
                      number=number, paragraphs=paragraphs, issued_ist=to_ist(issued_at))


def issue(actor, case: Case, text: str, provider: SigningProvider | None = None) -> ProceduralOrder:
    """Number, render and sign the order as `actor` (the acting arbitrator); keep it; audit it."""

    if case.status != CaseStatus.IN_ARBITRATION:
        raise DomainError("The arbitration is not running.")
    text = (text or "").strip()
    if not text:
        raise DomainError("Write the order's text.")
    if len(text) > MAX_ORDER_CHARS:
        raise DomainError(f"An order is limited to {MAX_ORDER_CHARS:,} characters.")
    provider = provider or PadesProvider(neutral_keys.key_material(actor))
    # The case row lock (the one transitions take) keeps two orders from taking the same number.
    db.session.refresh(case, with_for_update={"key_share": True})
    number = (db.session.scalar(select(func.max(ProceduralOrder.number))
                                .where(ProceduralOrder.case_id == case.id)) or 0) + 1
    issued_at = utcnow()
    pdf = render(case, actor, number, text, issued_at, proceedings_language(case))
    request = SignRequest(document_id=f"procedural-order-{case.reference}-{number}", pdf=pdf,
                          signer=Signer(actor.name, actor.email, actor.id, "Sole arbitrator"),
                          reason=f"Procedural Order No. {number} in arbitration {case.reference}")
    sha = store_pdf(sign_now(provider, request, "The order was not signed.").signed_pdf)
    order = ProceduralOrder(case_id=case.id, number=number, text=text, signed_pdf_sha256=sha,
                            issued_at=issued_at, issued_by_id=actor.id)
    db.session.add(order)
    db.session.flush()
    audit.record("arbitration.procedural_order", actor=actor, case=case, payload={
        "order_id": order.id, "number": number, "sha256": sha, "provider": provider.name})
    served = _serve_on_respondent(actor, case, order)
    proceedings_mail.order_issued(case, order, respondent=not served)
    return order


def _serve_on_respondent(actor, case: Case, order: ProceduralOrder) -> bool:
    """Serve the signed order on the respondent through the dispatch pipeline (e-mail, else post);
    False when the respondent has neither on the case (it then sees the order on its pages only)."""
    debtor = case.debtor
    if any(c.kind == ContactKind.EMAIL for c in debtor.contacts):
        channels = {ChannelKind.EMAIL}
    elif (debtor.postal_address or "").strip():
        channels = {ChannelKind.POST}
    else:
        return False
    document = create_served_document(
        actor, case, DocumentKind.PROCEDURAL_ORDER, order.id, sender="the arbitral tribunal",
        signatory=actor.name, signed_at=order.issued_at, signed_pdf_sha256=order.signed_pdf_sha256,
        title=f"Procedural Order No. {order.number}", language=proceedings_language(case))
    serve_notice(actor, document, channels)
    return True
