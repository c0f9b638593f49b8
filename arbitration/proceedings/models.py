"""The arbitral proceedings of a case once a neutral acts as arbitrator: the procedural calendar and the
filings against it, hearings with attendance and minutes, signed procedural orders, fee deposits, the
extensions of the s.29A period, the fast-track election, and the arbitrator's own signing key."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from arbitration.proceedings.clocks import Basis
from portal.accounts import User, enum_column
from portal.extensions import db
from portal.types import EncryptedBytes, EncryptedText, Money, UTCDateTime, utcnow


class StepKind(enum.StrEnum):
    STATEMENT_OF_CLAIM = "statement_of_claim"
    DEFENCE = "defence"
    COUNTER_CLAIM = "counter_claim"
    REJOINDER = "rejoinder"
    DOCUMENTS = "documents"
    OTHER = "other"


# The steps whose filing completes the pleadings (s.23): when all are filed, the s.29A clock starts.
PLEADING_KINDS = frozenset({StepKind.STATEMENT_OF_CLAIM, StepKind.DEFENCE, StepKind.COUNTER_CLAIM,
                            StepKind.REJOINDER})


class ProceedingParty(enum.StrEnum):
    """Who files, attends or pays: the claimant (the creditor's side) or the respondent (the debtor)."""

    CLAIMANT = "claimant"
    RESPONDENT = "respondent"


class Proceedings(db.Model):
    """One per case in arbitration: when the arbitrator entered upon the reference, and the fast track."""

    __tablename__ = "arbitral_proceedings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    # s.23(4) runs from here: the day the arbitrator received written notice of its appointment.
    appointed_on: Mapped[date] = mapped_column(Date)
    # Set by the arbitrator when a party does not plead by its date (s.25): the s.29A clock starts.
    pleadings_closed_on: Mapped[date | None] = mapped_column(Date)
    fast_track: Mapped[bool] = mapped_column(Boolean, default=False)
    claimant_consented_fast_track_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    respondent_consented_fast_track_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarStep(db.Model):
    __tablename__ = "calendar_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[StepKind] = enum_column(StepKind)
    party: Mapped[ProceedingParty] = enum_column(ProceedingParty)
    title: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date] = mapped_column(Date)
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the debtor's link
    last_reminded_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    documents: Mapped[list[StepDocument]] = relationship(order_by="StepDocument.document_id",
                                                         cascade="all, delete-orphan")

    @property
    def document_ids(self) -> list[int]:
        return [d.document_id for d in self.documents]


class StepDocument(db.Model):
    """A document filed against a calendar step (through the evidence pipeline)."""

    __tablename__ = "calendar_step_documents"

    step_id: Mapped[int] = mapped_column(ForeignKey("calendar_steps.id"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)


class Hearing(db.Model):
    __tablename__ = "hearings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    video_link: Mapped[str] = mapped_column(String(500))
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attendance: Mapped[list[Attendance]] = relationship(order_by="Attendance.id",
                                                        cascade="all, delete-orphan")


class Attendance(db.Model):
    """Who attended a hearing for each participant: the claimant, the respondent, the arbitrator."""

    __tablename__ = "hearing_attendance"
    __table_args__ = (UniqueConstraint("hearing_id", "participant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearings.id"), index=True)
    participant: Mapped[str] = mapped_column(String(20))  # claimant / respondent / arbitrator
    present: Mapped[bool] = mapped_column(Boolean, default=False)
    attended_by: Mapped[str] = mapped_column(String(200), default="")  # names, as the arbitrator notes them


class ProceduralOrder(db.Model):
    __tablename__ = "procedural_orders"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    signed_pdf_sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class FeeDeposit(db.Model):
    __tablename__ = "fee_deposits"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    party: Mapped[ProceedingParty] = enum_column(ProceedingParty)
    amount: Mapped[Decimal] = mapped_column(Money)
    received_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class ClockExtension(db.Model):
    """An extension of the s.29A (or s.29B) period: by the parties' consent or a court's order."""

    __tablename__ = "clock_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    clock: Mapped[str] = mapped_column(String(10), default="s29A")
    months: Mapped[int] = mapped_column(Integer)
    basis: Mapped[Basis] = enum_column(Basis)
    note: Mapped[str] = mapped_column(Text, default="")  # the consent or the court order it rests on
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class NeutralSigningKey(db.Model):
    """A neutral's DSC as PKCS#12 with its passphrase, both encrypted at rest (as an advocate's)."""

    __tablename__ = "neutral_signing_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    pkcs12: Mapped[bytes] = mapped_column(EncryptedBytes)
    passphrase: Mapped[str] = mapped_column(EncryptedText)
    subject: Mapped[str] = mapped_column(String(500))
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
