"""A served document in its own right: a signed document that is not a party's notice (an arbitral
award, a procedural order, a settlement agreement) served on its addressee through the same dispatch
pipeline, delivery timeline, receipt rule and delivery-proof certificate as a notice, in the name of
whoever made it (the tribunal, or the party that signed it), with its own words and attachment name.

It is born signed (`begin` as READY) by the package that made the document; `serving.dispatch.serve`
moves it to SERVING, and `receipt` to RECEIVED or UNSERVED as the timeline decides.
"""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from notices.serving.states import SERVED_DOCUMENT, ServedDocumentStatus
from portal import lifecycle
from portal.accounts import enum_column
from portal.cases import Case
from portal.extensions import db
from portal.types import UTCDateTime, utcnow

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class DocumentKind(enum.StrEnum):
    AWARD = "award"                          # A&C s.31(5): a signed copy to each party
    PROCEDURAL_ORDER = "procedural_order"    # the tribunal's directions (s.19, s.24)
    SETTLEMENT = "settlement"                # a settlement agreement signed by the parties


# What each kind is called in a message, its attachment's name and whose name it is sent in.
TITLES = {DocumentKind.AWARD: ("Arbitral award", "arbitral-award"),
          DocumentKind.PROCEDURAL_ORDER: ("Procedural order", "procedural-order"),
          DocumentKind.SETTLEMENT: ("Settlement agreement", "settlement-agreement")}
TITLES_HI = {DocumentKind.AWARD: "माध्यस्थम् पंचाट", DocumentKind.PROCEDURAL_ORDER: "प्रक्रियात्मक आदेश",
             DocumentKind.SETTLEMENT: "समझौता करार"}


class ServedDocument(db.Model):
    __tablename__ = "served_documents"
    __table_args__ = (UniqueConstraint("kind", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[DocumentKind] = enum_column(DocumentKind)
    # The row of the package that made it (the award's, the order's id): one served document each.
    source_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[ServedDocumentStatus] = enum_column(ServedDocumentStatus,
                                                       default=ServedDocumentStatus.READY)
    title: Mapped[str] = mapped_column(String(200))
    # In whose name it is sent ("the arbitral tribunal") and who signed it (the arbitrator's name).
    sender: Mapped[str] = mapped_column(String(200))
    signatory: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(5), default="en")
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signed_pdf_sha256: Mapped[str] = mapped_column(String(64))
    # Short public code behind /verify/<code> (the same page as a notice's).
    verification_code: Mapped[str] = mapped_column(String(16), unique=True)
    # When its addressee first received it (IT Act s.13(2)); None while no receipt is proven.
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()

    @property
    def title_hi(self) -> str:
        """The title in Hindi (a numbered procedural order keeps its number)."""
        if self.title.lower().startswith("procedural order no. "):
            return f"{TITLES_HI[self.kind]} सं. {self.title.rsplit(' ', 1)[-1]}"
        return TITLES_HI[self.kind]

    @property
    def pdf_name(self) -> str:
        """"arbitral-award-SUL-2026-000042.pdf"; an order by its number, "procedural-order-no-2-...". """
        stem = TITLES[self.kind][1]
        numbered = self.title.lower().startswith("procedural order no. ")
        if self.kind == DocumentKind.PROCEDURAL_ORDER and numbered:
            stem += "-no-" + self.title.rsplit(" ", 1)[-1]
        return f"{stem}-{self.case.reference}.pdf"

    @property
    def label(self) -> str:
        """How pages and the certificate name it: "Arbitral award SUL-2026-000042/D7"."""
        return f"{self.title} {self.case.reference}/D{self.id}"


def create(actor, case: Case, kind: DocumentKind, source_id: int, *, sender: str, signatory: str,
           signed_at: datetime, signed_pdf_sha256: str, title: str = "", language: str = "en",
           requested_by=None) -> ServedDocument:
    """The signed document, ready to serve (audited as "served_document.created").

    `actor` None is the system (a settlement completed by its last signature); `requested_by` is
    then the person on whose side it is served, kept as its creator."""
    document = ServedDocument(
        case_id=case.id, case=case, kind=kind, source_id=source_id, title=title or TITLES[kind][0],
        sender=sender[:200], signatory=signatory[:200], language=language, signed_at=signed_at,
        signed_pdf_sha256=signed_pdf_sha256, created_by_id=(requested_by or actor).id,
        verification_code="".join(secrets.choice(_CODE_ALPHABET) for _ in range(10)))
    return lifecycle.begin(SERVED_DOCUMENT, document, ServedDocumentStatus.READY, actor, case=case, payload={
        "kind": kind.value, "source_id": source_id, "sha256": signed_pdf_sha256})


def addressed_language(case: Case) -> str:
    """The language the respondent was last addressed in: that of the case's latest signed notice
    (the s.21 request or the demand), else English. A document's covering message goes in it."""
    from notices.models import Notice

    language = db.session.scalar(
        select(Notice.language).where(Notice.case_id == case.id, Notice.signed_at.is_not(None))
        .order_by(Notice.signed_at.desc(), Notice.id.desc()).limit(1))
    return str(language or "en")


def debtor_language(case: Case) -> str:
    """The debtor's recorded language ("en" or "hi"): that of its latest signed demand notice, the one
    the creditor chose for it. The s.21 request is left out: it exists in English only (no Hindi
    template yet), so it records nothing about the debtor's language. English without a notice."""
    from notices.models import Notice, NoticeKind

    language = db.session.scalar(
        select(Notice.language).where(Notice.case_id == case.id, Notice.signed_at.is_not(None),
                                      Notice.kind != NoticeKind.ARBITRATION_INVOCATION)
        .order_by(Notice.signed_at.desc(), Notice.id.desc()).limit(1))
    return "hi" if language is not None and str(language) == "hi" else "en"


def of_source(kind: DocumentKind, source_id: int) -> ServedDocument | None:
    """The served document made from that package's row (an award's, a settlement's id), if any."""
    return db.session.scalar(select(ServedDocument).where(ServedDocument.kind == kind,
                                                          ServedDocument.source_id == source_id))


def by_code(code: str) -> ServedDocument | None:
    return db.session.scalar(select(ServedDocument).where(ServedDocument.verification_code == code))


def for_case(case: Case) -> list[ServedDocument]:
    return list(db.session.scalars(select(ServedDocument).where(ServedDocument.case_id == case.id)
                                   .order_by(ServedDocument.id)))
