"""The basis of an arbitration: a clause pointed to in the evidence (checked, quoted, with its
page), a submission agreement both parties accept by one-time code and the platform seals, the
MSMED Act route and its export for the MSME ODR portal."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from arbitration.invocation import basis as bases
from arbitration.invocation import msmed_export
from arbitration.invocation.models import ArbitrationBasis, BasisKind, BasisStatus
from evidence.services import withdraw
from portal import seal
from portal.accounts.models import EnterpriseCategory
from portal.adapters.esign.keys import load_signer
from portal.audit import AuditEvent
from portal.cases.models import ClaimType
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.errors import DomainError
from portal.extensions import db
from portal.onetime_codes import CodeError
from tests.factories import DebtorUserFactory
from tests.invocation.helpers import CLAUSE, agreement_document, clause_basis, disputed_case
from tests.settlement.helpers import pdf_text

S = CaseStatus
CODE = "123456"


@pytest.fixture
def fixed_code(monkeypatch):
    monkeypatch.setattr("portal.onetime_codes.secrets.randbelow", lambda n: int(CODE))


def test_a_clause_records_document_page_and_words(db_session):
    creditor, _adv, case = disputed_case()
    basis = clause_basis(creditor, case)
    assert basis.kind == BasisKind.CLAUSE and basis.in_force and basis.page == 4 and basis.seat == "Pune"
    assert basis.clause_text == CLAUSE and case.arbitration_basis is basis
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "arbitration.basis_recorded"))
    assert event.data["document_sha256"] == basis.document.sha256 and event.data["page"] == 4


@pytest.mark.parametrize("change,message", [
    ({"page": 0}, "page number"),
    ({"clause_text": "too short"}, "between 20 and 5000"),
    ({"clause_text": "Payment shall be made within thirty days of the invoice date."}, "does not mention arbitration"),
    ({"seat": " "}, "seat of arbitration"),
    ({"document_id": 999999}, "Choose a document of this case"),
])
def test_a_bad_clause_is_refused_with_nothing_recorded(db_session, change, message):
    creditor, _adv, case = disputed_case()
    doc = agreement_document(creditor, case)
    args = {"document_id": doc.id, "page": 4, "clause_text": CLAUSE, "seat": "Pune"} | change
    with pytest.raises(DomainError, match=message):
        bases.record_clause(creditor, case, **args)
    assert db.session.scalar(select(ArbitrationBasis)) is None


def test_another_case_s_or_a_withdrawn_document_cannot_be_pointed_to(db_session):
    creditor, _adv, case = disputed_case()
    other_creditor, _a, other = disputed_case()
    foreign = agreement_document(other_creditor, other)
    with pytest.raises(DomainError, match="Choose a document of this case"):
        bases.record_clause(creditor, case, document_id=foreign.id, page=1, clause_text=CLAUSE, seat="Pune")
    own = agreement_document(creditor, case)
    withdraw(creditor, case, own, "uploaded the wrong version")
    with pytest.raises(DomainError, match="Choose a document of this case"):
        bases.record_clause(creditor, case, document_id=own.id, page=1, clause_text=CLAUSE, seat="Pune")


def test_the_basis_is_replaced_before_invocation_only(db_session):
    creditor, _adv, case = disputed_case()
    clause_basis(creditor, case)
    replaced = bases.propose_submission_agreement(creditor, case, seat="Chennai")
    assert db.session.scalars(select(ArbitrationBasis)).all() == [replaced]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "arbitration.basis_replaced"))
    case._status = S.IN_ARBITRATION
    with pytest.raises(DomainError, match="before arbitration is invoked"):
        clause_basis(creditor, case)


def test_both_parties_accept_the_submission_agreement_and_it_is_sealed(db_session, fixed_code, outbox, tmp_path):
    creditor, _adv, case = disputed_case()
    debtor = DebtorUserFactory()
    case.debtor.user_id = debtor.id
    basis = bases.propose_submission_agreement(creditor, case, seat="Bengaluru")
    assert basis.status == BasisStatus.AWAITING_ACCEPTANCE and basis.agreement_sha256
    draft = pdf_text(bases.read_pdf(basis.agreement_sha256), tmp_path)
    assert "Agreement to refer a dispute to arbitration" in draft and "seat of arbitration is Bengaluru" in draft
    assert "Neither party alone shall appoint the arbitrator" in draft and case.debtor.legal_name in draft

    bases.send_code(basis, debtor, 0, "203.0.113.7")
    with pytest.raises(CodeError, match="not right"):
        bases.accept_with_code(basis, debtor, "000000", "203.0.113.7")
    assert bases.accept_with_code(basis, debtor, CODE, "203.0.113.7") is False
    assert basis.debtor_accepted_by_id == debtor.id and "203.0.113.7" in basis.debtor_acceptance
    with pytest.raises(DomainError, match="already accepted"):
        bases.send_code(basis, debtor, 0, "203.0.113.7")
    bases.send_code(basis, creditor, 0, "198.51.100.4")
    assert bases.accept_with_code(basis, creditor, CODE, "198.51.100.4") is True
    assert basis.status == BasisStatus.IN_FORCE and basis.sealed_sha256

    sealed = bases.read_pdf(basis.sealed_sha256)
    signer, demo = load_signer(*seal.seal_key())
    sig = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[-1]
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=[signer.signing_cert]))
    assert status.intact and status.valid and demo
    text = pdf_text(sealed, tmp_path)
    assert "Acceptance" in text and "DEMONSTRATION seal" in text and basis.agreement_sha256[:20] in text


def test_the_neutral_cannot_accept_a_submission_agreement(db_session):
    from tests.factories import NeutralFactory

    creditor, _adv, case = disputed_case()
    neutral = NeutralFactory()
    case.neutral_id = neutral.id
    basis = bases.propose_submission_agreement(creditor, case, seat="Pune")
    with pytest.raises(DomainError, match="Only the parties"):
        bases.send_code(basis, neutral, 0, "")


def msmed_case():
    creditor, adv, case = disputed_case(claim_type=ClaimType.MSMED_INVOICE)
    org = creditor.organization
    org.udyam_number, org.udyam_registered_on = "UDYAM-MH-26-0012345", date(2024, 4, 1)
    org.enterprise_category = EnterpriseCategory.MICRO
    return creditor, adv, case


def test_the_msmed_route_is_only_for_a_registered_micro_or_small_supplier(db_session):
    creditor, _adv, case = disputed_case()
    with pytest.raises(DomainError, match="micro or small enterprise"):
        bases.choose_msmed_route(creditor, case)
    creditor, _adv, case = msmed_case()
    basis = bases.choose_msmed_route(creditor, case)
    assert basis.kind == BasisKind.MSMED_REFERENCE and basis.status == BasisStatus.STATUTORY
    assert not basis.in_force  # no arbitration on Sulah on this basis


def test_the_msmed_summary_has_the_portal_fields(db_session):
    creditor, _adv, case = msmed_case()
    data = msmed_export.summary(case, date(2026, 11, 23))
    assert data["supplier"]["udyam_number"] == "UDYAM-MH-26-0012345"
    assert data["supplier"]["enterprise_category"] == "micro"
    assert data["buyer"]["name"] == case.debtor.legal_name and data["buyer"]["email"] == ["debtor@example.in"]
    assert [i["invoice_number"] for i in data["invoices"]] == [i.number for i in case.invoices]
    amounts = data["amounts"]
    total = Decimal(amounts["principal_outstanding"]) + Decimal(amounts["interest_outstanding"])
    assert Decimal(amounts["total_due"]) == total and Decimal(amounts["interest_s16"]) > 0
    assert data["bank_rates_used"]
    # The whole filing pack, with the notice, is tested in tests/invocation/test_filing_pack.py.


@pytest.mark.parametrize("lang", ["hi", "en"])
def test_the_acceptance_code_goes_to_the_debtor_in_its_language_and_to_the_creditor_in_english(
        db_session, outbox, lang):
    creditor, _adv, case = disputed_case()
    debtor = DebtorUserFactory()
    case.debtor.user_id = debtor.id
    basis = bases.propose_submission_agreement(creditor, case, seat="Bengaluru")
    for actor in (debtor, creditor):  # each asks on a page in `lang` (the creditor's are English)
        bases.send_code(basis, actor, 0, "10.0.0.1", lang)
    commit()
    text = {m["To"]: m.get_body(("plain",)).get_content() for m in outbox()}
    english = f"Your Sulah code to accept the submission agreement to arbitrate {case.reference} is"
    assert (f"{case.reference} को मध्यस्थता में सौंपने का करार स्वीकार करने के लिए आपका सुलह कोड" if lang == "hi"
            else english) in text[debtor.email]
    assert english in text[creditor.email]
