"""One debt, one claim: an invoice of a debtor already in another of the organisation's claims is
refused on the claim form, the edit form and the API (before, the same invoice could be claimed
twice, and two notices could demand one debt). Another debtor's invoice with the same number, and
an invoice of a withdrawn claim, may be claimed."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.cases import intake
from portal.cases.facts import FactsInvalid
from portal.cases.models import Case, Invoice
from portal.cases.states import CaseStatus
from tests.cases.test_intake import api_body, form_data
from tests.conftest import csrf_for, csrf_from
from tests.factories import CreditorFactory


@pytest.fixture
def creditor(db_session):
    return CreditorFactory()


def _create(client, **over):
    page = client.get("/cases/new")
    return client.post("/cases/new", data=form_data(csrf_from(page), **over))


def _claims(db_session, org_id: int) -> int:
    return db_session.scalar(select(func.count(Case.id)).where(Case.creditor_org_id == org_id))


def test_the_same_invoice_of_the_same_debtor_is_refused_on_the_form(client, auth, creditor, db_session):
    auth.login_as(creditor)
    assert _create(client).status_code == 302
    first = db_session.scalar(select(Case).where(Case.creditor_org_id == creditor.org_id))
    invoices = db_session.scalar(select(func.count(Invoice.id)))
    again = _create(client, **{"invoices-1-number": "INV-9", "invoices-2-number": None,
                               "invoices-2-invoice_date": None, "invoices-2-taxable_value": None,
                               "invoices-2-gst_amount": None})
    assert again.status_code == 422
    assert f"Invoice INV-1 of this debtor is already in claim {first.reference}" in again.get_data(as_text=True)
    assert _claims(db_session, creditor.org_id) == 1
    assert db_session.scalar(select(func.count(Invoice.id))) == invoices  # nothing stored


def test_the_same_number_of_another_debtor_is_another_debt(client, auth, creditor, db_session):
    auth.login_as(creditor)
    assert _create(client).status_code == 302
    other = _create(client, legal_name="Lotus Fashion House", gstin="29ABCFS1234K1Z3")
    assert other.status_code == 302
    assert _claims(db_session, creditor.org_id) == 2


def test_by_name_when_either_has_no_gstin(client, auth, creditor, db_session):
    auth.login_as(creditor)
    assert _create(client, gstin="").status_code == 302
    assert _create(client, legal_name="SHREE GARMENTS LLP").status_code == 422


def test_a_withdrawn_claims_invoice_may_be_claimed_again(client, auth, creditor, db_session):
    auth.login_as(creditor)
    assert _create(client).status_code == 302
    first = db_session.scalar(select(Case).where(Case.creditor_org_id == creditor.org_id))
    intake_fire_withdraw(first, creditor)
    db_session.commit()
    assert _create(client).status_code == 302


def intake_fire_withdraw(case, actor) -> None:
    from portal.cases import fire

    fire(case, "withdraw", actor)


def test_an_edit_cannot_take_another_claims_invoice(creditor, db_session):
    first = intake.create_case(creditor, intake_facts("INV-1"))
    second = intake.create_case(creditor, intake_facts("INV-2"))
    facts = intake.facts_from_case(second)
    intake.update_case(creditor, second, facts)  # its own invoices: fine
    facts.invoices[0].number = "INV-1"
    with pytest.raises(FactsInvalid, match=f"already in claim {first.reference}"):
        intake.update_case(creditor, second, facts)
    assert second.status == CaseStatus.DRAFT


def test_the_api_refuses_it_with_422(client, auth, creditor, db_session):
    auth.login_as(creditor)
    intake.create_case(creditor, intake_facts("INV-1"))
    db_session.commit()
    body = api_body()
    body["debtor"].update(legal_name="Shree Garments LLP", gstin="27AAPFU0939F1ZV")
    body["invoices"][0]["number"] = "INV-1"
    resp = client.post("/api/cases", json=body, headers={"X-CSRFToken": csrf_for(client)})
    assert resp.status_code == 422, resp.json
    assert any("already in claim" in m for ms in resp.json["errors"].values() for m in ms)


def intake_facts(number: str):
    from datetime import date
    from decimal import Decimal

    from portal.cases.facts import CaseFacts, DebtorFacts, InvoiceFacts

    return CaseFacts(debtor=DebtorFacts("Shree Garments LLP", gstin="27AAPFU0939F1ZV", emails=["ap@shree.example"]),
                     invoices=[InvoiceFacts(number, date(2026, 1, 10), taxable_value=Decimal("1000.00"),
                                            gst_amount=Decimal("0"))])
