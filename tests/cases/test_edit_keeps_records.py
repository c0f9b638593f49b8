"""Editing a claim's facts keeps what other records rest on. A payment listed again unchanged stays the
same row (who recorded it, how, the invoice it was against); a payment with a receipt or a confirmed
report on record cannot be changed or removed by the edit, nor an invoice collections has reminded,
promises or disputes about. Both failed with an integrity error (a 500) once collections had worked
on a draft claim."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import lxml.html
import pytest
from sqlalchemy import func, select

from portal.cases import intake
from portal.cases.facts import PaymentFacts
from portal.cases.models import Case, CaseFactsVersion, Payment, PaymentMethod, PaymentSource
from portal.cases.states import CaseStatus
from portal.errors import DomainError
from portal.extensions import db
from portal.payments import services
from portal.receivables.tasks import run_once
from tests.conftest import csrf_from
from tests.factories import CaseFactory, CreditorFactory
from tests.receivables.helpers import creditor_with_reminders, debtor_case, invoice

TODAY = date(2026, 12, 7)


@pytest.fixture
def claim(db_session):
    creditor = CreditorFactory()
    case = CaseFactory(creditor=creditor.organization, created_by_id=creditor.id,
                       invoices=[invoice("A-1", date(2026, 10, 1), "50000.00"),
                                 invoice("A-2", date(2026, 11, 1), "20000.00")])
    db.session.flush()
    return creditor, case


def _confirmed(creditor, case) -> Payment:
    """A debtor's UPI payment the creditor confirmed: a receipt is issued for it."""
    return services.record(case, Decimal("10000.00"), date(2026, 12, 1), PaymentMethod.UPI, "412345678901",
                           PaymentSource.DEBTOR_REPORT, creditor, TODAY)


def test_an_edit_keeps_a_confirmed_payment_as_recorded(claim):
    creditor, case = claim
    paid = _confirmed(creditor, case)
    facts = intake.facts_from_case(case)
    facts.summary = "The buyer's address corrected."
    intake.update_case(creditor, case, facts, today=TODAY)
    db.session.flush()
    db.session.expire_all()
    (kept,) = db.session.get(Case, case.id).payments
    assert (kept.id, kept.source, kept.recorded_by_id) == (paid.id, PaymentSource.DEBTOR_REPORT, creditor.id)


def test_a_payment_against_an_invoice_stays_against_it(claim):
    creditor, case = claim
    intake.update_case(creditor, case, _with_payments(case, PaymentFacts(
        Decimal("5000.00"), date(2026, 11, 20), PaymentMethod.NEFT, "UTR9", invoice_number="A-2")), today=TODAY)
    db.session.flush()
    first = case.payments[0]
    assert intake.facts_from_case(case).payments[0].invoice_number == "A-2"  # the edit form shows it
    intake.update_case(creditor, case, intake.facts_from_case(case), today=TODAY)
    db.session.flush()
    assert [(p.id, p.invoice_id) for p in case.payments] == [(first.id, case.invoices[1].id)]


def test_the_creditors_own_entry_may_still_be_corrected(claim):
    creditor, case = claim
    intake.update_case(creditor, case, _with_payments(case, PaymentFacts(
        Decimal("5000.00"), date(2026, 11, 20), PaymentMethod.NEFT, "UTR9")), today=TODAY)
    db.session.flush()
    intake.update_case(creditor, case, _with_payments(case, PaymentFacts(
        Decimal("5500.00"), date(2026, 11, 20), PaymentMethod.NEFT, "UTR9")), today=TODAY)
    db.session.flush()
    assert [p.amount for p in case.payments] == [Decimal("5500.00")]


