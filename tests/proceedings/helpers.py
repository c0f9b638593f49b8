"""Building blocks for the proceedings tests: a case in arbitration with its people, the appointed
neutral's accepted appointment with its disclosure (so arbitration.tribunal.appointments.may_act lets it act), and
the arbitrator's demo signing key."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from arbitration.proceedings import neutral_keys
from arbitration.tribunal.models import Appointment, AppointmentHow, AppointmentStatus
from portal.accounts.models import User
from portal.adapters.esign.democert import make_demo_pkcs12
from portal.cases.models import Case
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.types import utcnow
from tests.factories import AdvocateFactory, CaseFactory, CreditorFactory, DebtorUserFactory, NeutralFactory

TODAY = date(2026, 11, 23)
_P12: dict[str, bytes] = {}  # one generated key for the module's tests (RSA generation is slow)


@dataclass
class Arbitration:
    case: Case
    staff: User
    advocate: User
    debtor: User
    neutral: User


def arbitration_case(status: CaseStatus = CaseStatus.IN_ARBITRATION) -> Arbitration:
    case = CaseFactory()
    staff = CreditorFactory(organization=case.creditor)
    advocate, debtor, neutral = AdvocateFactory(), DebtorUserFactory(), NeutralFactory()
    case.advocate_id, case.neutral_id, case.debtor.user_id = advocate.id, neutral.id, debtor.id
    case._status = status
    db.session.flush()
    return Arbitration(case, staff, advocate, debtor, neutral)


def accept(a: Arbitration, *, answered_at: datetime | None = None) -> Appointment:
    """The institution appointed the neutral, who accepted and filed its s.12 disclosure."""
    at = answered_at or utcnow() - timedelta(days=1)
    appointment = Appointment(case_id=a.case.id, neutral_id=a.neutral.id, how=AppointmentHow.INSTITUTION,
                              status=AppointmentStatus.ACCEPTED, disclosure={"circumstances": "None."},
                              disclosure_filed_at=at, answered_at=at, agreed_at=at)
    db.session.add(appointment)
    db.session.flush()
    return appointment


def give_key(neutral: User) -> None:
    p12 = _P12.setdefault("p12", make_demo_pkcs12("Arbitrator (test)", b"pw"))
    neutral_keys.install(neutral, p12, "pw")


def upload(text: str = "Statement of claim: the respondent owes Rs 1,18,000 on invoice INV-1.\n"):
    return io.BytesIO(text.encode())
