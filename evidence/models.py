"""Evidence documents of a case (immutable, hashed) and the log of every download."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts import User, enum_column
from portal.extensions import db
from portal.i18n import lazy_gettext as _l
from portal.types import UTCDateTime, utcnow


class DocumentKind(enum.StrEnum):
    INVOICE = "invoice"
    PURCHASE_ORDER = "purchase_order"
    AGREEMENT = "agreement"
    DELIVERY_PROOF = "delivery_proof"
    LEDGER = "ledger"
    CORRESPONDENCE = "correspondence"
    OTHER = "other"


# Each kind as a person reads it, in the page's language: the upload forms' choices (the creditor's
# and the debtor's).
KIND_WORDS = [(DocumentKind.INVOICE.value, _l("Invoice")),
              (DocumentKind.PURCHASE_ORDER.value, _l("Purchase order")),
              (DocumentKind.AGREEMENT.value, _l("Agreement")),
              (DocumentKind.DELIVERY_PROOF.value, _l("Delivery proof")),
              (DocumentKind.LEDGER.value, _l("Ledger")),
              (DocumentKind.CORRESPONDENCE.value, _l("Correspondence")),
              (DocumentKind.OTHER.value, _l("Other"))]


class Side(enum.StrEnum):
    """Who put the document in: the creditor's side (staff, advocate), the debtor, or the neutral."""

    CREDITOR = "creditor"
    DEBTOR = "debtor"
    NEUTRAL = "neutral"


class Audience(enum.StrEnum):
    """Who may see it, besides the neutral and the platform admin: everyone on the case (the creditor's
    evidence once served, the debtor's counter-evidence), or one side only (a caucus attachment)."""

    ALL = "all"
    CREDITOR = "creditor"
    DEBTOR = "debtor"


class Document(db.Model):
    __tablename__ = "documents"
    # The evidence list reads a case's documents newest first, a page at a time (migration keyset).
    __table_args__ = (Index("ix_documents_case_id_uploaded_at_id", "case_id", "uploaded_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[DocumentKind] = enum_column(DocumentKind)
    description: Mapped[str] = mapped_column(Text, default="")
    original_filename: Mapped[str] = mapped_column(String(255))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # NULL when the debtor uploaded through its personal link (no account): `side` says who.
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    side: Mapped[Side] = enum_column(Side, default=Side.CREDITOR, server_default=Side.CREDITOR.value)
    audience: Mapped[Audience] = enum_column(Audience, default=Audience.ALL,
                                             server_default=Audience.ALL.value)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a signed notice cites the document: from then on it cannot be withdrawn.
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdraw_reason: Mapped[str | None] = mapped_column(Text)

    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])


class DownloadLog(db.Model):
    __tablename__ = "document_downloads"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # NULL: the debtor's personal link
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
