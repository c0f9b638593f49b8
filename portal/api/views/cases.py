"""Cases: create (with invoices, payments, the debtor and an engaged advocate), list with the case
list's filters and keyset pages, read, withdraw; their invoices, payments and audit events."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from flask import url_for
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import select

from portal import audit, money
from portal.accounts import Action, require
from portal.api import schemas as s
from portal.api.blueprint import bp
from portal.api.http import BadInput, PageQuery, answer, body, caller, page_args, page_links, query
from portal.api.spec import operation
from portal.cases import (
    AGEING,
    PAGE_SIZE,
    SORTS,
    BadListQuery,
    CaseIn,
    CaseStatus,
    FactsInvalid,
    Invoice,
    Payment,
    PaymentMethod,
    case_position,
    case_snapshot,
    find_engaged_advocate,
    fire,
    load_case,
    parse_list_query,
    record_payment,
    today_ist,
    visible_cases,
)
from portal.cases import create_case as register_case
from portal.cases import page as list_page
from portal.errors import DomainError
from portal.extensions import db
from portal.payments import payments_page

MAX_LIMIT = 200


class CaseListQuery(BaseModel):
    """The case list's filters (as on the Cases page) and the page cursor."""

    model_config = ConfigDict(extra="forbid")
    q: str | None = Field(None, description="Reference, debtor name or GSTIN", max_length=200)
    status: Literal[tuple(c.value for c in CaseStatus)] | None = Field(None, description="A case status")
    debtor: str | None = Field(None, description="The debtor party's id", max_length=20)
    advocate: str | None = Field(None, description="The advocate's user id", max_length=20)
    owner: str | None = Field(None, description="The staff member following the debtor up", max_length=20)
    ageing: Literal[tuple(AGEING)] | None = Field(None, description="Days overdue, a band")
    min_due: str | None = Field(None, description="Least principal outstanding, rupees", max_length=30)
    max_due: str | None = Field(None, description="Most principal outstanding, rupees", max_length=30)
    sort: Literal[tuple(SORTS)] | None = None
    after: str | None = Field(None, description="The cursor from `next`", max_length=500)
    before: str | None = Field(None, description="The cursor from `prev`", max_length=500)
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = PAGE_SIZE


class PaymentRecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: money.api_money(minimum=Decimal("0.01"))
    paid_on: date
    method: PaymentMethod = PaymentMethod.OTHER
    reference: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] = ""
    invoice_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] | None = None


def case_for(reference: str, action: Action | str = Action.VIEW_CASE):
    case = load_case(reference)
    require(caller(), action, case)
    return case


def _summary(case) -> s.DebtorSummary:
    return s.DebtorSummary(legal_name=case.debtor.legal_name, gstin=case.debtor.gstin)


@operation(bp, "/cases", "POST", summary="Create a case", scope="write", tag="Cases", body=CaseIn,
           answer=s.CaseCreated, status=201)
def create_case():
    """A draft case with its debtor, invoices and payments received; `advocate_email` assigns an
    advocate the organisation has engaged. The facts are checked as on the claim form."""
    user = caller()
    require(user, Action.CREATE_CASE)
    case_in = body(CaseIn)
    advocate = None
    if case_in.advocate_email:
        try:
            advocate = find_engaged_advocate(user.org_id, case_in.advocate_email)
        except DomainError as exc:
            raise BadInput(422, "Invalid case", str(exc), {"advocate_email": [str(exc)]}) from exc
    try:
        case = register_case(user, case_in.to_facts(), advocate=advocate)
    except FactsInvalid as exc:
        raise BadInput(422, "Invalid case", "Some facts are not consistent.", exc.errors) from exc
    return answer(s.CaseCreated(reference=case.reference, status=case.status.value,
                                facts_version=case.facts_version,
                                url=url_for("api_v1.get_case", reference=case.reference)), 201)


@operation(bp, "/cases", "GET", summary="List cases", scope="read", tag="Cases", query=CaseListQuery,
           answer=s.CasePage, errors=(401, 403))
def list_cases():
    """Newest first; follow `next` until it is null. One SQL statement a page."""
    user = caller()
    args = query(CaseListQuery)
    raw = {k: v for k, v in args.model_dump(exclude={"limit"}).items() if v not in (None, "")}
    errors = {}
    for name in {"debtor", "advocate", "owner", "min_due", "max_due"} & raw.keys():  # each alone, to name it
        try:
            parse_list_query({name: raw[name]})
        except BadListQuery as exc:
            errors[name] = [str(exc)]
    try:
        parsed = parse_list_query(raw)
    except BadListQuery as exc:
        raise BadInput(400, "Invalid query", str(exc), errors or {"query": [str(exc)]}) from exc
    page = list_page(db.session, visible_cases(user), parsed, today_ist(), size=args.limit)

    def link(cursor: str | None, direction: str) -> str | None:
        if cursor is None:
            return None
        return url_for("api_v1.list_cases", **parsed.params(**{direction: cursor}), limit=args.limit)

    rows = [s.CaseRow(reference=r.case.reference, status=r.case.status.value,
                      claim_type=r.case.claim_type.value, created_at=r.case.created_at,
                      debtor=s.DebtorSummary(legal_name=r.debtor_name, gstin=r.debtor_gstin),
                      advocate=r.advocate_name, invoiced=r.invoiced, principal_outstanding=r.outstanding,
                      oldest_unpaid_due=r.oldest_due,
                      url=url_for("api_v1.get_case", reference=r.case.reference)) for r in page.rows]
    return answer(s.CasePage(cases=rows, next=link(page.next_cursor, "after"),
                             prev=link(page.prev_cursor, "before")))


