"""JSON intake API: POST /api/cases creates a draft case; GET /api/cases/<ref> reads one back, with
the case's position (portal.cases.position: what is owed today, the figure every page shows).

Authenticated by an organisation's API key (`Authorization: Bearer sk_...`, portal.apikeys: scopes,
a rate limit per key, the key's id in the audit trail) or by the browser session, which must send
its CSRF token in the X-CSRFToken header. POST takes an Idempotency-Key. Errors are RFC 9457
problem+json.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from portal import money
from portal.accounts import Action, require
from portal.apikeys import guard_api_request, idempotent, rate_limit_key
from portal.cases import intake, listing
from portal.cases.assignment import find_engaged_advocate
from portal.cases.facts import CaseFacts, DebtorFacts, FactsInvalid, InvoiceFacts, PaymentFacts
from portal.cases.interest import PartMonth, RateBasis, Rounding
from portal.cases.models import BuyerRelationship, ClaimType, PaymentMethod
from portal.cases.position import position
from portal.cases.services import visible_cases
from portal.cases.views import load_case
from portal.errors import Denied, DomainError
from portal.extensions import csrf, db, limiter
from portal.identifiers import InvalidIdentifier, normalize_gstin, normalize_mobile, normalize_pan
from portal.web.errors import problem

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)  # guard_api_request checks the token for a session; a key needs none
bp.before_request(guard_api_request)
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_limit_key)(bp)

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
MAX_LIMIT = 200
Amount = money.api_money()  # the one money parser: no exponent, at most two decimals, a ceiling


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DebtorIn(Strict):
    legal_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    postal_address: Annotated[str, StringConstraints(max_length=1000)] = ""
    gstin: str | None = None
    pan: str | None = None
    emails: list[Annotated[str, StringConstraints(max_length=254)]] = Field(default=[], max_length=10)
    mobiles: list[str] = Field(default=[], max_length=10)

    @field_validator("gstin")
    @classmethod
    def _gstin(cls, v):
        return _normalized(normalize_gstin, v)

    @field_validator("pan")
    @classmethod
    def _pan(cls, v):
        return _normalized(normalize_pan, v)

    @field_validator("mobiles")
    @classmethod
    def _mobiles(cls, v):
        return [_normalized(normalize_mobile, m) for m in v]

    @field_validator("emails")
    @classmethod
    def _emails(cls, v):
        from email_validator import EmailNotValidError, validate_email

        out = []
        for addr in v:
            try:
                out.append(validate_email(addr, check_deliverability=False).normalized.lower())
            except EmailNotValidError as exc:
                raise ValueError(f"“{addr}” is not a valid e-mail address") from exc
        return out


def _normalized(fn, value):
    if value in (None, ""):
        return None
    try:
        return fn(value)
    except InvalidIdentifier as exc:
        raise ValueError(str(exc)) from exc


class InvoiceIn(Strict):
    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    invoice_date: date
    taxable_value: Amount
    gst_amount: Amount = Decimal("0")
    total: Amount | None = None
    acceptance_date: date | None = None
    credit_days: Annotated[int, Field(ge=0, le=365)] | None = None
    due_date: date | None = None
    objection_raised_on: date | None = None
    objection_removed_on: date | None = None
    description: Annotated[str, StringConstraints(max_length=1000)] = ""


class PaymentIn(Strict):
    amount: Amount
    paid_on: date
    method: PaymentMethod = PaymentMethod.OTHER
    reference: Annotated[str, StringConstraints(max_length=60)] = ""
    invoice_number: str | None = None


class CaseIn(Strict):
    debtor: DebtorIn
    invoices: list[InvoiceIn] = Field(min_length=1, max_length=200)
    payments: list[PaymentIn] = Field(default=[], max_length=200)
    claim_type: ClaimType = ClaimType.COMMERCIAL_INVOICE
    buyer_relationship: BuyerRelationship = BuyerRelationship.TRADE_BUYER
    has_written_agreement: bool = False
    agreement_date: date | None = None
    agreed_credit_days: Annotated[int, Field(ge=0, le=365)] | None = None
    has_arbitration_clause: bool = False
    stated_interest_rate: Annotated[Decimal, Field(ge=0, le=36)] | None = None
    rate_basis: RateBasis = RateBasis.FLOATING
    part_month: PartMonth = PartMonth.PRO_RATA_DAYS
    rounding: Rounding = Rounding.EACH_REST
    summary: Annotated[str, StringConstraints(max_length=4000)] = ""
    # An advocate the organisation has engaged, assigned at once (optional).
    advocate_email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] | None = None

    def to_facts(self) -> CaseFacts:
        data = self.model_dump()
        return CaseFacts(
            **{k: v for k, v in data.items()
               if k not in {"debtor", "invoices", "payments", "advocate_email"}},
            debtor=DebtorFacts(**data["debtor"]),
            invoices=[InvoiceFacts(**i) for i in data["invoices"]],
            payments=[PaymentFacts(**p) for p in data["payments"]])


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in exc.errors(include_url=False):
        out.setdefault(".".join(str(p) for p in e["loc"]), []).append(e["msg"])
    return out


@bp.post("/cases")
@idempotent
def create_case():
    if not current_user.is_authenticated:
        raise Denied(401, "Log in first.")
    require(current_user, Action.CREATE_CASE)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return problem(400, "Invalid JSON", "Send a JSON object describing the case.",
                       code="invalid_json")
    try:
        case_in = CaseIn.model_validate(body)
    except ValidationError as exc:
        return problem(422, "Invalid case", "Some fields are not valid.", errors=_errors(exc),
                       code="invalid")
    advocate = None
    if case_in.advocate_email:
        try:
            advocate = find_engaged_advocate(current_user.org_id, case_in.advocate_email)
        except DomainError as exc:  # no such address, or not an advocate the organisation engaged
            return problem(422, "Invalid case", str(exc), errors={"advocate_email": [str(exc)]},
                           code="invalid")
    try:
        case = intake.create_case(current_user, case_in.to_facts(), advocate=advocate)
    except FactsInvalid as exc:  # a 422: the boundary keeps nothing of it
        return problem(422, "Invalid case", "Some facts are not consistent.", errors=exc.errors,
                       code="invalid")
    return jsonify(reference=case.reference, status=case.status.value,
                   url=url_for("cases.show_case", reference=case.reference),
                   facts_version=case.facts_version), 201


@bp.get("/cases")
def list_cases():
    """The caller's cases, newest first, with the case list's filters (q, status, debtor, advocate,
    ageing, min_due, max_due, sort) and keyset pagination: follow `next` (or `prev`) until it is
    null. `limit` is 1 to 200 (default 50). One SQL statement a page, whatever the number of cases."""
    if not current_user.is_authenticated:
        raise Denied(401, "Log in first.")
    try:
        query = listing.parse(request.args)
        limit = _limit(request.args.get("limit"))
    except listing.BadListQuery as exc:
        return problem(400, "Invalid list query", str(exc), code="invalid_query")
    today = intake.today_ist()
    page = listing.page(db.session, visible_cases(current_user), query, today, size=limit)

    def link(cursor: str | None, direction: str) -> str | None:
        if cursor is None:
            return None
        return url_for("api.list_cases", **query.params(**{direction: cursor}), limit=limit)

    return jsonify(
        cases=[{"reference": r.case.reference, "status": r.case.status.value,
                "claim_type": r.case.claim_type.value, "created_at": r.case.created_at.isoformat(),
                "debtor": {"legal_name": r.debtor_name, "gstin": r.debtor_gstin},
                "advocate": r.advocate_name, "invoiced": r.invoiced,
                "principal_outstanding": r.outstanding,
                "oldest_unpaid_due": r.oldest_due.isoformat() if r.oldest_due else None,
                "url": url_for("api.get_case", reference=r.case.reference)} for r in page.rows],
        next=link(page.next_cursor, "after"), prev=link(page.prev_cursor, "before"))


def _limit(raw: str | None) -> int:
    if raw in (None, ""):
        return listing.PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise listing.BadListQuery(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return int(raw)


@bp.get("/cases/<reference>")
def get_case(reference: str):
    if not current_user.is_authenticated:
        raise Denied(401, "Log in first.")
    case = load_case(reference)
    require(current_user, Action.VIEW_CASE, case)
    import json

    from portal.audit import canonical_json

    return jsonify(status=case.status.value, facts_version=case.facts_version,
                   facts=json.loads(canonical_json(intake.snapshot(case))),
                   position=position(case, intake.today_ist()).as_dict())
