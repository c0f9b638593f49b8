"""What a claim's facts become when stored: the values of its debtor, terms, invoices and payments,
the facts snapshot that is hashed into each facts version, and the bulk writer that inserts many
new claims as rows (portal.database.insert_rows: COPY on PostgreSQL) instead of through the ORM's
unit of work.

One definition for both ways of writing: `portal.cases.intake` sets the same values on loaded ORM
objects when a claim is edited, and builds its snapshot with the same `snapshot_body`, so a case
created in bulk has the facts hash that recording a version of it would give.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from portal.accounts import Organization, User
from portal.audit import canonical_json
from portal.cases.due_dates import invoice_due, msmed_due_date
from portal.cases.facts import CaseFacts, DebtorFacts, InvoiceFacts, PaymentFacts
from portal.cases.models import (
    Case,
    CaseFactsVersion,
    ClaimType,
    ContactKind,
    Invoice,
    Party,
    PartyContact,
    Payment,
)
from portal.database import insert_rows, reserve_ids
from portal.types import to_paisa

ZERO = Decimal("0.00")
CREATED = "created"  # the reason of every case's first facts version
SOURCE = "entered by creditor"  # where a contact typed or imported by the creditor came from


@lru_cache(maxsize=4096)
def _msmed_due(delivery: date, credit: int | None, raised: date | None, removed: date | None) -> date:
    # Many invoices of one file share their dates and terms: each distinct set is worked out once.
    return msmed_due_date(delivery=delivery, agreed_credit_days=credit, objection_raised_on=raised,
                          objection_removed_on=removed)


@lru_cache(maxsize=4096)
def _invoice_due(invoice_date: date, stated: date | None, credit: int | None) -> date:
    return invoice_due(invoice_date, stated_due_date=stated, credit_days=credit).due


def due_date_for(inv: InvoiceFacts, facts: CaseFacts) -> date:
    """MSMED s.15 for MSMED claims (credit counts only if agreed in writing); else as invoiced."""
    credit = inv.credit_days if inv.credit_days is not None else facts.agreed_credit_days
    if facts.claim_type == ClaimType.MSMED_INVOICE:
        return _msmed_due(inv.acceptance_date or inv.invoice_date,
                          credit if facts.has_written_agreement else None,
                          inv.objection_raised_on, inv.objection_removed_on)
    return _invoice_due(inv.invoice_date, inv.due_date, credit)


def debtor_values(debtor: DebtorFacts) -> dict:
    return {"legal_name": debtor.legal_name.strip(), "postal_address": debtor.postal_address.strip(),
            "gstin": debtor.gstin, "pan": debtor.pan or (debtor.gstin[2:12] if debtor.gstin else None)}


def contact_keys(debtor: DebtorFacts) -> list[tuple[ContactKind, str]]:
    """The debtor's addresses, e-mail first, each once, in the order given."""
    wanted = [(ContactKind.EMAIL, e.strip().lower()) for e in debtor.emails] + \
             [(ContactKind.MOBILE, m) for m in debtor.mobiles]
    return list(dict.fromkeys(wanted))


def terms_values(facts: CaseFacts) -> dict:
    return {"claim_type": facts.claim_type, "buyer_relationship": facts.buyer_relationship,
            "has_written_agreement": facts.has_written_agreement, "agreement_date": facts.agreement_date,
            "agreed_credit_days": facts.agreed_credit_days,
            "has_arbitration_clause": facts.has_arbitration_clause,
            "stated_interest_rate": facts.stated_interest_rate, "rate_basis": facts.rate_basis,
            "part_month": facts.part_month, "rounding": facts.rounding, "summary": facts.summary.strip()}


def invoice_values(inv: InvoiceFacts, facts: CaseFacts) -> dict:
    """The stored invoice (without its keys): amounts to the paisa, the total as their sum."""
    taxable, gst = to_paisa(inv.taxable_value), to_paisa(inv.gst_amount)
    return {"number": inv.number.strip(), "invoice_date": inv.invoice_date,
            "acceptance_date": inv.acceptance_date, "credit_days": inv.credit_days,
            "taxable_value": taxable, "gst_amount": gst, "total": taxable + gst,
            "due_date": due_date_for(inv, facts), "objection_raised_on": inv.objection_raised_on,
            "objection_removed_on": inv.objection_removed_on, "description": inv.description.strip()}


def payment_values(pay: PaymentFacts) -> dict:
    return {"amount": to_paisa(pay.amount), "paid_on": pay.paid_on, "method": pay.method,
            "reference": pay.reference.strip()}


