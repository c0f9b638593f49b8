"""Collections before a notice (portal/receivables): the organisation's debtors, the reminders sent
or due on a case's invoices and the debtor's promises to pay."""
from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from portal.api import schemas as s
from portal.api.blueprint import bp
from portal.api.http import BadInput, PageQuery, answer, body, caller, page_args, page_links
from portal.api.spec import operation
from portal.api.views.cases import case_for
from portal.cases import Invoice, today_ist
from portal.extensions import db
from portal.receivables import (
    DEBTORS_TAG,
    Promise,
    PromiseInvalid,
    Reminder,
    debtors_page,
    make,
    require_staff,
)


def staff_case(reference: str):
    """Collections are the creditor's own follow-up: its staff only (a stranger to the case: 404)."""
    case = case_for(reference)
    require_staff(caller())
    return case


@operation(bp, "/cases/<reference>/reminders", "GET", summary="Reminders", scope="read",
           tag="Reminders and promises", answer=s.ReminderList)
def list_reminders(reference: str):
    case = staff_case(reference)
    rows = db.session.scalars(select(Reminder).where(Reminder.case_id == case.id)
                              .order_by(Reminder.due_on, Reminder.id))
    return answer(s.ReminderList(reminders=[
        s.ReminderDetail(id=r.id, invoice_id=r.invoice_id, status=r.status.value, due_on=r.due_on,
                         sent_at=r.sent_at, detail=r.detail) for r in rows]))


@operation(bp, "/cases/<reference>/promises", "GET", summary="Promises to pay", scope="read",
           tag="Reminders and promises", answer=s.PromiseList)
def list_promises(reference: str):
    """How each was made (the debtor's link, a call, ...) and whether it was kept or broken."""
    case = staff_case(reference)
    rows = db.session.scalars(select(Promise).where(Promise.case_id == case.id)
                              .order_by(Promise.created_at, Promise.id))
    return answer(s.PromiseList(promises=[_promise(p) for p in rows]))


def _promise(p: Promise) -> s.PromiseDetail:
    return s.PromiseDetail(id=p.id, invoice_id=p.invoice_id, amount=p.amount,
                           promised_for=p.promised_for, status=p.status.value, made_how=p.made_how,
                           created_at=p.created_at, decided_at=p.decided_at)


@operation(bp, "/cases/<reference>/promises", "POST", summary="Record a promise to pay", scope="write",
           tag="Reminders and promises", body=s.PromiseIn, answer=s.PromiseDetail, status=201)
def record_promise(reference: str):
    """A promise the debtor made to the creditor's staff (on a call, say): the invoice's waiting
    reminders are set aside until it is kept or broken. One open promise per invoice."""
    case = staff_case(reference)
    got = body(s.PromiseIn)
    invoice = db.session.scalar(select(Invoice).where(Invoice.case_id == case.id,
                                                      Invoice.number == got.invoice_number))
    if invoice is None:
        raise BadInput(422, "Invalid promise", "No invoice of this case has that number.",
                       {"invoice_number": ["No invoice of this case has that number."]})
    try:
        promise = make(caller(), invoice, got.amount, got.promised_for,
                                made_how="staff, recorded through the API", today=today_ist(),
                                note=got.note)
    except PromiseInvalid as exc:
        raise BadInput(422, "Invalid promise", str(exc), {exc.field: [str(exc)]}) from exc
    return answer(_promise(promise), 201)


@operation(bp, "/debtors", "GET", summary="Debtors", scope="read", tag="Reminders and promises",
           query=PageQuery, answer=s.DebtorList)
def list_debtors():
    """The organisation's debtors (the parties its cases are against) by name, A to Z, each with
    its rolled-up position; follow `next` until it is null. One SQL statement a page. Its staff
    only, as on the collections pages."""
    org_id = require_staff(caller())
    args = page_args(DEBTORS_TAG, "str")
    page = debtors_page(org_id, args)
    return answer(s.DebtorList(debtors=[
        s.DebtorRow(id=party.id, legal_name=party.legal_name, gstin=party.gstin,
                    position=None if pos is None else s.DebtorPosition(
                        outstanding=pos.outstanding, open_invoices=pos.open_invoices,
                        oldest_due=pos.oldest_due, days_overdue=pos.days_overdue,
                        refreshed_at=pos.refreshed_at),
                    cases_url=url_for("api_v1.list_cases", debtor=party.id))
        for party, pos in page.rows], **page_links("api_v1.list_debtors", page, args)))
