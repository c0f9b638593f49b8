"""The answers of /api/v1 as pydantic models: what the OpenAPI document publishes and what every
view serialises through (`http.answer`), so a field cannot appear in one without the other. Amounts
are decimal strings with two places (never floats); times are UTC, ISO 8601."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from evidence import DocumentKind
from portal import money

Money = Annotated[Decimal, Field(description="Rupees, a decimal string with two places")]
AmountIn = money.api_money(minimum=Decimal("0.01"))  # the one money parser: no exponent, two places
Text = Annotated[str, StringConstraints(strip_whitespace=True)]


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Paged(Out):
    """A page of a keyset-paged list, newest first."""

    next: str | None = Field(description="The next page's URL, null on the last page")
    prev: str | None = Field(description="The previous page's URL, null on the first page")


class InvalidParam(Out):
    name: str
    reason: str


class Problem(Out):
    """RFC 9457 problem details; `error` and `message` repeat the code and detail."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    error: str
    message: str
    invalid_params: list[InvalidParam] = []
    errors: dict[str, list[str]] = {}


# ---- cases -------------------------------------------------------------------------------------

class CaseCreated(Out):
    reference: str
    status: str
    facts_version: int
    url: str


class DebtorSummary(Out):
    legal_name: str
    gstin: str | None = None


class CaseRow(Out):
    reference: str
    status: str
    claim_type: str
    created_at: datetime
    debtor: DebtorSummary
    advocate: str | None = None
    invoiced: Money
    principal_outstanding: Money
    oldest_unpaid_due: date | None = None
    url: str


class CasePage(Out):
    cases: list[CaseRow]
    next: str | None = Field(description="The next page's URL, null on the last page")
    prev: str | None = None


class CaseDetail(Out):
    reference: str
    status: str
    claim_type: str
    created_at: datetime
    facts_version: int
    debtor: DebtorSummary
    advocate: str | None = None
    facts: dict[str, Any] = Field(description="The case's facts as last filed (parties, invoices, payments)")
    position: dict[str, Any] = Field(description="What is owed today: principal, interest, payments")
    links: dict[str, str]


class CaseStatusOut(Out):
    reference: str
    status: str


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=1000)]


class Invoice(Out):
    id: int
    number: str
    invoice_date: date
    acceptance_date: date | None
    credit_days: int | None
    due_date: date
    taxable_value: Money
    gst_amount: Money
    total: Money
    description: str
    objection_raised_on: date | None
    objection_removed_on: date | None


class InvoiceList(Out):
    invoices: list[Invoice]


class Payment(Out):
    id: int
    amount: Money
    paid_on: date
    method: str
    reference: str
    invoice_id: int | None
    source: str


class PaymentList(Paged):
    payments: list[Payment]


class AuditEvent(Out):
    case_seq: int | None
    action: str
    actor_role: str
    created_at: datetime
    data: dict[str, Any]
    hash: str


class AuditList(Paged):
    events: list[AuditEvent]


# ---- evidence ----------------------------------------------------------------------------------

class Document(Out):
    id: int
    kind: str
    description: str
    filename: str
    content_type: str
    size: int
    sha256: str
    side: str
    uploaded_at: datetime
    withdrawn_at: datetime | None
    download_url: str


class DocumentList(Paged):
    documents: list[Document]


DocumentKindName = Literal[tuple(k.value for k in DocumentKind)]


class UploadQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: DocumentKindName = Field(description="What the document is")
    filename: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)] = Field(
        description="The file's name (a raw-body upload carries none of its own)")
    description: Annotated[str, StringConstraints(max_length=1000)] = ""


# ---- notices -----------------------------------------------------------------------------------

class NoticeDraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    language: Literal["en", "hi"] = "en"
    pay_within_days: Annotated[int, Field(ge=7, le=60)] = 15


class NoticeDetail(Out):
    id: int
    case_reference: str
    kind: str
    language: str
    status: str
    pay_within_days: int
    facts_version: int
    versions: int
    verification_code: str
    verify_url: str
    created_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    signed_at: datetime | None
    signed_pdf_sha256: str | None
    signed_pdf_url: str | None


