"""The arbitral award (A&C s.31; s.30 on agreed terms): the arbitrator's draft fields, its PDFs'
hashes as it is finalised and signed, and one AwardService row per party recording how the signed
copy was delivered and when it was received (the s.34 clock runs from that receipt)."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from arbitration.awards.states import AwardStatus
from portal.accounts import User, enum_column
from portal.cases import Case
from portal.extensions import db
from portal.types import Money, UTCDateTime, utcnow


class PostInterestBasis(enum.StrEnum):
    """s.31(7)(b): the award directs a rate, or the default applies (2% above the current rate)."""

    DIRECTED = "directed"
    STATUTORY = "statutory"


class CostsBorneBy(enum.StrEnum):
    CLAIMANT = "claimant"
    RESPONDENT = "respondent"
    SHARED = "shared"        # each side bears its own


class AwardSide(enum.StrEnum):
    CLAIMANT = "claimant"
    RESPONDENT = "respondent"


class Award(db.Model):
    __tablename__ = "awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    status: Mapped[AwardStatus] = enum_column(AwardStatus, default=AwardStatus.DRAFT)
    # s.30: an award on agreed terms records the signed settlement and needs no reasons.
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_agreements.id"))
    reasons: Mapped[str] = mapped_column(Text, default="")
    award_date: Mapped[date | None] = mapped_column(Date)
    seat: Mapped[str] = mapped_column(String(120), default="")
    claimant: Mapped[str] = mapped_column(String(200), default="")
    respondent: Mapped[str] = mapped_column(String(200), default="")
    agreement: Mapped[str] = mapped_column(Text, default="")  # the arbitration agreement relied on
    principal: Mapped[Decimal | None] = mapped_column(Money)
    # Pre-award interest (s.31(7)(a)): rate % a year, the period, and the amount it comes to.
    pre_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    pre_from: Mapped[date | None] = mapped_column(Date)
    pre_to: Mapped[date | None] = mapped_column(Date)
    pre_amount: Mapped[Decimal | None] = mapped_column(Money)
    post_basis: Mapped[PostInterestBasis | None] = enum_column(PostInterestBasis, nullable=True)
    # STATUTORY: the current rate on the award's date (Interest Act s.2(b)); the award rate is +2.
    post_current_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    post_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    costs: Mapped[Decimal | None] = mapped_column(Money)  # s.31A
    costs_borne_by: Mapped[CostsBorneBy | None] = enum_column(CostsBorneBy, nullable=True)
    unsigned_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    # The signed copy served on the respondent (notices/serving/documents.py, kind "award").
    served_document_id: Mapped[int | None] = mapped_column(ForeignKey("served_documents.id"))
    # s.34(3) proviso: a court may allow 30 more days; Sulah only records that it did.
    court_extension_days: Mapped[int] = mapped_column(Integer, default=0)
    challenge_filed_on: Mapped[date | None] = mapped_column(Date)
    challenge_note: Mapped[str] = mapped_column(Text, default="")
    closing_note: Mapped[str] = mapped_column(Text, default="")
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    drafted_by: Mapped[User] = relationship()
    services: Mapped[list[AwardService]] = relationship(
        back_populates="award", order_by="AwardService.id", cascade="all, delete-orphan")

    @property
    def total(self) -> Decimal:
        return sum((v for v in (self.principal, self.pre_amount, self.costs) if v is not None),
                   Decimal("0.00"))


class AwardService(db.Model):
    """Delivery of the signed award on one party (s.31(5)); `received_at` starts its s.34 window."""

    __tablename__ = "award_services"
    __table_args__ = (UniqueConstraint("award_id", "side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id"), index=True)
    side: Mapped[AwardSide] = enum_column(AwardSide)
    route: Mapped[str] = mapped_column(String(200))  # how it went: dispatch pipeline, portal account
    served_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    award: Mapped[Award] = relationship(back_populates="services")
