"""Serving a signed notice or a served document (notices/serving/documents.py): one Dispatch per
(what is served, channel, address), its delivery timeline of DeliveryEvents, and the versions of the
delivery-proof certificate built from that timeline. Each row names either a notice or a served
document (`notice_id` or `document_id`, never both); `served` is whichever it is."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from notices.models import Notice
from notices.serving.documents import ServedDocument
from notices.serving.states import DispatchStatus, ExpertCertificateStatus
from portal.accounts import enum_column
from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class ChannelKind(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    POST = "post"  # registered / speed post: printed, then tracked by staff


class Purpose(enum.StrEnum):
    NOTICE = "notice"          # serving the signed notice itself
    REMINDER = "reminder"      # before the period to pay ends
    ODR_INVITE = "odr_invite"  # the period ended unanswered: talks move to the ODR room


class EventKind(enum.StrEnum):
    QUEUED = "queued"
    DISPATCHED = "dispatched"      # the provider's acceptance: IT Act s.13(1) dispatch
    ACCEPTED = "accepted"
    DELIVERED = "delivered"
    READ = "read"
    BOUNCED = "bounced"
    OPENED = "opened"              # tracking pixel
    VIEWED = "viewed"              # the debtor opened the notice through its personal link
    ACKNOWLEDGED = "acknowledged"  # "I have received this notice"
    RETRY = "retry"                # a transient failure; the next attempt is scheduled
    DEFERRED = "deferred"          # outside the contact window or over the frequency cap
    FAILED = "failed"
    RECORDED = "recorded"          # staff recorded a postal step (article number, tracking, card)


class Dispatch(db.Model):
    __tablename__ = "dispatches"
    # The delivery pages read a notice's or document's dispatches newest first, a page at a time.
    __table_args__ = (CheckConstraint("(notice_id IS NULL) <> (document_id IS NULL)",
                                      name="one_subject"),
                      Index("ix_dispatches_notice_id_created_at_id", "notice_id", "created_at", "id"),
                      Index("ix_dispatches_document_id_created_at_id", "document_id", "created_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("served_documents.id"), index=True)
    channel: Mapped[ChannelKind] = enum_column(ChannelKind)
    purpose: Mapped[Purpose] = enum_column(Purpose, default=Purpose.NOTICE)
    address: Mapped[str] = mapped_column(String(254))
    # sha256(notice, purpose, channel, address): nothing goes twice to the same address.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[DispatchStatus] = enum_column(DispatchStatus, default=DispatchStatus.QUEUED)
    designated: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider: Mapped[str | None] = mapped_column(String(40))
    provider_message_id: Mapped[str | None] = mapped_column(String(200), index=True)
    # Per-dispatch tokens: the VERP bounce address and the tracking pixel name this dispatch.
    bounce_token: Mapped[str] = mapped_column(String(32), unique=True)
    pixel_token: Mapped[str] = mapped_column(String(32), unique=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The provider's acceptance, committed on its own right after the send: a dispatch that has one
    # is never sent again, and it is marked sent (and the notice served) from it.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_reply: Mapped[bytes | None] = mapped_column(LargeBinary)
    accepted_detail: Mapped[str | None] = mapped_column(Text)

    notice: Mapped[Notice | None] = relationship()
    document: Mapped[ServedDocument | None] = relationship()
    events: Mapped[list[DeliveryEvent]] = relationship(
        back_populates="dispatch", order_by="DeliveryEvent.id")

    @property
    def served(self) -> Notice | ServedDocument:
        """What this dispatch carries: the notice, or the served document."""
        return self.notice if self.notice_id is not None else self.document

    def notice_dispatches(self) -> list[Dispatch]:
        """Every dispatch of the same notice or served document."""
        from sqlalchemy import select

        same = (Dispatch.notice_id == self.notice_id) if self.notice_id is not None \
            else (Dispatch.document_id == self.document_id)
        return list(db.session.scalars(select(Dispatch).where(same)))

    @property
    def case(self):
        """The served thing's case: where the dispatch's lifecycle events are audited."""
        return self.served.case

    @property
    def unread(self) -> bool:
        """A WhatsApp message sent without a read receipt (DOMAIN 7 flags it)."""
        return self.channel == ChannelKind.WHATSAPP and self.status == DispatchStatus.SENT and not any(
            e.kind == EventKind.READ for e in self.events)


class DeliveryEvent(db.Model):
    """One fact of the timeline, with its source and the SHA-256 of the raw bytes it came from."""

    __tablename__ = "delivery_events"
    # A provider resending the same webhook (or an attacker replaying it) adds nothing. Provider
    # reports are the same fact when they name the same message and status (a resend may carry a new
    # timestamp, so a new payload hash), or repeat the provider's own event id.
    __table_args__ = (UniqueConstraint("dispatch_id", "kind", "payload_sha256"),
                      UniqueConstraint("source", "provider_message_id", "provider_status"),
                      UniqueConstraint("source", "provider_event_id"),
                      CheckConstraint("(notice_id IS NULL) <> (document_id IS NULL)",
                                      name="one_subject"),
                      # the timeline, newest first, a page at a time (migration keyset)
                      Index("ix_delivery_events_notice_id_occurred_at_id", "notice_id", "occurred_at", "id"),
                      Index("ix_delivery_events_document_id_occurred_at_id", "document_id", "occurred_at",
                            "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("served_documents.id"), index=True)
    dispatch_id: Mapped[int | None] = mapped_column(ForeignKey("dispatches.id"), index=True)
    kind: Mapped[EventKind] = enum_column(EventKind)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # False when the source gave a day and no time of day (an A.D. card's date, a booking receipt):
    # `occurred_at` then holds noon IST of that day and documents show the day only (BSA s.63).
    time_known: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(60))
    provider_ref: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    payload_sha256: Mapped[str] = mapped_column(String(64))
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The provider's identity of a status report (None for Sulah's own events, the pixel, the link).
    provider_message_id: Mapped[str | None] = mapped_column(String(200))
    provider_status: Mapped[str | None] = mapped_column(String(60))
    provider_event_id: Mapped[str | None] = mapped_column(String(200))

    dispatch: Mapped[Dispatch | None] = relationship(back_populates="events")


class DeliveryProof(db.Model):
    """One version of the delivery-proof certificate (PDF in the evidence store, hash in the ledger)."""

    __tablename__ = "delivery_proofs"
    __table_args__ = (UniqueConstraint("notice_id", "version"), UniqueConstraint("document_id", "version"),
                      CheckConstraint("(notice_id IS NULL) <> (document_id IS NULL)",
                                      name="one_subject"))

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("served_documents.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    events_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ServiceTerms(db.Model):
    """What the creditor chose when it served the notice: the deadline and what happens after."""

    __tablename__ = "notice_service_terms"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), primary_key=True)
    first_dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the debtor first received the notice (IT Act s.13(2), notices/serving/receipt.py); None
    # while no receipt is proven, and then no clock runs.
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last calendar day (IST) to pay: the IST day of receipt + the days to pay (receipt.py).
    respond_by: Mapped[date | None] = mapped_column(Date)
    escalate_to_odr: Mapped[bool] = mapped_column(Boolean, default=False)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    notice: Mapped[Notice] = relationship()


class ExpertCertificate(db.Model):
    """Part B of the BSA 2023 s.63 certificate for a notice's delivery proof: asked of an expert, then
    the expert's signed certificate uploaded (an evidence document) and attached to the proof."""

    __tablename__ = "expert_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    status: Mapped[ExpertCertificateStatus] = enum_column(ExpertCertificateStatus,
                                                          default=ExpertCertificateStatus.REQUESTED)
    expert_name: Mapped[str] = mapped_column(String(200))
    expert_qualification: Mapped[str] = mapped_column(String(300), default="")
    proof_version: Mapped[int] = mapped_column(Integer)   # the certificate version the expert examines
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    sha256: Mapped[str | None] = mapped_column(String(64))
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    notice: Mapped[Notice] = relationship()

    @property
    def case(self):
        return self.notice.case
