"""The notice itself, its text versions and the advocate's review comments: shared glue, since drafting,
signing, serving, bulk notices and arbitration all read and write notices. Mandates and batches live in
their sub-packages (notices/mandates/models.py, notices/bulk/models.py)."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from notices.states import NoticeStatus
from portal.accounts import User, enum_column
from portal.cases import Case
from portal.extensions import db
from portal.types import Money, UTCDateTime, utcnow


class NoticeKind(enum.StrEnum):
    MSMED_DEMAND = "msmed_demand"
    COMMERCIAL_DEMAND = "commercial_demand"
    CHEQUE_DISHONOUR = "cheque_dishonour"
    # A&C s.21 notice invoking arbitration: reviewed, signed and served like a demand notice, but
    # it does not move the case through the demand-notice statuses (arbitration/invocation/notice.py).
    ARBITRATION_INVOCATION = "arbitration_invocation"
    # (An award is served as a document of its own, notices/serving/documents.py; the former
    # "arbitral_award" notices were moved there by migration zb28_served_documents.)


DEMAND_KINDS = frozenset({NoticeKind.MSMED_DEMAND, NoticeKind.COMMERCIAL_DEMAND, NoticeKind.CHEQUE_DISHONOUR})


class NoticeLanguage(enum.StrEnum):
    ENGLISH = "en"
    HINDI = "hi"


class Notice(db.Model):
    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[NoticeKind] = enum_column(NoticeKind)
    language: Mapped[NoticeLanguage] = enum_column(NoticeLanguage, default=NoticeLanguage.ENGLISH)
    status: Mapped[NoticeStatus] = enum_column(NoticeStatus, default=NoticeStatus.DRAFTING)
    advocate_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    pay_within_days: Mapped[int] = mapped_column(Integer, default=15)
    # The facts version the notice cites; later edits of the case do not change this notice.
    facts_version: Mapped[int] = mapped_column(Integer)
    # Short public code behind /verify/<code> and the QR code printed on the notice.
    verification_code: Mapped[str] = mapped_column(String(16), unique=True)
    cheque_number: Mapped[str | None] = mapped_column(String(20))
    cheque_bank: Mapped[str | None] = mapped_column(String(120))
    cheque_date: Mapped[date | None] = mapped_column(Date)
    cheque_amount: Mapped[Decimal | None] = mapped_column(Money)
    dishonour_memo_date: Mapped[date | None] = mapped_column(Date)
    # NI s.138(a): presented within the cheque's validity; s.138(b): the notice within 30 days of the
    # payee receiving the bank's information (the return memo), which is what the 30 days count from.
    cheque_presented_on: Mapped[date | None] = mapped_column(Date)
    memo_received_on: Mapped[date | None] = mapped_column(Date)
    dishonour_reason: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_pdf_sha256: Mapped[str | None] = mapped_column(String(64))

    case: Mapped[Case] = relationship()
    advocate: Mapped[User | None] = relationship(foreign_keys=[advocate_id])
    versions: Mapped[list[NoticeVersion]] = relationship(
        back_populates="notice", order_by="NoticeVersion.version", cascade="all, delete-orphan")
    comments: Mapped[list[NoticeComment]] = relationship(
        back_populates="notice", order_by="NoticeComment.created_at", cascade="all, delete-orphan")

    @property
    def current(self) -> NoticeVersion | None:
        return self.versions[-1] if self.versions else None


class NoticeVersion(db.Model):
    """One immutable text of the notice; the diff between versions is what the advocate reviews."""

    __tablename__ = "notice_versions"
    __table_args__ = (UniqueConstraint("notice_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    facts_version: Mapped[int] = mapped_column(Integer)
    body_html: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    notice: Mapped[Notice] = relationship(back_populates="versions")


class NoticeComment(db.Model):
    __tablename__ = "notice_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    notice: Mapped[Notice] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()
