"""Builders for the invocation tests: a disputed case with an advocate able to sign, an agreement
in the evidence, and the s.21 notice taken through review and signature."""
from __future__ import annotations

import io

import pyotp

from arbitration.invocation import basis as bases
from arbitration.invocation import notice as invocation
from evidence.models import DocumentKind
from evidence.services import add_document
from notices.drafting import workflow as services
from notices.signing.signatures import sign_notice
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from tests.factories import (
    AdvocateFactory,
    CaseFactory,
    CreditorFactory,
    EngagementFactory,
    mandate_in_force,
)
from tests.pdfs import PDF
from tests.serving.helpers import ALWAYS, demo_pkcs12

CLAUSE = ("Any dispute arising out of this agreement shall be referred to arbitration by a sole "
          "arbitrator under the Arbitration and Conciliation Act, 1996.")


def disputed_case(status: CaseStatus = CaseStatus.IN_NEGOTIATION, **case_kw):
    """(creditor, advocate, case): the debtor's e-mail on the case, the whole day open for contact."""
    creditor = CreditorFactory()
    for key, value in ALWAYS.items():
        setattr(creditor.organization, key, value)
    advocate = AdvocateFactory(name="Adv. Kavya Menon")
    EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
    advocate.advocate_profile.signing_pkcs12 = demo_pkcs12(advocate.name)
    advocate.advocate_profile.signing_passphrase = "pw"
    case = CaseFactory(creditor=creditor.organization, _status=status, advocate_id=advocate.id,
                       created_by_id=creditor.id, **case_kw)
    return creditor, advocate, case


def agreement_document(creditor, case):
    return add_document(creditor, case, io.BytesIO(PDF), "supply-agreement.pdf", DocumentKind.AGREEMENT)


def clause_basis(creditor, case):
    doc = agreement_document(creditor, case)
    return bases.record_clause(creditor, case, document_id=doc.id, page=4, clause_text=CLAUSE, seat="Pune")


def signed_invocation(creditor, advocate, case):
    """The s.21 notice drafted, submitted, approved and signed (the basis must be in force)."""
    notice = invocation.draft_notice(creditor, case, today_ist())
    services.submit(creditor, notice)
    mandate_in_force(creditor, advocate)
    services.approve(advocate, notice, pyotp.TOTP(advocate.totp_secret).now())
    sign_notice(advocate, notice)
    return notice
