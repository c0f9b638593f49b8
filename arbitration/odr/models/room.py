"""The ODR room's records: messages (the open room and each side's private caucus with the neutral),
each reader's read marker per channel, and the parties' requests for a conciliator."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from arbitration.odr.states import RequestStatus
from evidence import Document
from portal.accounts import Side, User, enum_column
from portal.cases import Case
from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class Channel(enum.StrEnum):
    """Where a message is said: the room every member reads, or one side's caucus with the neutral."""

    ROOM = "room"
    CAUCUS_CREDITOR = "caucus:creditor"
    CAUCUS_DEBTOR = "caucus:debtor"


class Message(db.Model):
    """One message; immutable once posted (the room is a record of what was said)."""

    __tablename__ = "room_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    channel: Mapped[Channel] = enum_column(Channel)
    # NULL when the debtor wrote through its personal link (no account): `author_side` says who.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_side: Mapped[Side] = enum_column(Side)
    author_name: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("room_messages.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    document: Mapped[Document | None] = relationship()


class ReadMarker(db.Model):
    """How far one reader has read one channel. Readers are keyed "user:<id>", or "debtor:link" for
    the debtor who comes through its personal link (it has no user id)."""

    __tablename__ = "room_read_markers"
    __table_args__ = (UniqueConstraint("case_id", "channel", "reader_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    channel: Mapped[Channel] = enum_column(Channel)
    reader_key: Mapped[str] = mapped_column(String(40))
    last_read_id: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConciliationRequest(db.Model):
    """A party asks the institution for a conciliator; the platform admin appoints one."""

    __tablename__ = "conciliation_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    side: Mapped[Side] = enum_column(Side)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # NULL: the debtor's link
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RequestStatus] = enum_column(RequestStatus, default=RequestStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    neutral_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    neutral: Mapped[User | None] = relationship(foreign_keys=[neutral_id])


class ConciliatorAcceptance(db.Model):
    """The appointed conciliator's disclosure of its independence and impartiality (A&C s.67(1); the
    Sixth Schedule form the arbitrator files under s.12(1), used for conciliation too) and its
    acceptance. Until it is on record the conciliator does not act in the case."""

    __tablename__ = "conciliator_acceptances"
    __table_args__ = (UniqueConstraint("case_id", "neutral_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    neutral_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    disclosure: Mapped[dict] = mapped_column(JSON)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
