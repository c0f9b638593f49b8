"""The debtor's answers to a served notice and the debtor's own account: only the case's own
debtor answers (strangers 404, the creditor's side and the neutral 403)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.cases.intake import today_ist
from portal.cases.models import Invoice
from portal.cases.states import CaseStatus
from portal.extensions import db
from tests.debtor.claims import next_weekday
from tests.matrix.common import NOBODY, Probe

S = CaseStatus


def served(w):
    return w.case(S.NOTICE_SERVED)


def with_two_invoices(w):
    """A served case of the debtor with two invoices (admitting part needs one to dispute), built once."""
    if not hasattr(w, "_two_invoices"):
        case = w.new_case(S.NOTICE_SERVED)
        case.invoices.append(Invoice(number="INV-2", invoice_date=date(2026, 3, 5), due_date=date(2026, 4, 19),
                                     taxable_value=Decimal("50000.00"), gst_amount=Decimal("9000.00"),
                                     total=Decimal("59000.00")))
        db.session.flush()
        w._two_invoices = case
    return w._two_invoices


def url(suffix: str, case=served):
    return lambda w: f"/d/{case(w).reference}{suffix}"


DEBTOR_OK = {"debtor": 200}
DONE = {"debtor": 302}

ROUTES = {
    ("debtor_respond.dispute", "GET"): Probe(url("/dispute"), DEBTOR_OK),
    ("debtor_respond.dispute", "POST"): Probe(url("/dispute"), DONE, form=lambda w: {
        "reason": "quality", "explanation": "The yarn delivered was of a lower count than ordered.",
        "invoices": [str(served(w).invoices[0].id)], "file_kind": "other"}),
    ("debtor_respond.admit_part", "GET"): Probe(url("/admit", with_two_invoices), DEBTOR_OK),
    ("debtor_respond.admit_part", "POST"): Probe(url("/admit", with_two_invoices), DONE, form=lambda w: {
        "admitted": [str(with_two_invoices(w).invoices[0].id)], "reason": "amount_wrong",
        "explanation": "INV-2 charges 18% GST where 5% applies to these goods."}),
    ("debtor_respond.propose_plan", "GET"): Probe(url("/plan"), DEBTOR_OK),
    ("debtor_respond.propose_plan", "POST"): Probe(url("/plan"), DONE, form=lambda w: {
        "count": "4", "frequency": "monthly", "first_due": today_ist().isoformat()}),
    ("debtor_respond.call_back", "GET"): Probe(url("/call-back"), DEBTOR_OK),
    ("debtor_respond.call_back", "POST"): Probe(url("/call-back"), DONE, form=lambda w: {
        "day": next_weekday().isoformat(), "slot": "11:00", "phone": "+91 98123 45678"}),
    ("debtor_respond.pay_in_full", "POST"): Probe(url("/pay-in-full"), DONE, form=lambda w: {}),
    # A debtor signed in with its account has nothing to create: back to its list of cases.
    ("debtor_account.create_account", "GET"): Probe(url("/account"), DONE),
    ("debtor_account.create_account", "POST"): Probe(url("/account"), DONE, form=lambda w: {
        "name": "Suresh Rao", "email": "suresh@debtor.example", "password": "Kaveri-dues-2026",
        "confirm": "Kaveri-dues-2026"}),
    ("debtor_account.my_cases", "GET"): Probe(lambda w: "/d/", {"debtor": 200, "other_debtor": 200},
                                              hidden_from=NOBODY),
}
