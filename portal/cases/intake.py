"""Creating and editing a claim from its facts; every save is an immutable, hashed facts version."""
from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal import audit
from portal.accounts import User
from portal.audit import canonical_json
from portal.cases.assignment import assign_new_cases
from portal.cases.due_dates import invoice_due, msmed_due_date
from portal.cases.facts import CaseFacts, DebtorFacts, InvoiceFacts, check_facts
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
from portal.cases.references import reserve_references
from portal.cases.states import CaseStatus
from portal.database import give_ids
from portal.errors import DomainError
from portal.extensions import db
from portal.types import to_ist, to_paisa, utcnow

EDITABLE = frozenset({CaseStatus.DRAFT, CaseStatus.FILED, CaseStatus.NOTICE_DRAFTING})


def today_ist() -> date:
    return to_ist(utcnow()).date()


def due_date_for(inv: InvoiceFacts, facts: CaseFacts) -> date:
    """MSMED s.15 for MSMED claims (credit counts only if agreed in writing); else as invoiced."""
    credit = inv.credit_days if inv.credit_days is not None else facts.agreed_credit_days
    if facts.claim_type == ClaimType.MSMED_INVOICE:
        return msmed_due_date(delivery=inv.acceptance_date or inv.invoice_date,
                              agreed_credit_days=credit if facts.has_written_agreement else None,
                              objection_raised_on=inv.objection_raised_on,
                              objection_removed_on=inv.objection_removed_on)
    return invoice_due(inv.invoice_date, stated_due_date=inv.due_date, credit_days=credit).due


def _apply_debtor(party: Party, debtor: DebtorFacts) -> None:
    party.legal_name = debtor.legal_name.strip()
    party.postal_address = debtor.postal_address.strip()
    party.gstin = debtor.gstin
    party.pan = debtor.pan or (debtor.gstin[2:12] if debtor.gstin else None)
    wanted = [(ContactKind.EMAIL, e.strip().lower()) for e in debtor.emails] + \
             [(ContactKind.MOBILE, m) for m in debtor.mobiles]
    wanted = list(dict.fromkeys(wanted))
    existing = {(c.kind, c.value): c for c in party.contacts}
    party.contacts = [existing.get(key) or PartyContact(kind=key[0], value=key[1],
                                                        source="entered by creditor")
                      for key in wanted]


def _apply_invoices(case: Case, facts: CaseFacts) -> None:
    by_number = {i.number: i for i in case.invoices}
    keep = []
    for inv in facts.invoices:
        row = by_number.get(inv.number.strip()) or Invoice(number=inv.number.strip())
        taxable, gst = to_paisa(inv.taxable_value), to_paisa(inv.gst_amount)
        row.invoice_date, row.acceptance_date = inv.invoice_date, inv.acceptance_date
        row.credit_days, row.taxable_value, row.gst_amount = inv.credit_days, taxable, gst
        row.total = taxable + gst
        row.due_date = due_date_for(inv, facts)
        row.objection_raised_on, row.objection_removed_on = inv.objection_raised_on, inv.objection_removed_on
        row.description = inv.description.strip()
        keep.append(row)
    dropped = [i for i in case.invoices if i not in keep and i.id is not None]
    if dropped and any(p.invoice_id in {i.id for i in dropped} for p in case.payments):
        raise DomainError("An invoice with a recorded payment cannot be removed.")
    case.invoices = keep


def _apply_payments(case: Case, facts: CaseFacts, actor: User) -> None:
    numbers = {i.number: i for i in case.invoices}
    case.payments = [Payment(amount=to_paisa(p.amount), paid_on=p.paid_on, method=p.method,
                             reference=p.reference.strip(), recorded_by_id=actor.id,
                             invoice_id=numbers[p.invoice_number].id
                             if p.invoice_number and numbers[p.invoice_number].id else None)
                     for p in facts.payments]


