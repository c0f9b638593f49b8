"""The invocation pages: recording the clause (bad input re-renders with 422, an expired form is
400), drafting the s.21 notice, serving it to invoke arbitration, the submission agreement accepted
by the creditor and by the debtor through its personal link, the MSMED export download."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from arbitration.invocation import basis as bases
from arbitration.invocation import notice as invocation
from arbitration.invocation.models import BasisKind, BasisStatus
from notices.models import Notice, NoticeKind
from portal.accounts.models import EnterpriseCategory
from portal.cases.models import ClaimType
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.extensions import db
from tests.conftest import csrf_from
from tests.debtor.guest import code_from, login_guest
from tests.invocation.helpers import (
    CLAUSE,
    agreement_document,
    clause_basis,
    disputed_case,
    signed_invocation,
)
from tests.serving.helpers import delivered

S = CaseStatus


def page_url(case) -> str:
    return f"/arbitration/{case.reference}/invocation"


def post(client, case, suffix: str, **data):
    page = client.get(page_url(case))
    assert page.status_code == 200, page.status_code
    return client.post(page_url(case) + suffix, data={"csrf_token": csrf_from(page), **data})


def test_the_creditor_records_the_clause_then_drafts_the_notice(client, auth, db_session):
    creditor, _adv, case = disputed_case()
    doc = agreement_document(creditor, case)
    commit()
    auth.login_as(creditor)
    body = client.get(page_url(case)).get_data(as_text=True)
    assert "No arbitration agreement is on record yet" in body and "supply-agreement.pdf" in body
    resp = post(client, case, "/clause", document_id=str(doc.id), page="4", clause_text=CLAUSE, seat="Pune")
    assert resp.status_code == 302
    body = client.get(page_url(case)).get_data(as_text=True)
    assert "page 4" in body and "sole arbitrator" in body and "Draft the notice invoking arbitration" in body
    resp = post(client, case, "/notice")
    assert resp.status_code == 302
    notice = db.session.scalar(select(Notice).where(Notice.case_id == case.id))
    assert notice.kind == NoticeKind.ARBITRATION_INVOCATION
    assert resp.headers["Location"].endswith(f"/notices/{notice.id}")
    again = post(client, case, "/notice")
    assert again.status_code == 409 and "already has a notice" in again.get_data(as_text=True)


@pytest.mark.parametrize("data,message", [
    ({"page": "abc"}, "Not a valid integer"),
    ({"page": "0"}, "Number must be"),
    ({"clause_text": ""}, "Quote the clause."),
    ({"clause_text": "Payment is due within thirty days of each invoice."}, "does not mention arbitration"),
    ({"document_id": "999999"}, "Not a valid choice"),
    ({"document_id": "x"}, "Invalid Choice"),
])
def test_bad_clause_input_is_a_422_with_the_reason(client, auth, db_session, data, message):
    creditor, _adv, case = disputed_case()
    doc = agreement_document(creditor, case)
    commit()
    auth.login_as(creditor)
    form = {"document_id": str(doc.id), "page": "4", "clause_text": CLAUSE, "seat": "Pune"} | data
    resp = post(client, case, "/clause", **form)
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    assert bases.current(case) is None


def test_an_expired_form_is_a_400(client, auth, db_session):
    creditor, _adv, case = disputed_case()
    commit()
    auth.login_as(creditor)
    assert client.post(page_url(case) + "/submission-agreement", data={"seat": "Pune"}).status_code == 400
    assert client.post(page_url(case) + "/notice").status_code == 400


def test_serving_the_signed_notice_invokes_arbitration(client, auth, db_session, outbox):
    creditor, advocate, case = disputed_case()
    clause_basis(creditor, case)
    notice = signed_invocation(creditor, advocate, case)
    commit()
    auth.login_as(creditor)
    refused = post(client, case, "/invoke")  # no channel chosen
    assert refused.status_code == 422 and "at least one way" in refused.get_data(as_text=True)
    assert case.status == S.IN_NEGOTIATION
    resp = post(client, case, "/invoke", email="y")
    assert resp.status_code == 302
    db.session.refresh(case)
    assert case.status == S.IN_ARBITRATION
    assert any("debtor@example.in" in m["To"] for m in outbox())
    body = client.get(page_url(case)).get_data(as_text=True)
    # Sent, not yet shown received (IT Act s.13): no commencement date yet.
    assert "The arbitration commenced on" not in body and "its receipt is not proven yet" in body
    delivered(notice)
    commit()
    body = client.get(page_url(case)).get_data(as_text=True)
    assert "The arbitration commenced on" in body and f"N{notice.id}" in body
    assert "delivery reported to the addressee" in body


def test_submission_agreement_accepted_by_the_creditor_and_the_debtor_s_link(client, auth, db_session, outbox):
    creditor, _adv, case = disputed_case()
    commit()
    auth.login_as(creditor)
    assert post(client, case, "/submission-agreement", seat="").status_code == 422
    assert post(client, case, "/submission-agreement", seat="Hyderabad").status_code == 302
    basis = bases.current(case)
    assert basis.kind == BasisKind.SUBMISSION_AGREEMENT
    pdf = client.get(page_url(case) + "/submission-agreement.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert post(client, case, "/submission-agreement/code", destination="0").status_code == 302
    code = code_from(outbox(), creditor.email)
    wrong = post(client, case, "/submission-agreement/accept", code="000000")
    assert wrong.status_code == 422 and "not right" in wrong.get_data(as_text=True)
    assert post(client, case, "/submission-agreement/accept", code=code).status_code == 302
    assert basis.creditor_accepted_at is not None

    client.get("/logout")
    login_guest(client, case, outbox)
    body = client.get(page_url(case)).get_data(as_text=True)
    assert "Accept the submission agreement" in body
    assert post(client, case, "/submission-agreement/code", destination="0").status_code == 302
    code = code_from(outbox(), "debtor@example.in")
    assert post(client, case, "/submission-agreement/accept", code=code).status_code == 302
    db.session.refresh(basis)
    assert basis.status == BasisStatus.IN_FORCE and basis.debtor_accepted_by_id is None
    assert basis.sealed_sha256 and "one-time code" in basis.debtor_acceptance
    sealed = client.get(page_url(case) + "/submission-agreement.pdf")
    assert sealed.status_code == 200 and "sealed" in sealed.headers["Content-Disposition"]
    # Nothing is left to accept: a late try is a state conflict.
    assert post(client, case, "/submission-agreement/accept", code=code).status_code == 409


def test_msmed_route_and_export_download(client, auth, db_session):
    creditor, _adv, case = disputed_case(claim_type=ClaimType.MSMED_INVOICE)
    org = creditor.organization
    org.udyam_number, org.udyam_registered_on = "UDYAM-MH-26-0012345", date(2024, 4, 1)
    org.enterprise_category = EnterpriseCategory.SMALL
    commit()
    auth.login_as(creditor)
    assert client.get(page_url(case) + "/msmed-export.zip").status_code == 404
    assert post(client, case, "/msmed").status_code == 302
    # The filing pack needs the signed demand notice, which this case lacks (the whole download is
    # tests/invocation/test_filing_pack.py, on the demo's served MSMED case).
    resp = client.get(page_url(case) + "/msmed-export.zip")
    assert resp.status_code == 409 and "signed MSMED demand notice" in resp.get_data(as_text=True)


def test_the_msmed_route_is_refused_for_a_commercial_claim(client, auth, db_session):
    creditor, _adv, case = disputed_case()
    commit()
    auth.login_as(creditor)
    resp = post(client, case, "/msmed")
    assert resp.status_code == 409 and bases.current(case) is None


def test_the_notice_s_review_page_works_for_the_s21_notice(client, auth, db_session):
    creditor, _adv, case = disputed_case()
    clause_basis(creditor, case)
    notice = invocation.draft_notice(creditor, case, date(2026, 11, 23))
    commit()
    auth.login_as(creditor)
    page = client.get(f"/notices/{notice.id}")
    assert page.status_code == 200
    resp = client.post(f"/notices/{notice.id}/submit", data={"csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    db.session.refresh(notice)
    assert notice.status.value == "in_review" and case.status == S.IN_NEGOTIATION


def test_the_case_page_links_to_each_arbitration_page_once_it_applies(client, auth, db_session):
    creditor, advocate, case = disputed_case(CaseStatus.IN_NEGOTIATION)
    auth.login_as(creditor)
    body = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert f"/arbitration/{case.reference}/invocation" in body
    assert f"/arbitration/{case.reference}/tribunal" not in body  # not invoked yet
    case._status = CaseStatus.IN_ARBITRATION
    db.session.flush()
    body = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    for page in ("invocation", "tribunal", "proceedings", "award"):
        assert f"/arbitration/{case.reference}/{page}" in body, page
    stranger, _, _ = disputed_case()
    auth.login_as(stranger)
    assert client.get(f"/cases/{case.reference}").status_code == 404
