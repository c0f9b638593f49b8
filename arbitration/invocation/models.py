"""The basis of an arbitration (A&C s.7): a clause in an uploaded agreement, a submission agreement
Sulah drafts and both parties accept online, or, for MSMED Act claims, the statutory reference to
the Facilitation Council (s.18) instead of arbitration on Sulah."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from arbitration.invocation.states import BasisStatus
from evidence import Document
from portal.accounts import enum_column
from portal.cases import Case
from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class BasisKind(enum.StrEnum):
    CLAUSE = "clause"
    SUBMISSION_AGREEMENT = "submission_agreement"
    MSMED_REFERENCE = "msmed_reference"


class ArbitrationBasis(db.Model):
    __tablename__ = "arbitration_bases"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One basis per case; replaced (deleted, with an audit event) only before arbitration is invoked.
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    kind: Mapped[BasisKind] = enum_column(BasisKind)
    status: Mapped[BasisStatus] = enum_column(BasisStatus)
    # A clause: where the creditor points in its evidence, and the words quoted from there.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    page: Mapped[int | None] = mapped_column(Integer)
    clause_text: Mapped[str | None] = mapped_column(Text)
    seat: Mapped[str] = mapped_column(String(120), default="")
    # A submission agreement: the PDF both accepted (its hash), then the sealed final one.
    agreement_sha256: Mapped[str | None] = mapped_column(String(64))
    sealed_sha256: Mapped[str | None] = mapped_column(String(64))
    creditor_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    creditor_accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    creditor_acceptance: Mapped[str] = mapped_column(String(300), default="")
    # The debtor may accept through its personal link, with no user id: the detail says how.
    debtor_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    debtor_accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    debtor_acceptance: Mapped[str] = mapped_column(String(300), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(backref=backref("arbitration_basis", uselist=False))
    document: Mapped[Document | None] = relationship()

    @property
    def in_force(self) -> bool:
        return self.status == BasisStatus.IN_FORCE
