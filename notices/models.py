"""Legal notices: each notice, its text versions, the advocate's review comments, and mandates."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organization, User, enum_column
from portal.cases.models import Case
from portal.extensions import db
from portal.types import Money, UTCDateTime, utcnow


class NoticeKind(enum.StrEnum):
    MSMED_DEMAND = "msmed_demand"
    COMMERCIAL_DEMAND = "commercial_demand"
    CHEQUE_DISHONOUR = "cheque_dishonour"
    # A&C s.21 notice invoking arbitration: reviewed, signed and served like a demand notice, but
    # it does not move the case through the demand-notice statuses (arbitration/invocation/notice.py).
    ARBITRATION_INVOCATION = "arbitration_invocation"
    # A&C s.31(5): the signed award served on the respondent through the same pipeline; never
    # drafted or reviewed as a notice (arbitration/awards/making.py creates it already signed).
    ARBITRAL_AWARD = "arbitral_award"


DEMAND_KINDS = frozenset({NoticeKind.MSMED_DEMAND, NoticeKind.COMMERCIAL_DEMAND, NoticeKind.CHEQUE_DISHONOUR})


class NoticeLanguage(enum.StrEnum):
    ENGLISH = "en"
    HINDI = "hi"


class NoticeStatus(enum.StrEnum):
    DRAFTING = "drafting"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    SIGNED = "signed"


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


class MandateStatus(enum.StrEnum):
    AWAITING_ADVOCATE = "awaiting_advocate"  # accepted and sealed; the advocate's DSC is missing
    IN_FORCE = "in_force"                    # countersigned by the advocate: notices may go out


class Mandate(db.Model):
    """The creditor's and the advocate's signed authority for Sulah to send notices on their behalf
    (IT Act s.11: what an automated system sends for someone is attributed to them).

    The creditor's administrator accepts the PDF with a one-time code (`sha256` is the PDF accepted;
    before signed mandates, the text), the platform seals it (`sealed_pdf_sha256`), the advocate
    countersigns it with its DSC (`signed_pdf_sha256`): only then is it in force."""

    __tablename__ = "mandates"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    advocate_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    method: Mapped[str] = mapped_column(String(80))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[MandateStatus] = enum_column(MandateStatus, default=MandateStatus.AWAITING_ADVOCATE)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_ip: Mapped[str] = mapped_column(String(45), default="")
    sealed_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    advocate_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    advocate: Mapped[User] = relationship(foreign_keys=[advocate_id])
    accepted_by: Mapped[User] = relationship(foreign_keys=[signed_by_id])

    @property
    def in_force(self) -> bool:
        return self.status == MandateStatus.IN_FORCE and self.revoked_at is None

    @property
    def pdf_sha256(self) -> str | None:
        """The latest PDF of the mandate: countersigned, else sealed (None before signed mandates)."""
        return self.signed_pdf_sha256 or self.sealed_pdf_sha256


class BatchItemStatus(enum.StrEnum):
    QUEUED = "queued"
    DRAFTED = "drafted"
    FAILED = "failed"


class NoticeBatch(db.Model):
    """A creditor's request for notices on many cases at once (see notices/bulk.py)."""

    __tablename__ = "notice_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    language: Mapped[NoticeLanguage] = enum_column(NoticeLanguage, default=NoticeLanguage.ENGLISH)
    pay_within_days: Mapped[int] = mapped_column(Integer, default=15)
    submit_for_review: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User] = relationship()
    items: Mapped[list[NoticeBatchItem]] = relationship(
        back_populates="batch", order_by="NoticeBatchItem.id", cascade="all, delete-orphan")


class NoticeBatchItem(db.Model):
    """One case of a batch: drafted (with its notice), failed (with the reason) or still queued.
    The sample fields record which notices the server picked for the advocate to open."""

    __tablename__ = "notice_batch_items"
    __table_args__ = (UniqueConstraint("batch_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("notice_batches.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    status: Mapped[BatchItemStatus] = enum_column(BatchItemStatus, default=BatchItemStatus.QUEUED)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), index=True)
    reason: Mapped[str | None] = mapped_column(String(500))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sampled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sampled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sample_viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    batch: Mapped[NoticeBatch] = relationship(back_populates="items")
    case: Mapped[Case] = relationship()
    notice: Mapped[Notice | None] = relationship()
