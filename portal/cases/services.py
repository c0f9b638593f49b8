"""Case use-cases. Services take the actor explicitly, flush, and never commit."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, select

from portal import audit
from portal.accounts.models import Engagement, User
from portal.accounts.roles import Role
from portal.cases.models import (Case, ClaimType, ContactKind, Invoice, Party, PartyContact,
                                 Payment, PaymentMethod)
from portal.cases.references import next_reference
from portal.extensions import db
from portal.types import to_paisa, utcnow


@dataclass
class InvoiceInput:
    number: str
    invoice_date: date
    due_date: date
    taxable_value: Decimal
    gst_amount: Decimal = Decimal("0")
    acceptance_date: date | None = None
    credit_days: int | None = None
    description: str = ""


@dataclass
class DebtorInput:
    legal_name: str
    postal_address: str = ""
    gstin: str | None = None
    pan: str | None = None
    emails: list[str] = field(default_factory=list)
    mobiles: list[str] = field(default_factory=list)


def create_party(actor: User, debtor: DebtorInput) -> Party:
    party = Party(legal_name=debtor.legal_name.strip(), postal_address=debtor.postal_address,
                  gstin=debtor.gstin, pan=debtor.pan, created_by_org_id=actor.org_id)
    for email in debtor.emails:
        party.contacts.append(PartyContact(kind=ContactKind.EMAIL, value=email.lower(),
                                           source="entered by creditor"))
    for mobile in debtor.mobiles:
        party.contacts.append(PartyContact(kind=ContactKind.MOBILE, value=mobile,
                                           source="entered by creditor"))
    db.session.add(party)
    return party


def create_case(actor: User, debtor: DebtorInput, invoices: list[InvoiceInput], *,
                claim_type: ClaimType = ClaimType.COMMERCIAL_INVOICE, summary: str = "") -> Case:
    """A draft case for the actor's organisation."""
    party = create_party(actor, debtor)
    case = Case(reference=next_reference(utcnow()), creditor_org_id=actor.org_id, debtor=party,
                claim_type=claim_type, created_by_id=actor.id, summary=summary)
    for inv in invoices:
        gst = to_paisa(inv.gst_amount)
        taxable = to_paisa(inv.taxable_value)
        case.invoices.append(Invoice(
            number=inv.number.strip(), invoice_date=inv.invoice_date, due_date=inv.due_date,
            acceptance_date=inv.acceptance_date, credit_days=inv.credit_days,
            taxable_value=taxable, gst_amount=gst, total=taxable + gst, description=inv.description))
    db.session.add(case)
    db.session.flush()
    audit.record("case.created", actor=actor, case=case, payload={
        "reference": case.reference, "claim_type": claim_type.value, "debtor": party.legal_name,
        "invoices": [{"number": i.number, "total": i.total} for i in case.invoices]})
    return case


def record_payment(actor: User, case: Case, amount: Decimal, paid_on: date,
                   method: PaymentMethod, reference: str = "") -> Payment:
    payment = Payment(case=case, amount=to_paisa(amount), paid_on=paid_on, method=method,
                      reference=reference, recorded_by_id=actor.id)
    db.session.add(payment)
    db.session.flush()
    audit.record("case.payment_recorded", actor=actor, case=case, payload={
        "payment_id": payment.id, "amount": payment.amount, "paid_on": paid_on,
        "method": method.value, "reference": reference})
    return payment


def assign_advocate(actor: User, case: Case, advocate: User) -> None:
    engaged = db.session.scalar(select(Engagement.id).where(
        Engagement.org_id == case.creditor_org_id, Engagement.advocate_id == advocate.id))
    if advocate.role != Role.ADVOCATE or not engaged:
        from portal.cases.states import DomainError

        raise DomainError("Only an advocate your organisation has engaged can be assigned.")
    case.advocate_id = advocate.id
    audit.record("case.advocate_assigned", actor=actor, case=case, payload={"advocate_id": advocate.id})


def visible_cases(user: User) -> Select:
    """The cases a user may list; mirrors policy.can_view_case."""
    stmt = select(Case).order_by(Case.created_at.desc())
    match user.role:
        case Role.ADMIN:
            return stmt
        case Role.CREDITOR:
            return stmt.where(Case.creditor_org_id == user.org_id)
        case Role.ADVOCATE:
            pool = select(Engagement.org_id).where(Engagement.advocate_id == user.id)
            return stmt.where((Case.advocate_id == user.id) |
                              (Case.advocate_id.is_(None) & Case.creditor_org_id.in_(pool)))
        case Role.DEBTOR:
            return stmt.join(Case.debtor).where(Party.user_id == user.id, Case._status != "draft")
        case Role.NEUTRAL:
            return stmt.where(Case.neutral_id == user.id)
    return stmt.where(False)