@operation(bp, "/cases/<reference>", "GET", summary="Read a case", scope="read", tag="Cases",
           answer=s.CaseDetail)
def get_case(reference: str):
    """Its facts and the amount due today (the figure every page shows)."""
    case = case_for(reference)
    ref = case.reference
    return answer(s.CaseDetail(
        reference=ref, status=case.status.value, claim_type=case.claim_type.value,
        created_at=case.created_at, facts_version=case.facts_version, debtor=_summary(case),
        advocate=case.advocate.name if case.advocate else None,
        facts=json.loads(audit.canonical_json(case_snapshot(case))),
        position=json.loads(audit.canonical_json(case_position(case, today_ist()).as_dict())),
        links={name: url_for(f"api_v1.{name}", reference=ref) for name in (
            "list_invoices", "list_payments", "list_documents", "list_notices", "list_responses",
            "list_offers", "settlement", "list_reminders", "list_promises", "list_audit_events")}))


@operation(bp, "/cases/<reference>/withdraw", "POST", summary="Withdraw a case", scope="write",
           tag="Cases", body=s.WithdrawIn, answer=s.CaseStatusOut)
def withdraw_case(reference: str):
    """The claim ends: no notice, reminder or payment request goes out on it any more. The reason
    is kept in the audit trail. A 409 when the case is already closed or withdrawn."""
    case = case_for(reference, "transition:withdraw")
    reason = body(s.WithdrawIn).reason
    fire(case, "withdraw", caller(), payload={"reason": reason})
    return answer(s.CaseStatusOut(reference=case.reference, status=case.status.value))


@operation(bp, "/cases/<reference>/invoices", "GET", summary="A case's invoices", scope="read",
           tag="Invoices and payments", answer=s.InvoiceList)
def list_invoices(reference: str):
    case = case_for(reference)
    rows = db.session.scalars(select(Invoice).where(Invoice.case_id == case.id).order_by(Invoice.id))
    return answer(s.InvoiceList(invoices=[s.Invoice.model_validate(i) for i in rows]))


def _payment(p: Payment) -> s.Payment:
    return s.Payment(id=p.id, amount=p.amount, paid_on=p.paid_on, method=p.method.value,
                     reference=p.reference, invoice_id=p.invoice_id, source=p.source.value)


@operation(bp, "/cases/<reference>/payments", "GET", summary="Payments received on a case",
           scope="read", tag="Invoices and payments", query=PageQuery, answer=s.PaymentList)
def list_payments(reference: str):
    """Newest first (by the day paid); follow `next` until it is null. One SQL statement a page."""
    case = case_for(reference)
    args = page_args("payments", "date")
    page = payments_page(case, args)
    return answer(s.PaymentList(payments=[_payment(p) for p, _receipt in page.rows],
                                **page_links("api_v1.list_payments", page, args, reference=case.reference)))


@operation(bp, "/cases/<reference>/payments", "POST", summary="Record a payment received",
           scope="write", tag="Invoices and payments", body=PaymentRecordIn, answer=s.Payment,
           status=201)
def record_case_payment(reference: str):
    """Money the creditor received outside Sulah; `invoice_number` sets it against one invoice."""
    case = case_for(reference, Action.RECORD_CASE_EVENT)
    got = body(PaymentRecordIn)
    invoice_id = None
    if got.invoice_number:
        invoice_id = db.session.scalar(select(Invoice.id).where(Invoice.case_id == case.id,
                                                                Invoice.number == got.invoice_number))
        if invoice_id is None:
            raise BadInput(422, "Invalid payment", "No invoice of this case has that number.",
                           {"invoice_number": ["No invoice of this case has that number."]})
    if got.paid_on > today_ist():
        raise BadInput(422, "Invalid payment", "A payment cannot be dated in the future.",
                       {"paid_on": ["A payment cannot be dated in the future."]})
    payment = record_payment(caller(), case, got.amount, got.paid_on, got.method, got.reference,
                             invoice_id=invoice_id)
    return answer(_payment(payment), 201)


@operation(bp, "/cases/<reference>/audit-events", "GET", summary="A case's audit trail",
           scope="read", tag="Audit", query=PageQuery, answer=s.AuditList)
def list_audit_events(reference: str):
    """The events of the case's hash-chained ledger, newest first, with their hashes; follow `next`
    until it is null (`case_seq` orders the chain). One SQL statement a page."""
    case = case_for(reference, Action.VIEW_AUDIT)
    args = page_args("audit")
    page = audit.events_page(case.id, args)
    return answer(s.AuditList(events=[
        s.AuditEvent(case_seq=e.case_seq, action=e.action, actor_role=e.actor_role,
                     created_at=e.created_at, data=e.data, hash=e.case_hash or e.hash)
        for e in page.rows], **page_links("api_v1.list_audit_events", page, args, reference=case.reference)))
