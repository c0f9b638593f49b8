"""What the debtor does through its reminder link: dispute an invoice (it leaves the cadence and
goes to the creditor's queue), acknowledge the balance, promise to pay, say it has paid (a UPI
report the creditor confirms, through portal.payments). Each is recorded with how it was made:
a click after a one-time code is evidence, not a signature (DOMAIN 30), so none restarts
limitation by itself."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal import audit
from portal.accounts import Role
from portal.cases import Invoice
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import N_
from portal.payments import report_payment
from portal.receivables import promises
from portal.receivables.models import InvoiceHold, Reminder, ReminderLink
from portal.receivables.states import ReminderStatus
from portal.receivables.transitions import fire
from portal.types import utcnow

# How a promise or a dispute was made (stored, English; a page says it with page_words.promise_how).
HOW = N_("debtor through the reminder link, after a one-time code")


@dataclass(frozen=True)
class LinkDebtor:
    """The actor for audit events: no user row, role debtor, the reminder link in the payload."""

    reminder_link_id: int
    role = Role.DEBTOR
    id = None


class AlreadyRecorded(DomainError):
    pass


def _hold(link: ReminderLink, invoice: Invoice, kind: str, text: str) -> InvoiceHold:
    if db.session.scalar(select(InvoiceHold.id).where(InvoiceHold.invoice_id == invoice.id,
                                                      InvoiceHold.kind == kind,
                                                      InvoiceHold.resolved_at.is_(None))):
        raise AlreadyRecorded("This is already on record for the invoice.")
    hold = InvoiceHold(org_id=link.org_id, party_id=link.party_id, invoice_id=invoice.id, kind=kind,
                       text=text[:2000], made_how=HOW, link_id=link.id)
    db.session.add(hold)
    db.session.flush()
    return hold


def opened(link: ReminderLink, destination: str, user_agent: str) -> None:
    """The debtor opened its statement after the code (IT Act s.12: conduct acknowledging receipt)."""
    link.last_used_at = utcnow()
    audit.record("receivables.link_opened", actor=LinkDebtor(link.id), payload={
        "reminder_link_id": link.id, "party_id": link.party_id, "code_sent_to": destination,
        "user_agent": user_agent[:200]})


def dispute(link: ReminderLink, invoice: Invoice, text: str) -> InvoiceHold:
    actor = LinkDebtor(link.id)
    hold = _hold(link, invoice, "dispute", text)
    audit.record("receivables.invoice_disputed", actor=actor, case=invoice.case, payload={
        "invoice": invoice.number, "hold_id": hold.id, "reminder_link_id": link.id, "how": HOW})
    for r in db.session.scalars(select(Reminder).where(
            Reminder.invoice_id == invoice.id,
            Reminder._status.in_([ReminderStatus.PENDING, ReminderStatus.SENDING]))):
        r.claimed_until, r.detail = None, N_("Set aside: the debtor disputes the invoice.")
        fire(r, "skip", None, payload={"why": "disputed"}, case=invoice.case)
    return hold


def acknowledge(link: ReminderLink, invoice: Invoice) -> InvoiceHold:
    hold = _hold(link, invoice, "acknowledged", "The debtor confirmed the balance through the link.")
    audit.record("receivables.balance_acknowledged", actor=LinkDebtor(link.id), case=invoice.case,
                 payload={"invoice": invoice.number, "hold_id": hold.id, "reminder_link_id": link.id,
                          "how": HOW, "signed": False})
    return hold


def promise(link: ReminderLink, invoice: Invoice, amount, promised_for: date | None, today: date):
    return promises.make(LinkDebtor(link.id), invoice, amount, promised_for, made_how=HOW,
                         today=today, link_id=link.id)


def paid(link: ReminderLink, invoice: Invoice, amount, utr: str, paid_on: date | None, today: date):
    return report_payment(LinkDebtor(link.id), invoice.case, amount, utr, paid_on, today)
