"""The interface SMS and WhatsApp gateways implement, and the values that cross it.

A gateway sends one message to one number and parses the provider's status webhooks. It receives
plain values, never ORM objects; `notices.serving.dispatch` turns receipts and status updates into the
delivery timeline. Only the adapter modules import a provider SDK or speak its HTTP API.
"""
from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


class DeliveryStatus(enum.StrEnum):
    ACCEPTED = "accepted"    # the provider took it (SMS: submitted to the operator)
    DELIVERED = "delivered"  # the handset / WhatsApp client has it
    READ = "read"            # WhatsApp blue ticks
    FAILED = "failed"        # undeliverable (bad number, blocked, expired)


@dataclass(frozen=True)
class OutgoingMessage:
    to: str                       # E.164, e.g. "+919812345678"
    template: str                 # our template name, e.g. "notice_served"
    variables: tuple[str, ...]    # the template's variables, in order (DLT / WhatsApp {{1}}, {{2}}...)
    text: str                     # the rendered body (what an SMS says; the log shows it)
    idempotency_key: str          # stable per (notice, channel, address): providers that accept one get it
    document: bytes | None = None         # WhatsApp: the signed PDF sent as the template's header
    document_name: str | None = None
    status_callback_url: str | None = None  # where the provider posts delivery reports


@dataclass(frozen=True)
class ProviderReceipt:
    message_id: str               # the provider's id; status webhooks name it
    raw: bytes                    # the provider's response body, kept as evidence (hashed)
    status: DeliveryStatus = DeliveryStatus.ACCEPTED


@dataclass(frozen=True)
class StatusUpdate:
    message_id: str
    status: DeliveryStatus
    at: datetime                  # timezone-aware UTC
    raw: bytes                    # the exact bytes of this update as received
    detail: str = ""              # e.g. an error code and its text
    extra: Mapping[str, str] = field(default_factory=dict)


class TransientFailure(Exception):
    """Try again later (timeout, 5xx, rate limit); the message is safe to log."""


class PermanentFailure(Exception):
    """Never retry (invalid number, template rejected, 4xx); the message is safe to show."""


class WebhookRejected(Exception):
    """The webhook failed its signature check or is malformed; nothing may change."""


class MessageGateway(Protocol):
    name: str

    def send(self, message: OutgoingMessage) -> ProviderReceipt:
        """Send one message; raises TransientFailure or PermanentFailure."""
        ...

    def parse_webhook(self, headers: Mapping[str, str], body: bytes, url: str) -> list[StatusUpdate]:
        """Verify the provider's signature over this request and return its status updates.
        Raises WebhookRejected when the signature or the payload is bad."""
        ...
