"""Claim intake through the web form and the JSON API: happy paths, bad input, versions."""
import json

import pytest
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.cases.models import Case, CaseFactsVersion, Invoice, Party
from portal.cases.states import CaseStatus
from tests.conftest import csrf_from
from tests.factories import AdvocateFactory, CaseFactory, CreditorFactory, DebtorUserFactory


def form_data(csrf, **over):
    data = {
        "csrf_token": csrf, "legal_name": "Shree Garments LLP", "gstin": "27AAPFU0939F1ZV",
        "pan": "", "postal_address": "12 MIDC Bhosari, Pune", "emails": "ap@shree.example\nceo@shree.example",
        "mobiles": "98765 43210", "claim_type": "commercial_invoice", "buyer_relationship": "trade_buyer",
        "stated_interest_rate": "18", "summary": "Fabric supplied, unpaid.",
        "invoices-0-number": "INV-1", "invoices-0-invoice_date": "2026-01-10",
        "invoices-0-taxable_value": "100000.00", "invoices-0-gst_amount": "18000.00",
        "invoices-0-total": "118000.00", "invoices-0-credit_days": "30",
        "invoices-1-number": "INV-2", "invoices-1-invoice_date": "2026-02-10",
        "invoices-1-taxable_value": "50000", "invoices-1-gst_amount": "9000",
        "invoices-2-number": "INV-3", "invoices-2-invoice_date": "2026-03-01",
        "invoices-2-taxable_value": "20000", "invoices-2-gst_amount": "0",
        "payments-0-amount": "10000", "payments-0-paid_on": "2026-03-15", "payments-0-method": "neft",
        "payments-0-reference": "UTR123",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def counts(session):
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in
                 (Case, Invoice, Party, CaseFactsVersion, AuditEvent))


@pytest.fixture
def creditor(db_session):
    return CreditorFactory()


def test_create_case_through_the_form(client, auth, creditor, db_session):
    auth.login_as(creditor)
    page = client.get("/cases/new")
    assert page.status_code == 200
    resp = client.post("/cases/new", data=form_data(csrf_from(page)))
    assert resp.status_code == 302, resp.data[:2000]
    case = db_session.scalar(select(Case).where(Case.creditor_org_id == creditor.org_id))
    assert case.status == CaseStatus.DRAFT
    assert [i.number for i in case.invoices] == ["INV-1", "INV-2", "INV-3"]
    assert str(case.invoiced_total) == "197000.00"
    assert str(case.paid_total) == "10000.00"
    assert case.debtor.pan == "AAPFU0939F"
    assert sorted(c.value for c in case.debtor.contacts) == [
        "+919876543210", "ap@shree.example", "ceo@shree.example"]
    assert case.invoices[0].due_date.isoformat() == "2026-02-09"  # 30 days credit
    assert case.facts_version == 1
    assert resp.headers["Location"].endswith(f"/cases/{case.reference}")


@pytest.mark.parametrize("field,value,message", [
    ("gstin", "27AAPFU0939F1ZX", "check character"),
    ("legal_name", "", "This field is required"),
    ("emails", "not-an-email", "not a valid e-mail"),
    ("mobiles", "12345", "has 10 digits"),
    ("postal_address", "12 Peenya, Bengaluru 560058", "but the address is in Karnataka"),
    ("invoices-0-total", "999.00", "must equal the taxable value plus GST"),
    ("invoices-0-invoice_date", "2099-01-01", "cannot be in the future"),
    ("invoices-0-taxable_value", "abc", "must be written in digits"),
    ("invoices-0-taxable_value", "1,00,0", "commas"),
    ("invoices-0-taxable_value", "100.555", "at most two decimal places"),
    ("invoices-1-number", "INV-1", "listed twice"),
    ("payments-0-amount", "999999999", "exceed the invoiced amount"),
    ("claim_type", "msmed_invoice", "micro and small enterprises"),
    ("invoices-0-invoice_date", "", "Give the invoice date"),
    ("pan", "ABCDE1234F", "does not match the PAN inside the GSTIN"),
])
def test_bad_input_is_explained_and_nothing_is_stored(client, auth, db_session, field, value, message):
    creditor = CreditorFactory(organization__udyam_number=None)
    auth.login_as(creditor)
    page = client.get("/cases/new")
    before = counts(db_session)
    resp = client.post("/cases/new", data=form_data(csrf_from(page), **{field: value}))
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert counts(db_session) == before


def test_missing_csrf_is_refused(client, auth, creditor, db_session):
    auth.login_as(creditor)
    before = counts(db_session)
    resp = client.post("/cases/new", data=form_data("bogus"))
    assert resp.status_code == 400
    assert counts(db_session) == before


