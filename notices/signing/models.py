"""A signature started at a provider's site (Aadhaar eSign, DocuSign) and not yet finished here:
of a notice (the advocate) or of a settlement agreement (one party's signer, `signer_side`).

One row per attempt: the provider's reference finds it when the callback comes, its status makes
finishing happen once, and the hash of the PDF sent for signing stays on record.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from notices.models import Notice
from notices.signing.states import CeremonyStatus
from portal.accounts import User, enum_column
from portal.extensions import db
from portal.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from arbitration import SettlementAgreement


class SigningCeremony(db.Model):
    __tablename__ = "signing_ceremonies"
    __table_args__ = (
        UniqueConstraint("provider", "provider_ref"),
        CheckConstraint("(notice_id IS NULL) <> (settlement_id IS NULL)", name="one_document"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Exactly one of the two: what is being signed.
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), index=True)
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_agreements.id"), index=True)
    signer_side: Mapped[str | None] = mapped_column(String(16))  # a settlement's SignerSide value
    provider: Mapped[str] = mapped_column(String(32))
    provider_ref: Mapped[str] = mapped_column(String(100))
    # Names the attempt in the URL the provider sends the signer back to.
    token: Mapped[str] = mapped_column(String(43), unique=True, default=lambda: secrets.token_urlsafe(24))
    document_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[CeremonyStatus] = enum_column(CeremonyStatus, default=CeremonyStatus.PENDING)
    detail: Mapped[str | None] = mapped_column(String(500))
    signed_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    notice: Mapped[Notice | None] = relationship()
    settlement: Mapped[SettlementAgreement | None] = relationship()
    started_by: Mapped[User] = relationship()

    @property
    def case(self):
        """The case of the notice or settlement agreement being signed (its events are audited there)."""
        return self.notice.case if self.notice is not None else self.settlement.case

    @property
    def pending(self) -> bool:
        return self.status == CeremonyStatus.PENDING