@pytest.mark.parametrize("change", ["removed", "amount changed"])
def test_a_confirmed_payment_cannot_be_changed_or_removed_by_an_edit(claim, change):
    creditor, case = claim
    _confirmed(creditor, case)
    facts = intake.facts_from_case(case)
    if change == "removed":
        facts.payments = []
    else:
        facts.payments[0].amount = Decimal("1000.00")
    with pytest.raises(DomainError, match=r"₹10,000\.00 received on 01 December 2026 has a receipt"):
        intake.update_case(creditor, case, facts, today=TODAY)


def test_the_edit_page_refuses_it_with_a_reason_and_changes_nothing(claim, client, auth, db_session):
    creditor, case = claim
    paid = _confirmed(creditor, case)
    db_session.commit()
    auth.login_as(creditor)
    page = client.get(f"/cases/{case.reference}/edit")
    assert page.status_code == 200 and b"412345678901" in page.data
    versions = db_session.scalar(select(func.count(CaseFactsVersion.id)).where(CaseFactsVersion.case_id == case.id))
    form = _form_of(page.get_data(as_text=True))
    form.update({"csrf_token": csrf_from(page), "summary": "Edited", "payments-0-amount": "1.00"})
    resp = client.post(f"/cases/{case.reference}/edit", data=form)
    assert resp.status_code == 422
    assert "has a receipt or a confirmed report on record" in resp.get_data(as_text=True)
    db_session.expire_all()
    case = db_session.get(Case, case.id)
    assert [(p.id, p.amount) for p in case.payments] == [(paid.id, Decimal("10000.00"))]
    assert case.summary != "Edited"
    assert db_session.scalar(select(func.count(CaseFactsVersion.id))
                             .where(CaseFactsVersion.case_id == case.id)) == versions
    # Unchanged, it saves.
    page = client.get(f"/cases/{case.reference}/edit")
    form = _form_of(page.get_data(as_text=True))
    form.update({"csrf_token": csrf_from(page), "summary": "Edited"})
    assert client.post(f"/cases/{case.reference}/edit", data=form).status_code == 302


def _reminded():
    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("R-1", TODAY - timedelta(days=8)), invoice("R-2", TODAY - timedelta(days=40)),
                       status=CaseStatus.DRAFT)
    run_once(TODAY, queue_sending=False)  # a reminder for each invoice, pending
    return creditor, case


def test_an_invoice_collections_reminded_cannot_be_removed(db_session):
    creditor, case = _reminded()
    facts = intake.facts_from_case(case)
    facts.invoices = [i for i in facts.invoices if i.number != "R-2"]
    with pytest.raises(DomainError, match="Invoice R-2 cannot be removed: collections has reminders"):
        intake.update_case(creditor, case, facts, today=TODAY)


def test_the_edit_page_refuses_removing_a_reminded_invoice(client, auth, db_session):
    creditor, case = _reminded()
    db_session.commit()
    auth.login_as(creditor)
    page = client.get(f"/cases/{case.reference}/edit")
    form = _form_of(page.get_data(as_text=True))
    row = next(k.split("-")[1] for k, v in form.items() if k.endswith("-number") and v == "R-2")
    form = {k: v for k, v in form.items() if not k.startswith(f"invoices-{row}-")}
    form["csrf_token"] = csrf_from(page)
    resp = client.post(f"/cases/{case.reference}/edit", data=form)
    assert resp.status_code == 422
    assert "Invoice R-2 cannot be removed" in resp.get_data(as_text=True)
    db_session.expire_all()
    assert sorted(i.number for i in db_session.get(Case, case.id).invoices) == ["R-1", "R-2"]


def _with_payments(case, *payments: PaymentFacts):
    facts = intake.facts_from_case(case)
    facts.payments = list(payments)
    return facts


def _form_of(html: str) -> dict[str, str]:
    """The edit form's fields as a browser would send them (lxml's form values: the inputs, the
    chosen options, the textareas; no buttons, no unticked boxes)."""
    (form,) = [f for f in lxml.html.fromstring(html).forms if f.get("method", "").lower() == "post"
               and any(name.startswith("invoices-") for name in f.fields)]
    return dict(form.form_values())