def _apply_terms(case: Case, facts: CaseFacts) -> None:
    case.claim_type = facts.claim_type
    case.buyer_relationship = facts.buyer_relationship
    case.has_written_agreement = facts.has_written_agreement
    case.agreement_date = facts.agreement_date
    case.agreed_credit_days = facts.agreed_credit_days
    case.has_arbitration_clause = facts.has_arbitration_clause
    case.stated_interest_rate = facts.stated_interest_rate
    case.rate_basis, case.part_month = facts.rate_basis, facts.part_month
    case.rounding = facts.rounding
    case.summary = facts.summary.strip()


def snapshot(case: Case) -> dict:
    d = case.debtor
    return {
        "reference": case.reference, "claim_type": case.claim_type.value,
        "creditor": {"id": case.creditor_org_id, "legal_name": case.creditor.legal_name},
        "debtor": {"legal_name": d.legal_name, "gstin": d.gstin, "pan": d.pan,
                   "postal_address": d.postal_address,
                   "contacts": [[c.kind.value, c.value] for c in d.contacts]},
        "terms": {"buyer_relationship": case.buyer_relationship.value,
                  "has_written_agreement": case.has_written_agreement,
                  "agreement_date": case.agreement_date, "agreed_credit_days": case.agreed_credit_days,
                  "has_arbitration_clause": case.has_arbitration_clause,
                  "stated_interest_rate": case.stated_interest_rate,
                  "rate_basis": case.rate_basis.value, "part_month": case.part_month.value,
                  "rounding": case.rounding.value},
        "invoices": [{"number": i.number, "invoice_date": i.invoice_date,
                      "acceptance_date": i.acceptance_date, "due_date": i.due_date,
                      "credit_days": i.credit_days, "taxable_value": i.taxable_value,
                      "gst_amount": i.gst_amount, "total": i.total,
                      "objection_raised_on": i.objection_raised_on,
                      "objection_removed_on": i.objection_removed_on} for i in case.invoices],
        "payments": [{"amount": p.amount, "paid_on": p.paid_on, "method": p.method.value,
                      "reference": p.reference} for p in case.payments],
        "acknowledgements": [{"on": a.acknowledged_on, "description": a.description}
                             for a in case.acknowledgements],
    }


def _new_version(actor: User, case: Case, reason: str) -> CaseFactsVersion:
    body = canonical_json(snapshot(case))
    case.facts_version += 1
    return CaseFactsVersion(case_id=case.id, version=case.facts_version, snapshot=body,
                            sha256=hashlib.sha256(body.encode()).hexdigest(), reason=reason,
                            created_by_id=actor.id)


def record_version(actor: User, case: Case, reason: str) -> CaseFactsVersion:
    db.session.flush()
    version = _new_version(actor, case, reason)
    db.session.add(version)
    db.session.flush()
    audit.record("case.facts_version", actor=actor, case=case,
                 payload={"version": version.version, "sha256": version.sha256, "reason": reason})
    return version


def create_case(actor: User, facts: CaseFacts, *, today: date | None = None,
                advocate: User | None = None) -> Case:
    """A draft case for the actor's organisation, with its first facts version; `advocate`: an
    advocate the organisation engaged, assigned at once."""
    return create_cases(actor, [facts], today=today, advocates=[advocate])[0]


