"""An organisation's webhook endpoints, the events raised for it, each event's delivery to each
endpoint, and every attempt at a delivery (the log the administrator reads)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts import User, enum_column
from portal.extensions import db
from portal.types import UTCDateTime, utcnow
from portal.webhooks.states import DeliveryStatus, EndpointStatus


class WebhookEndpoint(db.Model):
    """A URL of the organisation's that receives the event types it chose, signed with its secret.
    The secret is kept encrypted (portal.crypto: Sulah must sign with it, so it cannot be a hash);
    after a rotation the previous one stays live until `previous_expires_at`."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(200), default="")
    event_types: Mapped[str] = mapped_column(Text)  # space-separated, from events.EVENT_TYPES
    status: Mapped[EndpointStatus] = enum_column(EndpointStatus, default=EndpointStatus.ACTIVE)
    secret_encrypted: Mapped[str] = mapped_column(Text)
    secret_created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    previous_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    previous_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User] = relationship()

    case = None  # an endpoint belongs to no case: its lifecycle events go on the global chain only

    @property
    def type_set(self) -> frozenset[str]:
        return frozenset(self.event_types.split())


class WebhookEvent(db.Model):
    """One event, written in the transaction of the audit event that raised it. `public_id` is the
    id every delivery and replay carries (webhook-id): receivers de-duplicate on it."""

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    type: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    audit_event_id: Mapped[int] = mapped_column(ForeignKey("audit_events.id"))
    body: Mapped[str] = mapped_column(Text)  # the exact JSON sent, the same on every attempt
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(db.Model):
    """An event on its way to one endpoint. A replay is a new delivery of the same event."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("webhook_events.id"), index=True)
    status: Mapped[DeliveryStatus] = enum_column(DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker attempting it holds it until then (a lost worker's delivery is taken up again).
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replay_of_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_deliveries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[WebhookEndpoint] = relationship()
    event: Mapped[WebhookEvent] = relationship()
    attempt_log: Mapped[list[WebhookAttempt]] = relationship(
        order_by="WebhookAttempt.number", back_populates="delivery")

    case = None


class WebhookAttempt(db.Model):
    """One POST: when, how long, the answer's status (None: no answer) and its start, or the error."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    elapsed_ms: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_excerpt: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(String(500))

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="attempt_log")

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
