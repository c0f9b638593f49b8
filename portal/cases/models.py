"""Claims: the debtor party, the case, its invoices and the payments received."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts import Organization, User, enum_column
from portal.cases.interest import PartMonth, RateBasis, Rounding
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.types import Money, UTCDateTime, utcnow


class BuyerRelationship(enum.StrEnum):
    TRADE_BUYER = "trade_buyer"
    GOVERNMENT_BUYER = "government_buyer"
    RELATED_PARTY = "related_party"
    OTHER = "other"


class ClaimType(enum.StrEnum):
    MSMED_INVOICE = "msmed_invoice"
    COMMERCIAL_INVOICE = "commercial_invoice"
    CHEQUE_DISHONOUR = "cheque_dishonour"


class ContactKind(enum.StrEnum):
    EMAIL = "email"
    MOBILE = "mobile"


class PaymentMethod(enum.StrEnum):
    UPI = "upi"
    NEFT = "neft"
    RTGS = "rtgs"
    IMPS = "imps"
    CHEQUE = "cheque"
    CASH = "cash"
    OTHER = "other"


class PaymentSource(enum.StrEnum):
    """Who put the payment on record: the creditor by hand, the creditor confirming the debtor's
    UPI report, or the payment gateway's signed webhook (no person)."""

    CREDITOR = "creditor"
    DEBTOR_REPORT = "debtor_report"
    GATEWAY = "gateway"


class Party(db.Model):
    """A debtor as the creditor knows it. Only what is needed to claim and serve is kept."""

    # A creditor's debtors by name (the case list's debtor menu; migration zb28).
    __table_args__ = (Index("ix_parties_created_by_org_id_legal_name_id", "created_by_org_id", "legal_name",
                            "id"),)

    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    gstin: Mapped[str | None] = mapped_column(String(15), index=True)
    pan: Mapped[str | None] = mapped_column(String(10))
    postal_address: Mapped[str] = mapped_column(Text, default="")
    place_of_business: Mapped[str] = mapped_column(String(200), default="")
    # A debtor who signed up and proved control of a served address can see this party's cases.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contacts: Mapped[list[PartyContact]] = relationship(
        back_populates="party", cascade="all, delete-orphan", order_by="PartyContact.id")
    user: Mapped[User | None] = relationship()

    def addresses(self, kind: ContactKind) -> list[str]:
        return [c.value for c in self.contacts if c.kind == kind]


