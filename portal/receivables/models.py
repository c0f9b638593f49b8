"""Collections before the notice: each organisation's follow-up levels, each debtor's reminder
settings, the reminders produced (one per invoice and level), the messages that carried them, the
debtor's personal reminder links and promises to pay."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts import User, enum_column
from portal.cases import Case
from portal.extensions import db
from portal.receivables.states import PromiseStatus, ReminderStatus
from portal.types import Money, UTCDateTime, utcnow


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"
    WHATSAPP = "whatsapp"


class Tone(enum.StrEnum):
    FRIENDLY = "friendly"
    FIRM = "firm"
    FINAL = "final"


class Language(enum.StrEnum):
    ENGLISH = "en"
    HINDI = "hi"


class CallOutcome(enum.StrEnum):
    REACHED = "reached"              # spoke to the debtor, no promise
    PROMISED = "promised"            # the debtor promised a date (recorded as a Promise besides)
    NO_ANSWER = "no_answer"          # the call comes back on the queue the next day
    WRONG_NUMBER = "wrong_number"


class Mode(enum.StrEnum):
    AUTOMATIC = "automatic"
    MANUAL = "manual"


class ReminderPolicy(db.Model):
    """An organisation's follow-up levels. Off until the creditor turns it on."""

    __tablename__ = "reminder_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    levels: Mapped[list[ReminderLevel]] = relationship(
        back_populates="policy", cascade="all, delete-orphan", order_by="ReminderLevel.offset_days")


