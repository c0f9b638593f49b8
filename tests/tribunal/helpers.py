"""Building blocks for the tribunal tests: a case in arbitration with its people (no arbitrator yet),
and a complete Sixth Schedule disclosure as the form posts it."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from arbitration.tribunal.models import InstitutionConsent
from portal.accounts.models import User
from portal.accounts.policy import Side
from portal.audit import AuditEvent
from portal.cases.models import Case
from portal.cases.states import CaseStatus
from portal.debtor.principal import LinkGuest
from portal.extensions import db
from tests.factories import (
    AdminFactory,
    AdvocateFactory,
    CaseFactory,
    CreditorFactory,
    DebtorUserFactory,
    NeutralFactory,
)


@dataclass
class World:
    case: Case
    staff: User
    advocate: User
    debtor: User
    neutral: User
    admin: User


def world(status: CaseStatus = CaseStatus.IN_ARBITRATION, *, institution: bool = True) -> World:
    """With `institution`, both parties have agreed in writing that the institution appoints (s.11)."""
    case = CaseFactory()
    staff = CreditorFactory(organization=case.creditor)
    advocate, debtor = AdvocateFactory(), DebtorUserFactory()
    neutral = NeutralFactory(name="Justice (retd.) Meera Rao")
    case.advocate_id, case.debtor.user_id = advocate.id, debtor.id
    case.created_by_id = staff.id
    case._status = status
    db.session.flush()
    if institution:
        for side, user in ((Side.CREDITOR, staff), (Side.DEBTOR, debtor)):
            db.session.add(InstitutionConsent(case_id=case.id, side=side, given_by_id=user.id,
                                              given_by_name=user.name, statement="We agree."))
        db.session.flush()
    return World(case, staff, advocate, debtor, neutral, AdminFactory())


def full_disclosure(**changes: str) -> dict[str, str]:
    answers = {"name": "Meera Rao", "contact": "meera.rao@example.in, Bengaluru",
               "experience": "Retired judge; 40 commercial arbitrations.", "ongoing": "3",
               "relationships": "no", "relationships_details": "", "time": "no", "time_details": "",
               "seventh_schedule": "y"}
    return {**answers, **changes}


def actions(case: Case) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)
                                   .order_by(AuditEvent.id)))


def guest_of(case: Case) -> LinkGuest:
    """The debtor as its personal link signs it in (no user row)."""
    return LinkGuest(link_id=0, link_case_id=case.id, otp_id=0, destination="d•••@example.in")