class NoticeList(Out):
    notices: list[NoticeDetail]


class ServeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channels: list[Literal["email", "sms", "whatsapp", "post"]] = Field(min_length=1, max_length=4)
    escalate_to_odr: bool = Field(False, description="Move the case into online dispute resolution "
                                  "if the period to pay ends without an answer")


class DispatchDetail(Out):
    id: int
    channel: str
    purpose: str
    address: str
    designated: bool
    status: str
    attempts: int
    sent_at: datetime | None
    accepted_at: datetime | None


class DeliveryEvent(Out):
    id: int
    dispatch_id: int | None
    kind: str
    occurred_at: datetime
    time_known: bool
    recorded_at: datetime
    source: str
    detail: str
    payload_sha256: str


class Service(Out):
    notice_id: int
    first_dispatched_at: datetime | None
    received_at: datetime | None = Field(description="Receipt under IT Act s.13 where proven; null if not")
    respond_by: date | None
    dispatches: list[DispatchDetail] = Field(description="The newest dispatches (a page); the rest "
                                             "through `more_dispatches`")
    events: list[DeliveryEvent] = Field(description="The newest delivery events (a page); the rest "
                                        "through `more_events`")
    more_dispatches: str | None = Field(description="The next page of dispatches, null if none")
    more_events: str | None = Field(description="The next page of delivery events, null if none")


class DispatchPage(Paged):
    dispatches: list[DispatchDetail]


class DeliveryEventPage(Paged):
    events: list[DeliveryEvent]


class DeliveryProof(Out):
    version: int
    sha256: str
    events_count: int
    created_at: datetime


class DeliveryProofList(Out):
    notice_id: int
    certificates: list[DeliveryProof]
    latest_pdf_url: str | None


# ---- the debtor's answers, the ODR room, settlement -----------------------------------------------

class DebtorResponse(Out):
    id: int
    kind: str
    reason: str | None
    text: str
    admitted_amount: Money | None
    plan_terms: str | None
    created_at: datetime


class DebtorResponseList(Out):
    responses: list[DebtorResponse]


class OfferDetail(Out):
    id: int
    side: str
    status: str
    parent_id: int | None
    total: Money
    terms: dict[str, Any]
    note: str
    valid_until: datetime | None
    created_at: datetime
    decided_at: datetime | None


class OfferList(Out):
    offers: list[OfferDetail]


class Instalment(Out):
    number: int
    due_on: date
    amount: Money
    defaulted_at: datetime | None


class Settlement(Out):
    id: int
    version: int
    source: str
    status: str
    total: Money
    neutral_required: bool
    created_at: datetime
    completed_at: datetime | None
    instalments: list[Instalment]


class SettlementList(Out):
    agreements: list[Settlement]


# ---- collections (portal/receivables) -------------------------------------------------------------

class ReminderDetail(Out):
    id: int
    invoice_id: int
    status: str
    due_on: date
    sent_at: datetime | None
    detail: str


class ReminderList(Out):
    reminders: list[ReminderDetail]


class PromiseDetail(Out):
    id: int
    invoice_id: int
    amount: Money
    promised_for: date
    status: str
    made_how: str
    created_at: datetime
    decided_at: datetime | None


class PromiseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    invoice_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    amount: AmountIn
    promised_for: date
    note: Annotated[str, StringConstraints(max_length=2000)] = ""


class PromiseList(Out):
    promises: list[PromiseDetail]


class DebtorPosition(Out):
    """The debtor's rolled-up position (portal.receivables.rollup), as the collections pages show it."""

    outstanding: Money
    open_invoices: int
    oldest_due: date
    days_overdue: int
    refreshed_at: datetime = Field(description="When the figures were last worked out")


class DebtorRow(Out):
    id: int
    legal_name: str
    gstin: str | None
    position: DebtorPosition | None = Field(description="Null when the debtor owes nothing (or the "
                                                        "figures have not been worked out yet)")
    cases_url: str = Field(description="The debtor's cases (the case list filtered to it)")


class DebtorList(Paged):
    """The organisation's debtors by name, A to Z."""

    debtors: list[DebtorRow]
