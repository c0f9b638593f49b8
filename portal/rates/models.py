"""The dated RBI Bank Rate table that MSMED Act s.16 interest is computed from."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class BankRate(db.Model):
    """The Bank Rate in force from `effective_from` until the next row's date."""

    __tablename__ = "bank_rates"
    __table_args__ = (
        CheckConstraint("rate_percent > 0 AND rate_percent <= 20", name="rate_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date, unique=True)
    rate_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2, asdecimal=True))
    # Where the figure comes from (RBI press release), or that it still needs confirming.
    source_note: Mapped[str] = mapped_column(String(300))
    # None for rows the migration or seed put in.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
