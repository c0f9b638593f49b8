"""Personal links (the random token in each served notice, kept only as its SHA-256) and the
debtor's responses to the notice."""
from __future__ import annotations

import enum
import json
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from arbitration import SettlementTerms
from portal.accounts import enum_column
from portal.cases import Case
from portal.extensions import db
from portal.types import Money, UTCDateTime, to_ist, utcnow


class DebtorLink(db.Model):
    __tablename__ = "debtor_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # What the link was sent with: a notice, or a served document (an award); never both.
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("served_documents.id"), index=True)
    # The dispatch that carried the link: opening it proves that address received the notice.
    dispatch_id: Mapped[int | None] = mapped_column(ForeignKey("dispatches.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "en" or "hi" once the debtor chose a language on its pages: the link opens in it next time.
    language: Mapped[str | None] = mapped_column(String(2))

    case: Mapped[Case] = relationship()


class ResponseKind(enum.StrEnum):
    ACKNOWLEDGE = "acknowledge"
    PAY_IN_FULL = "pay_in_full"
    ADMIT_PART = "admit_part"
    PROPOSE_PLAN = "propose_plan"
    DISPUTE = "dispute"
    CALL_BACK = "call_back"


class DisputeReason(enum.StrEnum):
    GOODS_NOT_RECEIVED = "goods_not_received"
    QUALITY = "quality"
    AMOUNT_WRONG = "amount_wrong"
    ALREADY_PAID = "already_paid"
    NOT_MY_DEBT = "not_my_debt"
    OTHER = "other"


REASON_LABELS = {
    DisputeReason.GOODS_NOT_RECEIVED: "Goods or services not received",
    DisputeReason.QUALITY: "Quality of the goods or services",
    DisputeReason.AMOUNT_WRONG: "The amount is wrong",
    DisputeReason.ALREADY_PAID: "Already paid",
    DisputeReason.NOT_MY_DEBT: "Not my debt",
    DisputeReason.OTHER: "Another reason",
}
KIND_LABELS = {
    ResponseKind.ACKNOWLEDGE: "Acknowledged receiving the notice",
    ResponseKind.PAY_IN_FULL: "Chose to pay in full",
    ResponseKind.ADMIT_PART: "Accepted part of the claim and disputed the rest",
    ResponseKind.PROPOSE_PLAN: "Proposed an instalment plan",
    ResponseKind.DISPUTE: "Disputed the claim",
    ResponseKind.CALL_BACK: "Asked for a call back",
}


class DebtorResponse(db.Model):
    """One answer the debtor gave to the notice: what it chose and the details it gave."""

    __tablename__ = "debtor_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[ResponseKind] = enum_column(ResponseKind)
    reason: Mapped[DisputeReason | None] = enum_column(DisputeReason, nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    # JSON list of the invoice ids the debtor disputes (dispute, admit part); "[]" otherwise.
    disputed_invoice_ids: Mapped[str] = mapped_column(Text, default="[]")
    admitted_amount: Mapped[Decimal | None] = mapped_column(Money)
    # SettlementTerms.to_json() of a proposed plan: exactly what was offered to the creditor.
    plan_terms: Mapped[str | None] = mapped_column(Text)
    callback_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    callback_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    callback_phone: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # NULL when the debtor answered through its personal link (no account); link_id says which.
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("debtor_links.id"))

    case: Mapped[Case] = relationship()

    @property
    def disputed_ids(self) -> list[int]:
        return [int(i) for i in json.loads(self.disputed_invoice_ids or "[]")]

    @property
    def terms(self) -> SettlementTerms | None:
        return SettlementTerms.from_json(self.plan_terms) if self.plan_terms else None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def reason_label(self) -> str:
        return REASON_LABELS[self.reason] if self.reason else ""

    @property
    def slot_label(self) -> str:
        """The call-back hour in IST: "Tuesday 24 November 2026, 11:00–12:00 IST"."""
        if self.callback_from is None or self.callback_until is None:
            return ""
        starts, ends = to_ist(self.callback_from), to_ist(self.callback_until)
        return f"{starts:%A %d %B %Y}, {starts:%H:%M}–{ends:%H:%M} IST"
