"""What the payments package keeps: the debtor's UPI payment reports awaiting the creditor's word,
Razorpay payment links and the webhook events already handled, and the receipt of every payment."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts import enum_column
from portal.cases import Case, Payment
from portal.extensions import db
from portal.payments.states import LinkStatus, ReportStatus
from portal.types import Money, UTCDateTime, utcnow


class PaymentReport(db.Model):
    """The debtor says it paid by UPI (or bank transfer) with this UTR; the creditor confirms what
    reached its account, or rejects the report with a reason. Only a confirmed report is money paid."""

    __tablename__ = "payment_reports"
    # A UTR names one transfer: the same one reported twice on a case would be counted twice.
    __table_args__ = (UniqueConstraint("case_id", "utr"), CheckConstraint("amount > 0", name="positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    utr: Mapped[str] = mapped_column(String(22))
    paid_on: Mapped[date] = mapped_column(Date)
    status: Mapped[ReportStatus] = enum_column(ReportStatus, default=ReportStatus.REPORTED)
    reason: Mapped[str] = mapped_column(Text, default="")
    # The debtor may have no user row (it came in through its personal link): then the link is kept.
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    debtor_link_id: Mapped[int | None] = mapped_column(ForeignKey("debtor_links.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))

    case: Mapped[Case] = relationship()
    payment: Mapped[Payment | None] = relationship()


class GatewayLink(db.Model):
    """A Razorpay payment link made for the debtor: paid once, for exactly its amount."""

    __tablename__ = "gateway_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    link_id: Mapped[str] = mapped_column(String(40), unique=True)
    reference_id: Mapped[str] = mapped_column(String(40), unique=True)
    short_url: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[LinkStatus] = enum_column(LinkStatus, default=LinkStatus.CREATED)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))

    case: Mapped[Case] = relationship()


class GatewayEvent(db.Model):
    """A webhook event handled once: a replay of the same event id changes nothing."""

    __tablename__ = "gateway_events"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(80))
    event: Mapped[str] = mapped_column(String(60))
    body_sha256: Mapped[str] = mapped_column(String(64))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Receipt(db.Model):
    """The receipt PDF of one payment, stored by its SHA-256 in the evidence store."""

    __tablename__ = "payment_receipts"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), unique=True)
    number: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    payment: Mapped[Payment] = relationship()
