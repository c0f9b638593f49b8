"""The arbitral tribunal's records: a neutral's panel listing (fees, availability; expertise and
languages live on portal.accounts NeutralProfile), the relationships it declares (Seventh Schedule
conflict check), its appointment in a case with the s.12 disclosure, continuing disclosures and the
parties' s.13 challenges."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from arbitration.tribunal.states import AppointmentStatus
from portal.accounts import Side, User, enum_column
from portal.cases import Case
from portal.extensions import db
from portal.types import Money, UTCDateTime, utcnow


class AppointmentHow(enum.StrEnum):
    INSTITUTION = "institution"  # the platform admin, acting as the arbitral institution
    AGREED = "agreed"            # one party proposed the name and the other agreed (s.11(2))


class Ground(enum.StrEnum):
    """Seventh Schedule relationships a neutral can declare (each makes it ineligible, s.12(5))."""

    # item 1: an employee, consultant, adviser or other past or present business relationship
    EMPLOYEE = "employee"
    CONSULTANT = "consultant"
    ADVISER = "adviser"
    DIRECTOR = "director"                # item 5: manager, director or part of management
    SHAREHOLDER = "shareholder"          # item 6/7: a significant financial interest
    ADVISED_PARTY = "advised_party"      # item 8: regularly advises the party
    SAME_LAW_FIRM = "same_law_firm"      # item 3: same law firm as the counsel of a party
    FAMILY = "family"                    # item 9: close family relationship with a party
    COUNSEL = "counsel"                  # item 2/4: currently represents or advises a party's counsel


class ChallengeDecision(enum.StrEnum):
    PENDING = "pending"
    UPHELD = "upheld"      # the arbitrator withdraws: the mandate ends (s.14, s.15)
    REJECTED = "rejected"  # proceedings continue; the party may raise it under s.34 (s.13(5))


class PanelListing(db.Model):
    """What the panel shows beyond the NeutralProfile: the fee schedule and availability."""

    __tablename__ = "neutral_panel_listings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    fee_schedule: Mapped[str] = mapped_column(Text, default="")
    base_fee: Mapped[Decimal | None] = mapped_column(Money)  # rupees per case, quoted before appointment
    available: Mapped[bool] = mapped_column(Boolean, default=True)
    availability_note: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class DeclaredRelationship(db.Model):
    """A relationship the neutral declares with a person or business; matched by GSTIN, PAN, e-mail
    or name against the parties and their advocates before appointment and acceptance."""

    __tablename__ = "neutral_relationships"

    id: Mapped[int] = mapped_column(primary_key=True)
    neutral_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    ground: Mapped[Ground] = enum_column(Ground)
    counterpart_name: Mapped[str] = mapped_column(String(200))
    gstin: Mapped[str | None] = mapped_column(String(15))
    pan: Mapped[str | None] = mapped_column(String(10))
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Appointment(db.Model):
    """One neutral's appointment (or proposal) as sole arbitrator in one case."""

    __tablename__ = "arbitral_appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    neutral_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    how: Mapped[AppointmentHow] = enum_column(AppointmentHow)
    status: Mapped[AppointmentStatus] = enum_column(AppointmentStatus, default=AppointmentStatus.PROPOSED)
    # Who put the name forward; NULL id with a side: the debtor through its personal link.
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_by_side: Mapped[Side | None] = enum_column(Side, nullable=True)
    # Set when the appointment stands for the parties: the admin's act, or the other side's consent.
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The Sixth Schedule form: {item key: answer}, plus the circumstances disclosed (s.12(1)).
    disclosure: Mapped[dict | None] = mapped_column(JSON)
    disclosure_filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # s.23(4): the six months for the pleadings run from the day the arbitrator *received written
    # notice* of the appointment, not from its acceptance: the first time it opened the invitation in
    # its own account (IT Act s.13(2)(a)(ii), retrieval), at the latest when it answered.
    notice_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    # s.13(2): 15 days from the constitution or from the latest disclosed circumstance.
    challenge_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    neutral: Mapped[User] = relationship(foreign_keys=[neutral_id])
    updates: Mapped[list[DisclosureUpdate]] = relationship(
        back_populates="appointment", order_by="DisclosureUpdate.id")
    challenges: Mapped[list[Challenge]] = relationship(back_populates="appointment", order_by="Challenge.id")

    @property
    def awaiting_party(self) -> bool:
        return self.status == AppointmentStatus.PROPOSED and self.agreed_at is None

    @property
    def awaiting_neutral(self) -> bool:
        return self.status == AppointmentStatus.PROPOSED and self.agreed_at is not None


class InstitutionConsent(db.Model):
    """One party's written agreement, given after the dispute arose, that the institution (the
    platform's admin) appoints the arbitrator where the arbitration agreement names no appointing
    authority. Without both sides' consent (or an agreement naming the institution) appointment is
    for the court under A&C s.11(5)/(6) (Perkins Eastman 2019; CORE 2024)."""

    __tablename__ = "arbitral_institution_consents"
    __table_args__ = (UniqueConstraint("case_id", "side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    side: Mapped[Side] = enum_column(Side)
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # NULL: the debtor's link
    given_by_name: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)  # the words the party agreed to, as shown to it
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DisclosureUpdate(db.Model):
    """A continuing disclosure (s.12(2)): a circumstance arising during the proceedings."""

    __tablename__ = "arbitral_disclosure_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("arbitral_appointments.id"), index=True)
    circumstances: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    appointment: Mapped[Appointment] = relationship(back_populates="updates")


class Challenge(db.Model):
    """A party's s.13 challenge with its reasons, and the arbitrator's decision on it."""

    __tablename__ = "arbitral_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("arbitral_appointments.id"), index=True)
    side: Mapped[Side] = enum_column(Side)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # NULL: the debtor's link
    reasons: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision: Mapped[ChallengeDecision] = enum_column(ChallengeDecision, default=ChallengeDecision.PENDING)
    decision_reasons: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    appointment: Mapped[Appointment] = relationship(back_populates="challenges")
