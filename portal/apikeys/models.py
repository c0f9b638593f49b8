"""API keys an organisation's systems use to call /api/, and the results of idempotent requests."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts import Organization, User, enum_column
from portal.apikeys.states import ApiKeyStatus
from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class ApiKey(db.Model):
    """A key shown once at creation; only its SHA-256 is kept (the secret is 256 random bits, so a
    fast hash is enough: nothing can be guessed from it). `prefix` identifies it in lists and logs."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(24), unique=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(String(100))  # space-separated, from SCOPES
    status: Mapped[ApiKeyStatus] = enum_column(ApiKeyStatus, default=ApiKeyStatus.ACTIVE)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoke_reason: Mapped[str | None] = mapped_column(String(500))

    organization: Mapped[Organization] = relationship()
    created_by: Mapped[User] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())


class IdempotentResult(db.Model):
    """The first successful answer to a POST sent with an Idempotency-Key, per caller and key."""

    __tablename__ = "idempotent_results"
    __table_args__ = (UniqueConstraint("caller", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    caller: Mapped[str] = mapped_column(String(40))  # "key:<id>" or "user:<id>"
    key: Mapped[str] = mapped_column(String(255))
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
