"""The settlement agreement, each party's signature or one-time-code acceptance of it, and the
instalments it schedules.

An agreement is rendered once (its unsigned PDF's SHA-256 is what every party accepts), then completed
into a final PDF listing how each party agreed, sealed by the platform. Instalment rows keep only the
schedule and what was sent about them; whether one is paid is derived from the creditor's payments.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from arbitration.settlement.states import LIVE, AgreementStatus  # noqa: F401  (LIVE re-exported)
from arbitration.settlement.terms import SettlementTerms
from portal.accounts import User, enum_column
from portal.cases import Case
from portal.extensions import db
from portal.types import Money, UTCDateTime, utcnow


class SignerSide(enum.StrEnum):
    CREDITOR = "creditor"
    DEBTOR = "debtor"
    NEUTRAL = "neutral"


class SignMethod(enum.StrEnum):
    DSC = "dsc"
    AADHAAR = "aadhaar"
    DOCUSIGN = "docusign"
    OTP_ACCEPTANCE = "otp_acceptance"            # accepted electronically, not a digital signature
    NEUTRAL_AUTHENTICATION = "neutral_authentication"


class SettlementAgreement(db.Model):
    __tablename__ = "settlement_agreements"
    __table_args__ = (UniqueConstraint("case_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    source: Mapped[str] = mapped_column(String(40))   # "offer", "bidding", "proposal", ...
    terms_json: Mapped[str] = mapped_column(Text)
    total: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[AgreementStatus] = enum_column(AgreementStatus,
                                                  default=AgreementStatus.AWAITING_SIGNATURES)
    neutral_required: Mapped[bool] = mapped_column(default=False)
    unsigned_pdf_sha256: Mapped[str] = mapped_column(String(64))
    final_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    created_by: Mapped[User | None] = relationship()
    signatures: Mapped[list[Signature]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="Signature.at")
    instalments: Mapped[list[InstalmentRow]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="InstalmentRow.number")

    @property
    def terms(self) -> SettlementTerms:
        return SettlementTerms.from_json(self.terms_json)

    def signature_of(self, side: SignerSide) -> Signature | None:
        return next((s for s in self.signatures if s.side == side), None)


class Signature(db.Model):
    """One party's signature or acceptance of the agreement's unsigned PDF (`document_sha256`)."""

    __tablename__ = "settlement_signatures"
    __table_args__ = (UniqueConstraint("agreement_id", "side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("settlement_agreements.id"), index=True)
    side: Mapped[SignerSide] = enum_column(SignerSide)
    party_name: Mapped[str] = mapped_column(String(200))
    signer_name: Mapped[str] = mapped_column(String(200))
    method: Mapped[SignMethod] = enum_column(SignMethod)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str] = mapped_column(String(45), default="")
    document_sha256: Mapped[str] = mapped_column(String(64))
    # A DSC signature: the copy of the agreement that carries it, kept in the evidence store.
    signed_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(300), default="")  # code's masked address; certificate
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the debtor's link

    agreement: Mapped[SettlementAgreement] = relationship(back_populates="signatures")


class InstalmentRow(db.Model):
    __tablename__ = "settlement_instalments"
    __table_args__ = (UniqueConstraint("agreement_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("settlement_agreements.id"), index=True)
    number: Mapped[int] = mapped_column()
    due_on: Mapped[date] = mapped_column(index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    defaulted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agreement: Mapped[SettlementAgreement] = relationship(back_populates="instalments")
