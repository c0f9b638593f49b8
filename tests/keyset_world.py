"""A case with a signed notice and a served document, and a way to add any number of rows to each
keyset-paged list on them (evidence documents, audit events, payments, dispatches, delivery events),
all sharing one sort value, so that only the id tells them apart (the tie-breaker is what is tested).
Used by tests/test_keyset_lists.py and tests/test_statement_counts.py."""
from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from evidence.models import Document, DocumentKind
from notices.serving import documents as served_documents
from notices.serving.documents import DocumentKind as ServedKind
from notices.serving.models import ChannelKind, DeliveryEvent, Dispatch, EventKind
from portal import audit
from portal.cases.models import Payment, PaymentMethod
from portal.cases.states import CaseStatus
from portal.extensions import db
from tests.serving.helpers import signed_notice

T = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)   # every row's sort value: all ties
PAID_ON = date(2026, 6, 1)
LISTS = ("documents", "audit", "payments", "notice_dispatches", "notice_events", "document_dispatches",
         "document_events")
_serial = itertools.count(1)


class KeysetWorld:
    def __init__(self, monkeypatch) -> None:
        self.creditor, self.advocate, self.case, self.notice = signed_notice()
        self.document = served_documents.create(
            self.creditor, self.case, ServedKind.AWARD, 1, sender="the arbitral tribunal",
            signatory="A. Neutral", signed_at=T, signed_pdf_sha256="ab" * 32)
        self.case._status = CaseStatus.NOTICE_SERVED  # the payments page opens once a notice is served
        monkeypatch.setattr(audit, "utcnow", lambda: T)  # the audit events added below share a time
        db.session.flush()

    def add(self, name: str, n: int = 1) -> None:
        for _ in range(n):
            getattr(self, "_" + name)(next(_serial))
        db.session.flush()

    def add_each(self, n: int = 1) -> None:
        for name in LISTS:
            self.add(name, n)

    def link_events(self) -> None:
        """Each delivery event not yet tied to a dispatch gets one of its own (the timeline shows each
        event's dispatch: a page that loaded them row by row would show in its statement count)."""
        for subject in ("notice_id", "document_id"):
            served_id = getattr(self, subject.split("_")[0]).id
            events = db.session.scalars(select(DeliveryEvent).where(
                getattr(DeliveryEvent, subject) == served_id, DeliveryEvent.dispatch_id.is_(None))
                .order_by(DeliveryEvent.id)).all()
            dispatches = db.session.scalars(select(Dispatch).where(getattr(Dispatch, subject) == served_id)
                                            .order_by(Dispatch.id)).all()
            for event, dispatch in zip(events, dispatches, strict=False):
                event.dispatch_id = dispatch.id
        db.session.flush()
        db.session.expire_all()

    # --- one row of each list -----------------------------------------------------------------------

    def _documents(self, i: int) -> None:
        db.session.add(Document(case_id=self.case.id, kind=DocumentKind.INVOICE, original_filename=f"inv-{i}.pdf",
                                filename=f"inv-{i}.pdf", content_type="application/pdf", size=1000 + i,
                                sha256=hashlib.sha256(f"doc {i}".encode()).hexdigest(),
                                uploaded_by_id=self.creditor.id, uploaded_at=T))

    def _audit(self, i: int) -> None:
        audit.record("case.note_added", actor=self.creditor, case=self.case, payload={"n": i})

    def _payments(self, i: int) -> None:
        db.session.add(Payment(case_id=self.case.id, amount=Decimal("1.00"), paid_on=PAID_ON,
                               method=PaymentMethod.NEFT, reference=f"UTR{i:08d}",
                               recorded_by_id=self.creditor.id))

    def _dispatch(self, i: int, **subject) -> None:
        db.session.add(Dispatch(**subject, channel=ChannelKind.EMAIL, address=f"d{i}@example.in",
                                idempotency_key=hashlib.sha256(f"key {i}".encode()).hexdigest(),
                                bounce_token=f"b{i:020d}", pixel_token=f"p{i:020d}",
                                created_by_id=self.creditor.id, created_at=T))

    def _notice_dispatches(self, i: int) -> None:
        self._dispatch(i, notice_id=self.notice.id)

    def _document_dispatches(self, i: int) -> None:
        self._dispatch(i, document_id=self.document.id)

    def _event(self, i: int, **subject) -> None:
        db.session.add(DeliveryEvent(**subject, kind=EventKind.QUEUED, occurred_at=T, source="test",
                                     provider_ref=f"ref-{i}",
                                     payload_sha256=hashlib.sha256(f"event {i}".encode()).hexdigest()))

    def _notice_events(self, i: int) -> None:
        self._event(i, notice_id=self.notice.id)

    def _document_events(self, i: int) -> None:
        self._event(i, document_id=self.document.id)