class PartyContact(db.Model):
    """An e-mail address or an E.164 mobile number of a debtor, with where it came from."""

    __tablename__ = "party_contacts"
    __table_args__ = (UniqueConstraint("party_id", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    kind: Mapped[ContactKind] = enum_column(ContactKind)
    value: Mapped[str] = mapped_column(String(254))
    # IT Act s.13(2): an address the debtor designated (contract, PO, GST record) fixes receipt.
    designated: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(120), default="")

    party: Mapped[Party] = relationship(back_populates="contacts")


class ReferenceCounter(db.Model):
    """Per-year sequence behind case references such as SUL-2026-000123."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Case(db.Model):
    __tablename__ = "cases"
    # The case list's keyset pages (a creditor's cases, newest first, or by outstanding; migrations
    # t20 and zb28).
    __table_args__ = (Index("ix_cases_creditor_org_id_created_at_id", "creditor_org_id", "created_at", "id"),
                      Index("ix_cases_creditor_org_id_outstanding_id", "creditor_org_id", "outstanding_sum",
                            "id"),
                      # The advocate's list (its own cases or its creditors' unassigned ones), newest first.
                      Index("ix_cases_created_at_id", "created_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    creditor_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    debtor_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    claim_type: Mapped[ClaimType] = enum_column(ClaimType)
    # Written only by portal.cases.transitions.fire(); read through .status.
    _status: Mapped[CaseStatus] = enum_column(CaseStatus, name="status", default=CaseStatus.DRAFT,
                                              index=True)
    advocate_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    neutral_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    buyer_relationship: Mapped[BuyerRelationship] = enum_column(
        BuyerRelationship, default=BuyerRelationship.TRADE_BUYER)
    # The written agreement, if any (its document goes to the evidence store).
    has_written_agreement: Mapped[bool] = mapped_column(Boolean, default=False)
    agreement_date: Mapped[date | None] = mapped_column(Date)
    agreed_credit_days: Mapped[int | None] = mapped_column(Integer)
    has_arbitration_clause: Mapped[bool] = mapped_column(Boolean, default=False)
    # For claims outside the MSMED Act: the contractual or stated simple interest rate, % a year.
    stated_interest_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    # Where courts differ on s.16 interest, the case records the choice and the notice shows it.
    rate_basis: Mapped[RateBasis] = enum_column(RateBasis, default=RateBasis.FLOATING)
    part_month: Mapped[PartMonth] = enum_column(PartMonth, default=PartMonth.PRO_RATA_DAYS)
    rounding: Mapped[Rounding] = enum_column(Rounding, default=Rounding.EACH_REST,
                                             server_default=Rounding.EACH_REST.value)
    facts_version: Mapped[int] = mapped_column(Integer, default=0)
    # The invoices' total and what of it is unpaid (invoiced minus payments), kept by
    # portal.cases.totals on every flush that touches the case's invoices or payments, so a list
    # sorts and filters by amount through an index instead of summing every case's rows per request.
    invoiced_sum: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"), server_default="0")
    outstanding_sum: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"), server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    creditor: Mapped[Organization] = relationship()
    debtor: Mapped[Party] = relationship()
    advocate: Mapped[User | None] = relationship(foreign_keys=[advocate_id])
    neutral: Mapped[User | None] = relationship(foreign_keys=[neutral_id])
    invoices: Mapped[list[Invoice]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Invoice.invoice_date")
    payments: Mapped[list[Payment]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Payment.paid_on")
    acknowledgements: Mapped[list[Acknowledgement]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Acknowledgement.acknowledged_on")

    @property
    def status(self) -> CaseStatus:
        return self._status

    @property
    def invoiced_total(self) -> Decimal:
        return sum((i.total for i in self.invoices), Decimal("0.00"))

    @property
    def paid_total(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0.00"))


class Invoice(db.Model):
    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("case_id", "number"),
        CheckConstraint("taxable_value >= 0 AND gst_amount >= 0 AND total > 0", name="amounts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # Indexed: an import looks up the numbers in its file (migration zb28).
    number: Mapped[str] = mapped_column(String(60), index=True)
    invoice_date: Mapped[date] = mapped_column(Date)
    acceptance_date: Mapped[date | None] = mapped_column(Date)
    credit_days: Mapped[int | None] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    taxable_value: Mapped[Decimal] = mapped_column(Money)
    gst_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    total: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[str] = mapped_column(Text, default="")
    # MSMED s.2(b): a written objection within 15 days moves acceptance to its removal.
    objection_raised_on: Mapped[date | None] = mapped_column(Date)
    objection_removed_on: Mapped[date | None] = mapped_column(Date)
    # A time-barred invoice may enter a notice only with a recorded justification.
    time_bar_justification: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="invoices")


class Payment(db.Model):
    __tablename__ = "payments"
    # invoice_id indexed: the case list's "oldest unpaid invoice" reads payments per invoice; the
    # payments list reads a case's payments newest first, a page at a time (migration keyset).
    __table_args__ = (CheckConstraint("amount > 0", name="positive"),
                      Index("ix_payments_invoice_id", "invoice_id"),
                      Index("ix_payments_case_id_paid_on_id", "case_id", "paid_on", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    paid_on: Mapped[date] = mapped_column(Date)
    method: Mapped[PaymentMethod] = enum_column(PaymentMethod)
    reference: Mapped[str] = mapped_column(String(60), default="")
    # NULL for a payment the gateway reported (the system recorded it, no person did).
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[PaymentSource] = enum_column(PaymentSource, default=PaymentSource.CREDITOR,
                                                server_default=PaymentSource.CREDITOR.value)
    # The gateway's own payment id (Razorpay pay_...): one payment is recorded once, however often
    # its webhook arrives.
    gateway_ref: Mapped[str | None] = mapped_column(String(60), unique=True)
    # The payer's own written acknowledgement of this payment (Limitation Act s.19 proviso): the
    # document, as the creditor describes it. Without one the payment does not extend limitation.
    payer_acknowledgement: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="payments")


class Acknowledgement(db.Model):
    """A written, signed acknowledgement of the debt (Limitation Act s.18): restarts limitation."""

    __tablename__ = "acknowledgements"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    acknowledged_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="acknowledgements")


class CaseFactsVersion(db.Model):
    """An immutable snapshot of a case's facts; a notice cites one version, edits add the next."""

    __tablename__ = "case_facts_versions"
    __table_args__ = (UniqueConstraint("case_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
