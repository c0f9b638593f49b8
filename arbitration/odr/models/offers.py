"""Offers in the ODR room (a party's offer, a counter, the conciliator's proposal) and double-blind
bidding (the agreement to bid, and each side's sealed figure per round)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Numeric, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from arbitration.odr.states import BiddingStatus, OfferStatus
from arbitration.settlement.terms import SettlementTerms
from portal.accounts import Side, enum_column
from portal.cases import Case
from portal.extensions import db
from portal.types import Money, UTCDateTime, utcnow


class Offer(db.Model):
    """Terms one side puts to the other; at most one LIVE per side and case (offers.py keeps that)."""

    __tablename__ = "offers"
    __table_args__ = (CheckConstraint("total > 0", name="positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    side: Mapped[Side] = enum_column(Side)
    status: Mapped[OfferStatus] = enum_column(OfferStatus, default=OfferStatus.LIVE)
    # The offer this one answers (it became COUNTERED when this was made).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id"))
    total: Mapped[Decimal] = mapped_column(Money)
    terms_json: Mapped[str] = mapped_column(Text)  # SettlementTerms.to_json(): what would be signed
    note: Mapped[str] = mapped_column(Text, default="")
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # NULL when the debtor acted through its personal link (no account): `side` says who.
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A conciliator's proposal needs both parties' acceptance; a party's offer only the other's.
    creditor_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    debtor_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship()
    parent: Mapped[Offer | None] = relationship(remote_side=[id])

    @property
    def terms(self) -> SettlementTerms:
        return SettlementTerms.from_json(self.terms_json)

    @property
    def is_proposal(self) -> bool:
        return self.side == Side.NEUTRAL

    def expired(self, now: datetime) -> bool:
        return self.valid_until is not None and self.valid_until <= now

    def accepted_by(self, side: Side) -> bool:
        return (self.creditor_accepted_at if side == Side.CREDITOR else self.debtor_accepted_at) is not None


class BiddingAgreement(db.Model):
    """Both parties' agreement to bid blind: rounds, the gap within which figures settle, progress."""

    __tablename__ = "bidding_agreements"
    __table_args__ = (CheckConstraint("rounds >= 1 AND rounds <= 10", name="rounds"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    side: Mapped[Side] = enum_column(Side)  # the side that proposed bidding
    status: Mapped[BiddingStatus] = enum_column(BiddingStatus, default=BiddingStatus.PROPOSED)
    rounds: Mapped[int] = mapped_column(Integer)
    gap_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    gap_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    current_round: Mapped[int] = mapped_column(Integer, default=1)
    pay_within_days: Mapped[int] = mapped_column(Integer, default=15)
    # The midpoint, once a round settles: the only figure both sides ever see.
    settled_amount: Mapped[Decimal | None] = mapped_column(Money)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    bids: Mapped[list[Bid]] = relationship(back_populates="agreement", order_by="Bid.id")


class Bid(db.Model):
    """One side's sealed figure for one round: the creditor's minimum or the debtor's maximum.

    Never shown to the other side, the neutral or the admin, never put in JSON or an audit payload.
    """

    __tablename__ = "bids"
    __table_args__ = (UniqueConstraint("agreement_id", "round_no", "side"),
                      CheckConstraint("amount > 0", name="positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("bidding_agreements.id"), index=True)
    round_no: Mapped[int] = mapped_column(Integer)
    side: Mapped[Side] = enum_column(Side)
    amount: Mapped[Decimal] = mapped_column(Money)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agreement: Mapped[BiddingAgreement] = relationship(back_populates="bids")