def test_add_row_button_works_without_javascript(client, auth, creditor):
    auth.login_as(creditor)
    page = client.get("/cases/new")
    resp = client.post("/cases/new", data=form_data(csrf_from(page), add_invoice="1"))
    assert resp.status_code == 200
    assert b'name="invoices-3-number"' in resp.data


def test_edit_records_a_new_facts_version(client, auth, creditor, db_session):
    auth.login_as(creditor)
    page = client.get("/cases/new")
    client.post("/cases/new", data=form_data(csrf_from(page)))
    case = db_session.scalar(select(Case).where(Case.creditor_org_id == creditor.org_id))
    edit = client.get(f"/cases/{case.reference}/edit")
    assert edit.status_code == 200 and b"INV-2" in edit.data
    resp = client.post(f"/cases/{case.reference}/edit",
                       data=form_data(csrf_from(edit), **{"invoices-2-number": None,
                                                          "invoices-2-invoice_date": None,
                                                          "invoices-2-taxable_value": None,
                                                          "invoices-2-gst_amount": None}))
    assert resp.status_code == 302
    db_session.expire_all()
    case = db_session.get(Case, case.id)
    assert [i.number for i in case.invoices] == ["INV-1", "INV-2"]
    versions = db_session.scalars(select(CaseFactsVersion).where(CaseFactsVersion.case_id == case.id)
                                  .order_by(CaseFactsVersion.version)).all()
    assert [v.version for v in versions] == [1, 2]
    assert len(json.loads(versions[0].snapshot)["invoices"]) == 3  # v1 untouched
    assert len(json.loads(versions[1].snapshot)["invoices"]) == 2


def test_edit_refused_once_notice_is_in_review(client, auth, db_session):
    creditor = CreditorFactory()
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.NOTICE_IN_REVIEW)
    auth.login_as(creditor)
    assert client.get(f"/cases/{case.reference}/edit").status_code == 403


@pytest.mark.parametrize("factory", [AdvocateFactory, DebtorUserFactory])
def test_only_creditors_file_claims(client, auth, db_session, factory):
    auth.login_as(factory())
    assert client.get("/cases/new").status_code == 403


def test_other_org_cannot_edit(client, auth, db_session):
    case = CaseFactory()
    auth.login_as(CreditorFactory())
    assert client.get(f"/cases/{case.reference}/edit").status_code == 404


def api_body(**over):
    body = {"debtor": {"legal_name": "Lotus Fashion House", "gstin": "27AAPFU0939F1ZV",
                       "emails": ["Accounts@Lotus.example"], "mobiles": ["+91 98765 43210"]},
            "invoices": [{"number": "L-1", "invoice_date": "2026-03-01", "taxable_value": "45000.00",
                          "gst_amount": "2250.00", "due_date": "2026-03-31"}],
            "stated_interest_rate": "12"}
    body.update(over)
    return body


def api_post(client, body):
    page = client.get("/dashboard", follow_redirects=True)
    return client.post("/api/cases", json=body, headers={"X-CSRFToken": csrf_from(page)})


def test_api_creates_case(client, auth, creditor, db_session):
    auth.login_as(creditor)
    resp = api_post(client, api_body())
    assert resp.status_code == 201, resp.json
    ref = resp.json["reference"]
    got = client.get(f"/api/cases/{ref}").json
    assert got["facts"]["debtor"]["contacts"] == [["email", "accounts@lotus.example"],
                                                  ["mobile", "+919876543210"]]
    assert got["facts"]["invoices"][0]["total"] == "47250.00"


@pytest.mark.parametrize("body,field", [
    (api_body(invoices=[]), "invoices"),
    (api_body(debtor={"legal_name": "X", "gstin": "bad"}), "debtor.gstin"),
    (api_body(surprise=1), "surprise"),
    (api_body(invoices=[{"number": "A", "invoice_date": "not-a-date", "taxable_value": "1"}]),
     "invoices.0.invoice_date"),
    (api_body(invoices=[{"number": "A", "invoice_date": "2026-01-01", "taxable_value": "-5"}]),
     "invoices.0.taxable_value"),
    (api_body(debtor={"legal_name": "X"}), "debtor.emails"),
])
def test_api_rejects_bad_input(client, auth, creditor, db_session, body, field):
    auth.login_as(creditor)
    before = counts(db_session)
    resp = api_post(client, body)
    assert resp.status_code == 422
    assert field in resp.json["errors"]
    assert counts(db_session) == before


