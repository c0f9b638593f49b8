"""Bulk notices: a creditor's batch of notice requests and its items, one per case."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from notices.bulk.states import BatchItemStatus
from notices.models import Notice, NoticeLanguage
from portal.accounts import User, enum_column
from portal.cases import Case
from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class NoticeBatch(db.Model):
    """A creditor's request for notices on many cases at once (see notices/bulk/batches.py)."""

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
