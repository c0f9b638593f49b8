"""Events recorded on a case after intake: acknowledgements of debt and of part payments, and
time-bar justifications."""
from __future__ import annotations

from datetime import date

from portal import audit
from portal.accounts import User
from portal.cases.models import Acknowledgement, Case, Invoice, Payment
from portal.errors import DomainError
from portal.extensions import db


def _invoice(case: Case, invoice_id: int | None) -> Invoice | None:
    if invoice_id is None:
        return None
    inv = next((i for i in case.invoices if i.id == invoice_id), None)
    if inv is None:
        raise DomainError("That invoice is not part of this case.")
    return inv


def record_acknowledgement(actor: User, case: Case, on: date, description: str,
                           invoice_id: int | None, today: date) -> Acknowledgement:
    """A written, signed acknowledgement (Limitation Act s.18) for one invoice or the whole debt."""
    if on > today:
        raise DomainError("An acknowledgement cannot be dated in the future.")
    inv = _invoice(case, invoice_id)
    if inv is not None and on < inv.invoice_date:
        raise DomainError("An acknowledgement cannot be earlier than the invoice.")
    ack = Acknowledgement(case=case, invoice_id=invoice_id, acknowledged_on=on,
                          description=description.strip(), recorded_by_id=actor.id)
    db.session.add(ack)
    db.session.flush()
    audit.record("case.acknowledgement_recorded", actor=actor, case=case, payload={
        "acknowledgement_id": ack.id, "on": on, "invoice": inv.number if inv else None,
        "description": ack.description})
    return ack


def acknowledge_payment(actor: User, case: Case, payment_id: int | None,
                        description: str) -> Payment:
    """Record the payer's written acknowledgement of a part payment (Limitation Act s.19 proviso:
    in its handwriting or in a writing it signed), so the payment starts a fresh period."""
    payment = next((p for p in case.payments if p.id == payment_id), None)
    if payment is None:
        raise DomainError("That payment is not part of this case.")
    if payment.payer_acknowledgement:
        raise DomainError("That payment's acknowledgement is already recorded.")
    text = description.strip()
    if len(text) < 10:
        raise DomainError("Describe the document: who signed it, its date and what it says.")
    payment.payer_acknowledgement = text
    audit.record("case.payment_acknowledged", actor=actor, case=case, payload={
        "payment_id": payment.id, "amount": payment.amount, "paid_on": payment.paid_on,
        "document": text})
    return payment


def justify_time_bar(actor: User, case: Case, invoice_id: int, justification: str) -> Invoice:
    """Record why a time-barred invoice may still be claimed; required before it enters a notice."""
    inv = _invoice(case, invoice_id)
    text = justification.strip()
    if len(text) < 20:
        raise DomainError("Explain the justification in at least a sentence (20 characters).")
    inv.time_bar_justification = text
    audit.record("case.time_bar_justified", actor=actor, case=case,
                 payload={"invoice": inv.number, "justification": text})
    return inv
