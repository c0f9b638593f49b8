"""The facts of a claim as entered (web form, JSON API or bulk import), and their checks."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from portal.accounts import Organization
from portal.cases.interest import PartMonth, RateBasis, Rounding
from portal.cases.models import BuyerRelationship, ClaimType, PaymentMethod
from portal.errors import DomainError
from portal.identifiers import gstin_address_mismatch
from portal.types import to_paisa


@dataclass
class DebtorFacts:
    legal_name: str
    postal_address: str = ""
    gstin: str | None = None
    pan: str | None = None
    emails: list[str] = field(default_factory=list)
    mobiles: list[str] = field(default_factory=list)


@dataclass
class InvoiceFacts:
    number: str
    invoice_date: date
    taxable_value: Decimal
    gst_amount: Decimal = Decimal("0")
    total: Decimal | None = None
    acceptance_date: date | None = None
    credit_days: int | None = None
    due_date: date | None = None
    objection_raised_on: date | None = None
    objection_removed_on: date | None = None
    description: str = ""


@dataclass
class PaymentFacts:
    amount: Decimal
    paid_on: date
    method: PaymentMethod = PaymentMethod.OTHER
    reference: str = ""
    invoice_number: str | None = None


@dataclass
class CaseFacts:
    debtor: DebtorFacts
    invoices: list[InvoiceFacts]
    payments: list[PaymentFacts] = field(default_factory=list)
    claim_type: ClaimType = ClaimType.COMMERCIAL_INVOICE
    buyer_relationship: BuyerRelationship = BuyerRelationship.TRADE_BUYER
    has_written_agreement: bool = False
    agreement_date: date | None = None
    agreed_credit_days: int | None = None
    has_arbitration_clause: bool = False
    stated_interest_rate: Decimal | None = None
    rate_basis: RateBasis = RateBasis.FLOATING
    part_month: PartMonth = PartMonth.PRO_RATA_DAYS
    rounding: Rounding = Rounding.EACH_REST
    summary: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


class FactsInvalid(DomainError):
    """The facts break a rule; `errors` maps a field path (e.g. invoices.1.total) to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def check_facts(facts: CaseFacts, org: Organization, today: date) -> None:
    """Raise FactsInvalid listing every problem, so the user can fix them all at once."""
    errors: dict[str, list[str]] = {}

    def err(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    if not facts.debtor.legal_name.strip():
        err("debtor.legal_name", "Give the debtor's legal name.")
    if not (facts.debtor.emails or facts.debtor.mobiles):
        err("debtor.emails", "Give at least one e-mail address or mobile number for the debtor.")
    mismatch = gstin_address_mismatch(facts.debtor.gstin, facts.debtor.postal_address)
    if mismatch:
        err("debtor.gstin", mismatch)
    if not facts.invoices:
        err("invoices", "Add at least one invoice.")
    seen: set[str] = set()
    for i, inv in enumerate(facts.invoices):
        _check_invoice(inv, f"invoices.{i}", today, seen, err)
    numbers = {inv.number.strip() for inv in facts.invoices}
    invoiced = sum((to_paisa(inv.total or inv.taxable_value + inv.gst_amount)
                    for inv in facts.invoices), Decimal("0"))
    for i, pay in enumerate(facts.payments):
        if pay.amount <= 0:
            err(f"payments.{i}.amount", "A payment must be more than zero.")
        if pay.paid_on > today:
            err(f"payments.{i}.paid_on", "A payment date cannot be in the future.")
        if pay.invoice_number and pay.invoice_number.strip() not in numbers:
            err(f"payments.{i}.invoice_number", "No invoice in this claim has that number.")
    if sum((p.amount for p in facts.payments), Decimal("0")) > invoiced:
        err("payments", "Payments exceed the invoiced amount; nothing would be owed.")
    if facts.claim_type == ClaimType.MSMED_INVOICE:
        _check_msmed(facts, org, err)
    elif facts.stated_interest_rate is not None and not (0 <= facts.stated_interest_rate <= 36):
        err("stated_interest_rate", "Give an annual interest rate between 0 and 36 percent.")
    if facts.agreed_credit_days is not None and not (0 <= facts.agreed_credit_days <= 365):
        err("agreed_credit_days", "The credit period must be between 0 and 365 days.")
    if facts.agreement_date and facts.agreement_date > today:
        err("agreement_date", "The agreement date cannot be in the future.")
    if errors:
        raise FactsInvalid(errors)


def _check_invoice(inv: InvoiceFacts, path: str, today: date, seen: set[str], err) -> None:
    number = inv.number.strip()
    if not number:
        err(f"{path}.number", "Give the invoice number.")
    elif number in seen:
        err(f"{path}.number", f"Invoice {number} is listed twice.")
    seen.add(number)
    if inv.invoice_date > today:
        err(f"{path}.invoice_date", "The invoice date cannot be in the future.")
    if inv.taxable_value <= 0:
        err(f"{path}.taxable_value", "The taxable value must be more than zero.")
    if inv.gst_amount < 0:
        err(f"{path}.gst_amount", "GST cannot be negative.")
    if inv.total is not None and to_paisa(inv.total) != to_paisa(inv.taxable_value + inv.gst_amount):
        err(f"{path}.total", "The total must equal the taxable value plus GST.")
    # A delivery before the invoice date is allowed: services are often invoiced after they were
    # rendered, and MSMED s.2(b) counts acceptance from the rendering itself.
    if inv.acceptance_date and inv.acceptance_date > today:
        err(f"{path}.acceptance_date", "The acceptance date cannot be in the future.")
    if inv.credit_days is not None and not (0 <= inv.credit_days <= 365):
        err(f"{path}.credit_days", "The credit period must be between 0 and 365 days.")
    if inv.due_date and inv.due_date < inv.invoice_date:
        err(f"{path}.due_date", "The due date cannot be before the invoice date.")
    if inv.objection_raised_on and inv.acceptance_date and (
            inv.objection_raised_on < inv.acceptance_date):
        err(f"{path}.objection_raised_on",
            "An objection to goods or services cannot be dated before their delivery.")
    if inv.objection_removed_on and not inv.objection_raised_on:
        err(f"{path}.objection_raised_on", "Give the date the objection was raised.")
    if inv.objection_raised_on and inv.objection_removed_on and (
            inv.objection_removed_on < inv.objection_raised_on):
        err(f"{path}.objection_removed_on", "An objection cannot be removed before it was raised.")


def _check_msmed(facts: CaseFacts, org: Organization, err) -> None:
    if not org.msmed_eligible:
        err("claim_type", "The MSMED Act route is only for micro and small enterprises registered "
                          "on Udyam. Add your Udyam details to your organisation first.")
        return
    contract = facts.agreement_date or min((i.invoice_date for i in facts.invoices), default=None)
    if contract and org.udyam_registered_on and org.udyam_registered_on > contract:
        err("claim_type", f"Your Udyam registration ({org.udyam_registered_on:%d %b %Y}) is after "
                          f"the contract ({contract:%d %b %Y}); the MSMED Act does not apply to it.")
    from portal.cases.due_dates import DueDateError, msmed_acceptance

    for i, inv in enumerate(facts.invoices):
        if inv.acceptance_date is None:
            err(f"invoices.{i}.acceptance_date",
                "Give the delivery (acceptance) date: the MSMED due date runs from it.")
            continue
        try:
            msmed_acceptance(inv.acceptance_date, inv.objection_raised_on, inv.objection_removed_on)
        except DueDateError as exc:
            err(f"invoices.{i}.objection_removed_on", str(exc))
