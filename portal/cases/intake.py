"""Creating and editing a claim from its facts; every save is an immutable, hashed facts version."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from portal import audit
from portal.accounts import User
from portal.cases import rows
from portal.cases.assignment import assign_new_cases
from portal.cases.facts import CaseFacts, DebtorFacts, FactsInvalid, InvoiceFacts, check_facts
from portal.cases.hooks import invoices_on_record, payments_on_record
from portal.cases.models import (
    Case,
    CaseFactsVersion,
    ContactKind,
    Invoice,
    Party,
    PartyContact,
    Payment,
)
from portal.cases.references import reserve_references
from portal.cases.rows import (
    SOURCE,
    contact_keys,
    debtor_values,
    invoice_values,
    payment_values,
    snapshot_body,
    terms_values,
    version_hash,
)
from portal.cases.states import CaseStatus
from portal.errors import DomainError
from portal.extensions import db
from portal.formatting import day, rupees
from portal.types import to_ist, utcnow

EDITABLE = frozenset({CaseStatus.DRAFT, CaseStatus.FILED, CaseStatus.NOTICE_DRAFTING})


def today_ist() -> date:
    return to_ist(utcnow()).date()


def _apply_debtor(party: Party, debtor: DebtorFacts) -> None:
    for name, value in debtor_values(debtor).items():
        setattr(party, name, value)
    existing = {(c.kind, c.value): c for c in party.contacts}
    party.contacts = [existing.get(key) or PartyContact(kind=key[0], value=key[1], source=SOURCE)
                      for key in contact_keys(debtor)]


def _apply_invoices(case: Case, facts: CaseFacts) -> None:
    by_number = {i.number: i for i in case.invoices}
    keep = []
    for inv in facts.invoices:
        values = invoice_values(inv, facts)
        row = by_number.get(values["number"]) or Invoice(number=values["number"])
        for name, value in values.items():
            setattr(row, name, value)
        keep.append(row)
    dropped = [i for i in case.invoices if i not in keep and i.id is not None]
    if dropped and any(p.invoice_id in {i.id for i in dropped} for p in case.payments):
        raise DomainError("An invoice with a recorded payment cannot be removed.")
    on_record = _on_record(invoices_on_record, [i.id for i in dropped])
    if on_record:
        numbers = ", ".join(i.number for i in dropped if i.id in on_record)
        raise DomainError(f"Invoice {numbers} cannot be removed: collections has reminders, a promise or a "
                          "dispute about it on record. If it is not owed, record the credit note as a "
                          "payment against it.")
    case.invoices = keep


def _on_record(parts, ids: list[int]) -> set[int]:
    """Those of `ids` some package above cases keeps a record about (portal.cases.hooks)."""
    return set().union(*parts.collect(ids).values()) if ids else set()


def _apply_payments(case: Case, facts: CaseFacts, actor: User) -> None:
    """The payments as the facts list them. One already recorded with the same amount, date, method,
    reference and invoice stays the same row (its id, who recorded it and how); the others are
    replaced. A payment another record rests on (a receipt, the debtor's report it confirmed, a
    gateway's event: portal.cases.hooks.payments_on_record) cannot be changed or removed here."""
    numbers = {i.number: i for i in case.invoices}
    left = list(case.payments)
    keep = []
    for pay in facts.payments:
        values = payment_values(pay)
        values["invoice_id"] = numbers[pay.invoice_number.strip()].id if pay.invoice_number else None
        same = next((p for p in left if (p.amount, p.paid_on, p.method, p.reference, p.invoice_id)
                     == (values["amount"], values["paid_on"], values["method"], values["reference"],
                         values["invoice_id"])), None)
        if same is not None:
            left.remove(same)
            keep.append(same)
        else:
            keep.append(Payment(**values, recorded_by_id=actor.id))
    on_record = _on_record(payments_on_record, [p.id for p in left if p.id is not None])
    fixed = [p for p in left if p.id in on_record]
    if fixed:
        raise DomainError(" ".join(
            f"The payment of {rupees(p.amount)} received on {day(p.paid_on)} has a receipt or a "
            "confirmed report on record: it cannot be changed or removed by editing the facts."
            for p in fixed) + " Put it back as it was; record a correction as a new payment.")
    case.payments = keep


def _apply_terms(case: Case, facts: CaseFacts) -> None:
    for name, value in terms_values(facts).items():
        setattr(case, name, value)


def snapshot(case: Case) -> dict:
    """The facts of a loaded case as a version records them (portal.cases.rows.snapshot_body)."""
    d = case.debtor
    return snapshot_body(
        reference=case.reference, creditor=case.creditor,
        debtor={"legal_name": d.legal_name, "gstin": d.gstin, "pan": d.pan,
                "postal_address": d.postal_address},
        contacts=[(c.kind, c.value) for c in d.contacts],
        terms={name: getattr(case, name) for name in _TERMS},
        invoices=[{name: getattr(i, name) for name in _INVOICE} for i in case.invoices],
        payments=[{"amount": p.amount, "paid_on": p.paid_on, "method": p.method, "reference": p.reference}
                  for p in case.payments],
        acknowledgements=[{"on": a.acknowledged_on, "description": a.description}
                          for a in case.acknowledgements])


_TERMS = ("claim_type", "buyer_relationship", "has_written_agreement", "agreement_date", "agreed_credit_days",
          "has_arbitration_clause", "stated_interest_rate", "rate_basis", "part_month", "rounding")
_INVOICE = ("number", "invoice_date", "acceptance_date", "due_date", "credit_days", "taxable_value",
            "gst_amount", "total", "objection_raised_on", "objection_removed_on")


def _new_version(actor: User, case: Case, reason: str) -> CaseFactsVersion:
    body, sha256 = version_hash(snapshot(case))
    case.facts_version += 1
    return CaseFactsVersion(case_id=case.id, version=case.facts_version, snapshot=body,
                            sha256=sha256, reason=reason, created_by_id=actor.id)


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
    advocate the organisation engaged, assigned at once. An invoice of this debtor already in
    another of the organisation's claims is refused (one debt, one claim)."""
    _refuse_claimed_elsewhere(actor.org_id, facts, None)
    return create_cases(actor, [facts], today=today, advocates=[advocate])[0]


def _refuse_claimed_elsewhere(org_id: int | None, facts: CaseFacts, case_id: int | None) -> None:
    """FactsInvalid naming each invoice of the facts that another claim of the organisation (not
    withdrawn) already holds for the same debtor: the same GSTIN, or the same legal name where
    either has none. Bulk imports check the same against the file's debtors (portal.imports.planner)."""
    numbers = {inv.number.strip(): i for i, inv in enumerate(facts.invoices) if (inv.number or "").strip()}
    name = facts.debtor.legal_name.strip().lower()  # as stored (rows.debtor_values), in either case
    if not numbers or org_id is None or not name:
        return
    same_name = func.lower(Party.legal_name) == name
    debtor = (or_(Party.gstin == facts.debtor.gstin, Party.gstin.is_(None) & same_name)
              if facts.debtor.gstin else same_name)
    stmt = (select(Invoice.number, Case.reference).join(Case, Case.id == Invoice.case_id)
            .join(Party, Party.id == Case.debtor_party_id)
            .where(Case.creditor_org_id == org_id, Case._status != CaseStatus.WITHDRAWN,
                   Invoice.number.in_(sorted(numbers)), debtor))
    if case_id is not None:
        stmt = stmt.where(Case.id != case_id)
    found = dict(db.session.execute(stmt.order_by(Case.id)).all())
    if found:
        raise FactsInvalid({f"invoices.{numbers[number]}.number": [
            f"Invoice {number} of this debtor is already in claim {reference}: one debt, one claim."]
            for number, reference in sorted(found.items())})


_LOAD_CHUNK = 5_000  # cases read back per statement


def create_cases(actor: User, many: list[CaseFacts], *, today: date | None = None,
                 advocates: list[User | None] | None = None) -> list[Case]:
    """Draft cases (one from the form or the API, thousands from an import): each checked, written
    as rows one statement per table (portal.cases.rows), read back, and given its "case.created"
    audit event, all in the caller's transaction. The statements do not grow with the cases.

    `advocates`, one per facts (None: nobody yet), are assigned after creation; each advocate gets
    one e-mail naming all of their new cases."""
    today = today or today_ist()
    advocates = advocates or [None] * len(many)
    if len(advocates) != len(many):
        raise ValueError("create_cases: one advocate (or None) per case")
    if not many:
        return []
    org = actor.organization
    for facts in many:
        check_facts(facts, org, today)
    db.session.flush()  # the transaction's pending changes go first, as they would at an ORM flush
    now = utcnow()
    written = rows.insert_new(actor, org, many, reserve_references(now, len(many)), now)
    ids = [w.case_id for w in written]
    loaded: dict[int, Case] = {}
    for first in range(0, len(ids), _LOAD_CHUNK):
        loaded.update((c.id, c) for c in db.session.scalars(
            select(Case).where(Case.id.in_(ids[first:first + _LOAD_CHUNK]))))
    cases = [loaded[i] for i in ids]
    audit.record_many([("case.created", case, {
        "reference": case.reference, "claim_type": case.claim_type.value, "debtor": w.debtor_name,
        "invoices": w.invoices, "total": w.invoiced, "facts_version": 1, "facts_sha256": w.sha256})
        for case, w in zip(cases, written, strict=True)], actor=actor)
    assign_new_cases(actor, cases, advocates)
    return cases


def _check_editable(case: Case) -> None:
    if case.status not in EDITABLE:
        raise DomainError("The facts of this case can no longer be edited: a notice has gone "
                          "for review. Record corrections through the advocate.")


def update_case(actor: User, case: Case, facts: CaseFacts, *, today: date | None = None) -> Case:
    """Edit the facts; a new facts version is recorded, earlier versions stay as they were."""
    _check_editable(case)
    check_facts(facts, case.creditor, today or today_ist())
    _refuse_claimed_elsewhere(case.creditor_org_id, facts, case.id)
    _apply_debtor(case.debtor, facts.debtor)
    _apply_terms(case, facts)
    _apply_invoices(case, facts)
    db.session.flush()
    _apply_payments(case, facts, actor)
    record_version(actor, case, "edited")
    return case


def add_invoices(actor: User, case: Case, invoices: list[InvoiceFacts], reason: str, *,
                 today: date | None = None) -> Case:
    """More invoices on a claim whose facts may still be edited (the creditor's books show its
    debtor owes more): checked with the claim's other facts as the form checks them, a new facts
    version recorded; the debtor, the terms and the payments stay as they are."""
    _check_editable(case)
    facts = facts_from_case(case)
    facts.invoices = [*facts.invoices, *invoices]
    check_facts(facts, case.creditor, today or today_ist())
    for inv in invoices:
        case.invoices.append(Invoice(**invoice_values(inv, facts)))
    db.session.flush()
    record_version(actor, case, reason)
    return case


def latest_version(case: Case) -> CaseFactsVersion | None:
    return db.session.scalar(select(CaseFactsVersion).where(CaseFactsVersion.case_id == case.id)
                             .order_by(CaseFactsVersion.version.desc()).limit(1))


def facts_from_case(case: Case) -> CaseFacts:
    """The current facts, to pre-fill the edit form."""
    from portal.cases.facts import PaymentFacts

    d = case.debtor
    numbers = {i.id: i.number for i in case.invoices}
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
        payments=[PaymentFacts(amount=p.amount, paid_on=p.paid_on, method=p.method, reference=p.reference,
                               invoice_number=numbers.get(p.invoice_id)) for p in case.payments],
        claim_type=case.claim_type, buyer_relationship=case.buyer_relationship,
        has_written_agreement=case.has_written_agreement, agreement_date=case.agreement_date,
        agreed_credit_days=case.agreed_credit_days, has_arbitration_clause=case.has_arbitration_clause,
        stated_interest_rate=case.stated_interest_rate, rate_basis=case.rate_basis,
        part_month=case.part_month, rounding=case.rounding, summary=case.summary)
