"""The mandate: the creditor's and the advocate's signed authority for Sulah to send notices for them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from notices.mandates.states import MandateStatus
from portal.accounts import Organization, User, enum_column
from portal.extensions import db
from portal.types import UTCDateTime, utcnow


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