class ReminderLevel(db.Model):
    """One follow-up level: N days before (negative) or after the due date."""

    __tablename__ = "reminder_levels"
    __table_args__ = (UniqueConstraint("policy_id", "offset_days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("reminder_policies.id"), index=True)
    offset_days: Mapped[int] = mapped_column(Integer)
    tone: Mapped[Tone] = enum_column(Tone, default=Tone.FRIENDLY)
    channels: Mapped[str] = mapped_column(String(40), default="email")  # comma-separated Channel values
    include_interest: Mapped[bool] = mapped_column(Boolean, default=False)
    last_before_notice: Mapped[bool] = mapped_column(Boolean, default=False)
    # A call for the debtor's owner (or this staff member) besides the messages.
    call_task: Mapped[bool] = mapped_column(Boolean, default=False)
    call_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    subject_en: Mapped[str] = mapped_column(String(200))
    body_en: Mapped[str] = mapped_column(Text)
    subject_hi: Mapped[str] = mapped_column(String(200))
    body_hi: Mapped[str] = mapped_column(Text)

    policy: Mapped[ReminderPolicy] = relationship(back_populates="levels")
    call_user: Mapped[User | None] = relationship()

    @property
    def channel_list(self) -> list[Channel]:
        return [Channel(c) for c in self.channels.split(",") if c]


class DebtorSetting(db.Model):
    """How one creditor follows one debtor up: automatic or manual, paused, language, owner."""

    __tablename__ = "receivable_debtor_settings"
    __table_args__ = (UniqueConstraint("org_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    mode: Mapped[Mode] = enum_column(Mode, default=Mode.AUTOMATIC)
    paused_until: Mapped[date | None] = mapped_column(Date)
    language: Mapped[Language] = enum_column(Language, default=Language.ENGLISH)
    preferred_channel: Mapped[Channel | None] = enum_column(Channel, nullable=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The creditor's own priority for this debtor, replacing the computed score, with its reason.
    priority_override: Mapped[int | None] = mapped_column(Integer)
    priority_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Reminder(db.Model):
    """One reminder of one invoice at one level. The unique constraint is what makes the run
    exactly-once: a second run, a retry or a second beat inserts nothing."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("invoice_id", "level_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    level_id: Mapped[int] = mapped_column(ForeignKey("reminder_levels.id"))
    # Written only by portal.lifecycle.fire() (the REMINDER table); read through .status.
    _status: Mapped[ReminderStatus] = enum_column(ReminderStatus, name="status",
                                                  default=ReminderStatus.PENDING, index=True)
    due_on: Mapped[date] = mapped_column(Date)            # the IST day the run found it due
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    detail: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    level: Mapped[ReminderLevel] = relationship()
    case: Mapped[Case] = relationship()

    @property
    def status(self) -> ReminderStatus:
        return self._status


class ReminderMessage(db.Model):
    """One message to one of the debtor's own addresses, carrying one or more reminders.
    Counted against the daily cap with the notices' dispatches."""

    __tablename__ = "reminder_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    channel: Mapped[Channel] = enum_column(Channel)
    address: Mapped[str] = mapped_column(String(254))
    language: Mapped[Language] = enum_column(Language)
    reminder_ids: Mapped[str] = mapped_column(Text)           # comma-separated
    provider_message_id: Mapped[str] = mapped_column(String(200), default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ReminderLink(db.Model):
    """The personal link in a reminder: the token's SHA-256 only, for one debtor of one creditor."""

    __tablename__ = "reminder_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Promise(db.Model):
    """A promise to pay an amount by a date, for one invoice."""

    __tablename__ = "payment_promises"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    promised_for: Mapped[date] = mapped_column(Date)
    # What the case had received when the promise was made: kept when payments add `amount` to it.
    paid_before: Mapped[Decimal] = mapped_column(Money)
    _status: Mapped[PromiseStatus] = enum_column(PromiseStatus, name="status",
                                                 default=PromiseStatus.OPEN, index=True)
    # How it was made (DOMAIN 30): "staff call", "debtor link" ... never a signature.
    made_how: Mapped[str] = mapped_column(String(60))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("reminder_links.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()

    @property
    def status(self) -> PromiseStatus:
        return self._status


class InvoiceHold(db.Model):
    """An invoice taken out of the cadence: the debtor disputed it (it goes to the creditor's
    queue, until the creditor answers it) or acknowledged the balance."""

    __tablename__ = "receivable_invoice_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))   # "dispute" | "acknowledged"
    text: Mapped[str] = mapped_column(Text, default="")
    made_how: Mapped[str] = mapped_column(String(60))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("reminder_links.id"))
    # A dispute the creditor has answered: the invoice returns to the cadence.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReminderCall(db.Model):
    """What came of a call a follow-up level asked for (after its reminder went to the debtor),
    recorded by the staff member who made it. A call is open until one is recorded after the
    reminder; "no answer" brings it back the next day while the call is still on the queue."""

    __tablename__ = "reminder_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    level_id: Mapped[int] = mapped_column(ForeignKey("reminder_levels.id"))
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id"), index=True)
    outcome: Mapped[CallOutcome] = enum_column(CallOutcome)
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DebtorPosition(db.Model):
    """One debtor's rolled-up position with one creditor, for the work queue and the dashboards
    (portal.receivables.rollup): what it owes in each ageing bucket, its priority with the reasons and
    the inputs they came from, its owner, the first limitation date. Only debtors that owe something
    have a row. Recomputed by the rollup beat for the whole organisation (the figures move with the
    date alone) and, in the same transaction, for the debtor a collections service changes."""

    __tablename__ = "receivable_positions"
    __table_args__ = (
        # The queue: highest priority first, then the largest, read backwards through this index.
        Index("ix_receivable_positions_queue", "org_id", "score", "outstanding", "party_id"),
        Index("ix_receivable_positions_outstanding", "org_id", "outstanding", "party_id"),
        Index("ix_receivable_positions_limitation", "org_id", "limitation_ends"),
    )

    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), primary_key=True, index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outstanding: Mapped[Decimal] = mapped_column(Money)
    not_due: Mapped[Decimal] = mapped_column(Money)
    due_1_30: Mapped[Decimal] = mapped_column(Money)
    due_31_60: Mapped[Decimal] = mapped_column(Money)
    due_61_90: Mapped[Decimal] = mapped_column(Money)
    due_over_90: Mapped[Decimal] = mapped_column(Money)
    oldest_due: Mapped[date] = mapped_column(Date)
    days_overdue: Mapped[int] = mapped_column(Integer)
    open_invoices: Mapped[int] = mapped_column(Integer)
    # The score's inputs besides the amounts (portal.receivables.priority.Facts) and the score.
    promises_broken: Mapped[int] = mapped_column(Integer)
    promises_kept: Mapped[int] = mapped_column(Integer)
    reminders_sent: Mapped[int] = mapped_column(Integer)
    responded: Mapped[bool] = mapped_column(Boolean)
    msmed_interest_accruing: Mapped[bool] = mapped_column(Boolean)
    at_notice_level: Mapped[bool] = mapped_column(Boolean)
    limitation_ends: Mapped[date | None] = mapped_column(Date)
    limitation_invoice: Mapped[str | None] = mapped_column(String(100))
    score: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[str] = mapped_column(Text)  # JSON list of the reasons, in the rules' order
    overridden: Mapped[bool] = mapped_column(Boolean)
    as_of: Mapped[date] = mapped_column(Date)  # the IST day the figures were computed for
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PortfolioSnapshot(db.Model):
    """An organisation's portfolio figures that look back over months (DSO, collections and recovery
    by month, the funnels), computed by the rollup beat with the positions; when they were computed
    is shown on the pages."""

    __tablename__ = "receivable_portfolio_snapshots"

    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    figures: Mapped[str] = mapped_column(Text)  # JSON: dso, monthly, collected_this_month, funnels
    debtors: Mapped[int] = mapped_column(Integer)  # positions written by that refresh
    as_of: Mapped[date] = mapped_column(Date)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime)