def create_cases(actor: User, many: list[CaseFacts], *, today: date | None = None,
                 advocates: list[User | None] | None = None) -> list[Case]:
    """Draft cases in bulk (the import path): batched inserts, one audit event per case.

    `advocates`, one per facts (None: nobody yet), are assigned after creation; each advocate gets
    one e-mail naming all of their new cases."""
    today = today or today_ist()
    advocates = advocates or [None] * len(many)
    if len(advocates) != len(many):
        raise ValueError("create_cases: one advocate (or None) per case")
    org = actor.organization
    for facts in many:
        check_facts(facts, org, today)
    cases = []
    for facts, ref in zip(many, reserve_references(utcnow(), len(many)), strict=True):
        party = Party(created_by_org_id=actor.org_id, legal_name="", contacts=[])
        _apply_debtor(party, facts.debtor)
        case = Case(reference=ref, creditor_org_id=actor.org_id, creditor=org, debtor=party,
                    claim_type=facts.claim_type, created_by_id=actor.id, invoices=[], payments=[],
                    acknowledgements=[], facts_version=0,
                    # Given, not left to their server defaults: a row with a value to fetch back
                    # is inserted on its own on SQLite. portal.cases.totals sets them at the flush.
                    invoiced_sum=Decimal("0.00"), outstanding_sum=Decimal("0.00"))
        _apply_terms(case, facts)
        _apply_invoices(case, facts)
        cases.append(case)
    # Keys first, so that each table's rows go in batches (not one INSERT per row on SQLite).
    give_ids([case.debtor for case in cases])
    give_ids([contact for case in cases for contact in case.debtor.contacts])
    give_ids(cases)
    give_ids([invoice for case in cases for invoice in case.invoices])
    db.session.add_all(cases)
    db.session.flush()
    for case, facts in zip(cases, many, strict=True):
        if facts.payments:
            _apply_payments(case, facts, actor)
    versions = [_new_version(actor, case, "created") for case in cases]
    give_ids(versions)
    db.session.add_all(versions)
    db.session.flush()
    audit.record_many([("case.created", case, {
        "reference": case.reference, "claim_type": case.claim_type.value,
        "debtor": case.debtor.legal_name, "invoices": len(case.invoices),
        "total": case.invoiced_total, "facts_version": 1, "facts_sha256": v.sha256})
        for case, v in zip(cases, versions, strict=True)], actor=actor)
    assign_new_cases(actor, cases, advocates)
    return cases


def update_case(actor: User, case: Case, facts: CaseFacts, *, today: date | None = None) -> Case:
    """Edit the facts; a new facts version is recorded, earlier versions stay as they were."""
    if case.status not in EDITABLE:
        raise DomainError("The facts of this case can no longer be edited: a notice has gone "
                          "for review. Record corrections through the advocate.")
    check_facts(facts, case.creditor, today or today_ist())
    _apply_debtor(case.debtor, facts.debtor)
    _apply_terms(case, facts)
    _apply_invoices(case, facts)
    db.session.flush()
    _apply_payments(case, facts, actor)
    record_version(actor, case, "edited")
    return case


def latest_version(case: Case) -> CaseFactsVersion | None:
    return db.session.scalar(select(CaseFactsVersion).where(CaseFactsVersion.case_id == case.id)
                             .order_by(CaseFactsVersion.version.desc()).limit(1))


def facts_from_case(case: Case) -> CaseFacts:
    """The current facts, to pre-fill the edit form."""
    from portal.cases.facts import PaymentFacts

    d = case.debtor
    return CaseFacts(
        debtor=DebtorFacts(legal_name=d.legal_name, postal_address=d.postal_address, gstin=d.gstin,
                           pan=d.pan, emails=d.addresses(ContactKind.EMAIL),
                           mobiles=d.addresses(ContactKind.MOBILE)),
        invoices=[InvoiceFacts(number=i.number, invoice_date=i.invoice_date,
                               taxable_value=i.taxable_value, gst_amount=i.gst_amount, total=i.total,
                               acceptance_date=i.acceptance_date, credit_days=i.credit_days,
                               due_date=i.due_date, objection_raised_on=i.objection_raised_on,
                               objection_removed_on=i.objection_removed_on,
                               description=i.description) for i in case.invoices],
        payments=[PaymentFacts(amount=p.amount, paid_on=p.paid_on, method=p.method,
                               reference=p.reference) for p in case.payments],
        claim_type=case.claim_type, buyer_relationship=case.buyer_relationship,
        has_written_agreement=case.has_written_agreement, agreement_date=case.agreement_date,
        agreed_credit_days=case.agreed_credit_days, has_arbitration_clause=case.has_arbitration_clause,
        stated_interest_rate=case.stated_interest_rate, rate_basis=case.rate_basis,
        part_month=case.part_month, rounding=case.rounding, summary=case.summary)
