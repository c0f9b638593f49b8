"""An attention item: one thing that waits on one person (a user, or a debtor party through its
account or link), opened by an audited event and closed by a later one, by a dismissal, or by its
window passing (`lapses`)."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class AttentionItem(db.Model):
    __tablename__ = "attention_items"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (party_id IS NULL)", name="one_addressee"),
        Index("ix_attention_items_open_user", "user_id", "resolved_at"),
        Index("ix_attention_items_open_party", "party_id", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Exactly one of user_id (a person with an account) and party_id (the debtor party) is set.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    audience: Mapped[str] = mapped_column(String(20))        # rules.Audience
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(80))         # the audit action that opened it
    event_id: Mapped[int] = mapped_column(ForeignKey("audit_events.id"))
    what: Mapped[str] = mapped_column(Text)                 # English, as shown in the list
    may: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lapses: Mapped[bool] = mapped_column(Boolean, default=False)
    endpoint: Mapped[str] = mapped_column(String(80))
    link_args: Mapped[str] = mapped_column(Text, default="{}")  # JSON for url_for
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(80))  # an audit action, or "dismissed"
    # Debtor messages wait for the contact rules: when they went, and on how many channels.
    to_tell: Mapped[bool] = mapped_column(Boolean, default=False)  # a debtor message is owed
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    told_channels: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def link_values(self) -> dict:
        """The url_for values of the page where the person acts."""
        return json.loads(self.link_args or "{}")
