"""Collections before a notice (portal/receivables): the reminders sent or due on a case's invoices
and the debtor's promises to pay."""
from __future__ import annotations

from sqlalchemy import select

from portal.api import schemas as s
from portal.api.blueprint import bp
from portal.api.http import answer, caller
from portal.api.spec import operation
from portal.api.views.cases import case_for
from portal.extensions import db
from portal.receivables.access import require_staff
from portal.receivables.models import Promise, Reminder


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
        s.Reminder(id=r.id, invoice_id=r.invoice_id, status=r.status.value, due_on=r.due_on,
                   sent_at=r.sent_at, detail=r.detail) for r in rows]))


@operation(bp, "/cases/<reference>/promises", "GET", summary="Promises to pay", scope="read",
           tag="Reminders and promises", answer=s.PromiseList)
def list_promises(reference: str):
    """How each was made (the debtor's link, a call, ...) and whether it was kept or broken."""
    case = staff_case(reference)
    rows = db.session.scalars(select(Promise).where(Promise.case_id == case.id)
                              .order_by(Promise.created_at, Promise.id))
    return answer(s.PromiseList(promises=[
        s.Promise(id=p.id, invoice_id=p.invoice_id, amount=p.amount, promised_for=p.promised_for,
                  status=p.status.value, made_how=p.made_how, created_at=p.created_at,
                  decided_at=p.decided_at) for p in rows]))