def snapshot_body(*, reference: str, creditor: Organization, debtor: dict,
                  contacts: list[tuple[ContactKind, str]], terms: dict, invoices: list[dict],
                  payments: list[dict], acknowledgements: list[dict]) -> dict:
    """The facts a version records, from stored values: `debtor`, `terms`, `invoices` and
    `payments` as `debtor_values`, `terms_values`, `invoice_values` and `payment_values` give them."""
    return {
        "reference": reference, "claim_type": terms["claim_type"].value,
        "creditor": {"id": creditor.id, "legal_name": creditor.legal_name},
        "debtor": {"legal_name": debtor["legal_name"], "gstin": debtor["gstin"], "pan": debtor["pan"],
                   "postal_address": debtor["postal_address"],
                   "contacts": [[kind.value, value] for kind, value in contacts]},
        "terms": {"buyer_relationship": terms["buyer_relationship"].value,
                  "has_written_agreement": terms["has_written_agreement"],
                  "agreement_date": terms["agreement_date"],
                  "agreed_credit_days": terms["agreed_credit_days"],
                  "has_arbitration_clause": terms["has_arbitration_clause"],
                  "stated_interest_rate": terms["stated_interest_rate"],
                  "rate_basis": terms["rate_basis"].value, "part_month": terms["part_month"].value,
                  "rounding": terms["rounding"].value},
        "invoices": [{"number": i["number"], "invoice_date": i["invoice_date"],
                      "acceptance_date": i["acceptance_date"], "due_date": i["due_date"],
                      "credit_days": i["credit_days"], "taxable_value": i["taxable_value"],
                      "gst_amount": i["gst_amount"], "total": i["total"],
                      "objection_raised_on": i["objection_raised_on"],
                      "objection_removed_on": i["objection_removed_on"]} for i in invoices],
        "payments": [{"amount": p["amount"], "paid_on": p["paid_on"], "method": p["method"].value,
                      "reference": p["reference"]} for p in payments],
        "acknowledgements": acknowledgements,
    }


def version_hash(body: dict) -> tuple[str, str]:
    """(the canonical text of a snapshot, its SHA-256)."""
    text = canonical_json(body)
    return text, hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Written:
    """A case `insert_new` wrote: its key, what its first facts version hashed to, and its figures
    for the audit event."""
    case_id: int
    party_id: int
    sha256: str
    debtor_name: str
    invoices: int
    invoiced: Decimal


def insert_new(actor: User, org: Organization, many: list[CaseFacts], references: list[str],
               now: datetime) -> list[Written]:
    """Insert draft cases for checked facts as rows, one statement per table: the debtor and its
    contacts, the case with its stored sums (portal.cases.totals' figures, worked out here), its
    invoices and payments, and its first facts version. The audit events are the caller's."""
    n = len(many)
    # Keys are taken beforehand only where another row points at them (a contact at its debtor,
    # an invoice at its case, a payment at its invoice); the rest take theirs as they are inserted.
    party_ids = reserve_ids(Party.__table__, n)
    case_ids = reserve_ids(Case.__table__, n)
    contacts = [contact_keys(facts.debtor) for facts in many]
    named = any(pay.invoice_number for facts in many for pay in facts.payments)
    invoice_ids = iter(reserve_ids(Invoice.__table__, sum(len(f.invoices) for f in many)) if named else ())
    rows: dict[str, list[dict]] = {"parties": [], "contacts": [], "cases": [], "invoices": [],
                                   "payments": [], "versions": []}
    written = []
    for k, (facts, reference) in enumerate(zip(many, references, strict=True)):
        party_id, case_id = party_ids[k], case_ids[k]
        debtor, terms = debtor_values(facts.debtor), terms_values(facts)
        invoices = [invoice_values(inv, facts) for inv in facts.invoices]
        for inv in invoices:
            if named:
                inv["id"] = next(invoice_ids)
            inv["case_id"] = case_id
        by_number = {inv["number"]: inv.get("id") for inv in invoices}
        payments = [payment_values(pay) for pay in facts.payments]
        for pay, given in zip(payments, facts.payments, strict=True):
            pay.update(case_id=case_id, recorded_by_id=actor.id,
                       invoice_id=by_number[given.invoice_number.strip()] if given.invoice_number else None)
        invoiced = sum((i["total"] for i in invoices), ZERO)
        paid = sum((p["amount"] for p in payments), ZERO)
        text, sha256 = version_hash(snapshot_body(
            reference=reference, creditor=org, debtor=debtor, contacts=contacts[k], terms=terms,
            invoices=invoices, payments=payments, acknowledgements=[]))
        rows["parties"].append({"id": party_id, "created_by_org_id": org.id, **debtor, "created_at": now})
        rows["contacts"].extend({"party_id": party_id, "kind": kind, "value": value, "source": SOURCE}
                                for kind, value in contacts[k])
        rows["cases"].append({
            "id": case_id, "reference": reference, "creditor_org_id": org.id, "debtor_party_id": party_id,
            "created_by_id": actor.id, **terms, "facts_version": 1,  # the status: its default, a draft
            "invoiced_sum": invoiced, "outstanding_sum": invoiced - paid,
            "created_at": now, "updated_at": now, "status_changed_at": now})
        rows["invoices"].extend(invoices)
        rows["payments"].extend(payments)
        rows["versions"].append({"case_id": case_id, "version": 1, "snapshot": text,
                                 "sha256": sha256, "reason": CREATED, "created_by_id": actor.id,
                                 "created_at": now})
        written.append(Written(case_id, party_id, sha256, debtor["legal_name"], len(invoices), invoiced))
    for table, key in ((Party.__table__, "parties"), (PartyContact.__table__, "contacts"),
                       (Case.__table__, "cases"), (Invoice.__table__, "invoices"),
                       (Payment.__table__, "payments"), (CaseFactsVersion.__table__, "versions")):
        insert_rows(table, rows[key])
    return written
