"""Building blocks for the award tests: a case in arbitration whose creditor may be contacted at any
hour (so dispatches go at once), a complete set of award fields, and pyHanko's validation."""
from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from arbitration.awards.making import AwardFields
from arbitration.awards.models import CostsBorneBy, PostInterestBasis
from arbitration.proceedings.models import Proceedings
from portal.adapters.esign.pades import load_signer
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.extensions import db
from tests.proceedings.helpers import _P12, arbitration_case, give_key

ALWAYS = {"contact_from_minute": 0, "contact_until_minute": 24 * 60, "daily_contact_cap": 50}


def awarding_case(status: CaseStatus = CaseStatus.IN_ARBITRATION, *, pleadings_closed: bool = True):
    """A case in arbitration ready for its award: the pleadings closed a month ago (unless told
    otherwise), well inside the s.29A year."""
    a = arbitration_case(status)
    for key, value in ALWAYS.items():
        setattr(a.case.creditor, key, value)
    a.case.created_by_id = a.staff.id
    give_key(a.neutral)
    today = today_ist()
    db.session.add(Proceedings(case_id=a.case.id, appointed_on=today - timedelta(days=90), fast_track=False,
                               pleadings_closed_on=today - timedelta(days=30) if pleadings_closed else None))
    db.session.flush()
    return a


def complete_fields(**changes) -> AwardFields:
    values = AwardFields(
        reasons="The respondent accepted the goods and did not pay.\n\nThe claim is proved.",
        award_date=today_ist(), seat="Pune", claimant="Claimant Pvt Ltd", respondent="Debtor LLP",
        agreement="Clause 18 of the supply agreement of 2 January 2026",
        principal=Decimal("118000.00"), pre_rate=Decimal("18.00"), pre_from=date(2026, 2, 25),
        pre_to=date(2026, 11, 23), pre_amount=Decimal("15600.00"),
        post_basis=PostInterestBasis.STATUTORY, post_current_rate=Decimal("7.00"),
        costs=Decimal("25000.00"), costs_borne_by=CostsBorneBy.RESPONDENT)
    for key, value in changes.items():
        setattr(values, key, value)
    return values


def validates_with_pyhanko(pdf: bytes) -> bool:
    signer, _ = load_signer(_P12["p12"], b"pw")
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=[signer.signing_cert]))
    return status.intact and status.valid and status.trusted and status.coverage.name == "ENTIRE_FILE"
