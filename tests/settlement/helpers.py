"""Building blocks for the settlement tests: a case in the ODR room, terms, PDF text."""
from __future__ import annotations

import re
import subprocess
from datetime import date
from decimal import Decimal

from arbitration.settlement import agreements as settlement
from arbitration.settlement.terms import SettlementTerms
from portal.cases.states import CaseStatus
from portal.extensions import db
from tests.factories import CaseFactory, CreditorFactory, NeutralFactory

TODAY = date(2026, 11, 23)


def room_case(status: CaseStatus = CaseStatus.IN_NEGOTIATION, *, neutral: bool = False):
    """A case in the ODR room, with a creditor staff user (and a neutral when asked)."""
    case = CaseFactory()
    case._status = status
    staff = CreditorFactory(organization=case.creditor)
    if neutral:
        case.neutral_id = NeutralFactory().id
    db.session.flush()
    return case, staff


def three_instalments() -> SettlementTerms:
    return SettlementTerms.build(Decimal("90000"), [(date(2026, 12, 10), "30000"), (date(2027, 1, 10), "30000"),
                                                    (date(2027, 2, 10), "30000")], today=TODAY)


def agreement_for(case, staff, terms=None, source="offer"):
    return settlement.create_agreement(case, terms or three_instalments(), source=source, actor=staff)


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, text=True)
    # Table cells wrap after a hyphen ("one- time"): join those back.
    return re.sub(r"(\w)- (\w)", r"\1-\2", " ".join(out.stdout.split()))