def test_api_rejects_non_json_and_anonymous(client, auth, creditor, db_session):
    resp = client.post("/api/cases", json=api_body())
    assert resp.status_code in (400, 401)
    auth.login_as(creditor)
    page = client.get("/dashboard", follow_redirects=True)
    resp = client.post("/api/cases", data="[1,2", content_type="application/json",
                       headers={"X-CSRFToken": csrf_from(page)})
    assert resp.status_code == 400
    assert client.get("/api/cases/SUL-1999-000001").status_code == 404


def test_api_get_is_hidden_from_other_parties(client, auth, db_session):
    case = CaseFactory()
    auth.login_as(CreditorFactory())
    assert client.get(f"/api/cases/{case.reference}").status_code == 404


def msmed_form(csrf, **over):
    base = form_data(csrf, claim_type="msmed_invoice", has_written_agreement="y",
                     agreement_date="2025-12-01", agreed_credit_days="60", stated_interest_rate="",
                     **{"invoices-0-acceptance_date": "2026-01-12", "invoices-0-credit_days": "",
                        "invoices-1-acceptance_date": "2026-02-12", "invoices-2-acceptance_date": "2026-03-02",
                        "payments-0-amount": None, "payments-0-paid_on": None})
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def test_msmed_due_dates_cap_agreed_credit_at_45_days(client, auth, db_session):
    creditor = CreditorFactory()  # Udyam micro enterprise registered 2020
    auth.login_as(creditor)
    page = client.get("/cases/new")
    resp = client.post("/cases/new", data=msmed_form(csrf_from(page)))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    case = db_session.scalar(select(Case).where(Case.creditor_org_id == creditor.org_id))
    # 60 agreed days are capped at 45 from acceptance on 12 Jan 2026.
    assert case.invoices[0].due_date.isoformat() == "2026-02-26"


def test_msmed_unremoved_objection_is_explained(client, auth, db_session):
    creditor = CreditorFactory()
    auth.login_as(creditor)
    page = client.get("/cases/new")
    before = counts(db_session)
    resp = client.post("/cases/new", data=msmed_form(
        csrf_from(page), **{"invoices-0-objection_raised_on": "2026-01-20"}))
    assert resp.status_code == 422
    assert "not recorded as removed" in resp.get_data(as_text=True)
    assert counts(db_session) == before


def test_msmed_refused_when_udyam_registered_after_contract(client, auth, db_session):
    from datetime import date

    creditor = CreditorFactory(organization__udyam_registered_on=date(2026, 1, 1))
    auth.login_as(creditor)
    page = client.get("/cases/new")
    resp = client.post("/cases/new", data=msmed_form(csrf_from(page)))
    assert resp.status_code == 422
    assert "does not apply" in resp.get_data(as_text=True)


def test_case_page_shows_amount_due_and_limitation(client, auth, db_session):
    creditor = CreditorFactory()
    auth.login_as(creditor)
    page = client.get("/cases/new")
    client.post("/cases/new", data=msmed_form(csrf_from(page)))
    case = db_session.scalar(select(Case).where(Case.creditor_org_id == creditor.org_id))
    html = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Total due" in html and "How it is computed" in html
    assert "Month 1:" in html  # line-by-line monthly rests
    assert "Limitation:" in html and "Until" in html


def test_objection_dated_before_delivery_is_refused(client, auth, db_session):
    creditor = CreditorFactory()
    auth.login_as(creditor)
    page = client.get("/cases/new")
    before = counts(db_session)
    # Delivered 12 Jan 2026; an "objection" of 11 Jan objects to nothing yet delivered.
    resp = client.post("/cases/new", data=msmed_form(
        csrf_from(page), **{"invoices-0-objection_raised_on": "2026-01-11",
                            "invoices-0-objection_removed_on": "2026-01-20"}))
    assert resp.status_code == 422
    assert "cannot be dated before their delivery" in resp.get_data(as_text=True)
    assert counts(db_session) == before


def test_services_rendered_before_the_invoice_date_are_accepted(client, auth, db_session):
    creditor = CreditorFactory()
    auth.login_as(creditor)
    page = client.get("/cases/new")
    # Invoice dated 10 Jan 2026 for services rendered (delivered) on 2 Jan; no agreement: MSMED
    # s.15 makes it due 15 days from acceptance on 2 Jan, i.e. 17 Jan.
    resp = client.post("/cases/new", data=msmed_form(
        csrf_from(page), has_written_agreement=None, agreement_date=None, agreed_credit_days=None,
        **{"invoices-0-acceptance_date": "2026-01-02"}))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    case = db_session.scalar(select(Case).where(Case.creditor_org_id == creditor.org_id))
    assert case.invoices[0].acceptance_date.isoformat() == "2026-01-02"
    assert case.invoices[0].due_date.isoformat() == "2026-01-17"
