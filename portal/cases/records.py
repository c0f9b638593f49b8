"""Events recorded on a case after intake: acknowledgements of debt and time-bar justifications."""
from __future__ import annotations

from datetime import date

from portal import audit
from portal.accounts.models import User
from portal.cases.models import Acknowledgement, Case, Invoice
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
