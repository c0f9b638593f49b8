"""The debtor's answers to a served notice: pay in full, admit part, propose a plan, dispute, ask
for a call back. Each is one call that records the answer, audits it, moves the case through the
state machine and tells the creditor (after commit). Services flush, never commit.

`actor` is a debtor User or the LinkGuest of a personal link (no user id).
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

from flask import current_app, render_template
from sqlalchemy import select

from arbitration import claim_ceiling, make_offer
from evidence import Audience, DocumentKind, add_document
from notices import ContactPolicy
from portal import audit
from portal.accounts import Side, User
from portal.adapters import MailMessage, queue_mail
from portal.cases import RESPONSE_STATUSES, Case, CaseStatus, Computation, case_position, fire, today_ist
from portal.debtor import callbacks, plans
from portal.debtor.models import KIND_LABELS, REASON_LABELS, DebtorResponse, DisputeReason, ResponseKind
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import gettext, language
from portal.i18n import lazy_gettext as _l
from portal.types import to_ist, utcnow
from portal.urls import public_url
from portal.web.labels import label

MIN_TEXT, MAX_TEXT = 20, 4000
MAX_NOTE = 1000
MAX_FILES = 5


class ResponseInvalid(ValueError):
    """The answer cannot be recorded as given; the message is safe to show (the web says 422)."""


def ensure_open(case: Case) -> None:
    """The notice can be answered only while the claim is open and not yet decided (else 409)."""
    if case.status not in RESPONSE_STATUSES:
        raise DomainError(gettext("This claim can no longer be answered here: it is %(status)s. What was "
                                  "agreed or decided stands.", status=label(case.status, language())))


def responses_for(case: Case) -> list[DebtorResponse]:
    return list(db.session.scalars(select(DebtorResponse).where(DebtorResponse.case_id == case.id)
                                   .order_by(DebtorResponse.id.desc())))


def dues(case: Case) -> Computation:
    """The claim's computation today, from the case's position (the figures every page shows)."""
    pos = case_position(case, today_ist())
    if pos.computation is None:
        raise DomainError(gettext("The amount due cannot be computed just now (%(problem)s) Please try "
                                  "again later or ask for a call back.", problem=pos.problem))
    return pos.computation


def _reason(value: Any) -> DisputeReason:
    try:
        return DisputeReason(value)
    except ValueError:
        raise ResponseInvalid(gettext("Choose why you dispute the claim.")) from None


_EXPLAIN = _l("Explain in a sentence or two (at least %(count)s characters).")
_EXPLAIN_REST = _l("Explain why you dispute the other invoices in a sentence or two (at least %(count)s "
                   "characters).")


def _text(value: str | None, too_short=_EXPLAIN) -> str:
    text = (value or "").strip()
    if len(text) < MIN_TEXT:
        raise ResponseInvalid(too_short % {"count": MIN_TEXT})
    if len(text) > MAX_TEXT:
        raise ResponseInvalid(gettext("Keep the explanation under %(count)s characters; attach documents "
                                      "for the details.", count=MAX_TEXT))
    return text


_NONE_DISPUTED = _l("Choose at least one invoice you dispute.")
_NONE_ACCEPTED = _l("Choose at least one invoice you accept.")


def _invoice_ids(case: Case, ids: Iterable[int], none_chosen) -> list[int]:
    chosen = sorted(set(ids))
    if not chosen:
        raise ResponseInvalid(str(none_chosen))
    if not set(chosen) <= {i.id for i in case.invoices}:
        raise ResponseInvalid(gettext("Choose invoices from this claim only."))
    return chosen


def _record(actor: Any, case: Case, kind: ResponseKind, **fields) -> DebtorResponse:
    response = DebtorResponse(case_id=case.id, kind=kind, by_id=getattr(actor, "id", None),
                              link_id=getattr(actor, "link_id", None), created_at=utcnow(), **fields)
    db.session.add(response)
    db.session.flush()
    audit.record(f"debtor.{kind.value}", actor=actor, case=case, payload={
        "response_id": response.id, "reason": response.reason.value if response.reason else None,
        "disputed_invoice_ids": response.disputed_ids, "admitted_amount": response.admitted_amount,
        "link_id": response.link_id})
    return response


def _advance(case: Case, actor: Any, *, to_odr: bool) -> None:
    """The first answer moves a served case to responded; a dispute or a plan opens the ODR room."""
    if case.status == CaseStatus.NOTICE_SERVED:
        fire(case, "record_response", actor)
    if to_odr and case.status == CaseStatus.RESPONDED:
        fire(case, "open_negotiation", actor)


def _tell_creditor(case: Case, response: DebtorResponse) -> None:
    """E-mail the creditor's staff member who filed the claim, once the answer is committed."""
    filer = db.session.get(User, case.created_by_id)
    if filer is None or not filer.active:
        return
    text = render_template("email/debtor_responded.txt", case=case, response=response,
                           invoices={i.id: i.number for i in case.invoices},
                           url=public_url("cases.show_case", reference=case.reference))
    subject = f"{case.reference}: the debtor answered ({KIND_LABELS[response.kind].lower()})"
    queue_mail(MailMessage(to=[filer.email], subject=subject, text=text))


def acknowledge(actor: Any, case: Case, notice: Any) -> DebtorResponse:
    """Receipt of the notice acknowledged. Recorded and audited, but the status stays: receipt is
    not an answer to the claim, so the period to pay and its escalation to ODR run on."""
    return _record(actor, case, ResponseKind.ACKNOWLEDGE,
                   text=f"Received the legal notice signed {to_ist(notice.signed_at):%d %B %Y}.")


def dispute(actor: Any, case: Case, *, reason: Any, text: str | None, invoice_ids: Iterable[int],
            files: Sequence[tuple[BinaryIO, str]] = (), file_kind: DocumentKind = DocumentKind.OTHER
            ) -> DebtorResponse:
    """Dispute the chosen invoices; counter-evidence goes through the evidence pipeline for all to
    see; the dispute goes on to the ODR room. Raises ResponseInvalid, UploadRefused or DomainError."""

    ensure_open(case)
    why, explanation = _reason(reason), _text(text)
    disputed = _invoice_ids(case, invoice_ids, _NONE_DISPUTED)
    if len(files) > MAX_FILES:
        raise ResponseInvalid(gettext("Attach at most %(count)s documents; put more pages in one PDF.",
                                      count=MAX_FILES))
    response = _record(actor, case, ResponseKind.DISPUTE, reason=why, text=explanation,
                       disputed_invoice_ids=json.dumps(disputed))
    for stream, filename in files:
        add_document(actor, case, stream, filename, file_kind,
                     f"The debtor's counter-evidence: {REASON_LABELS[why].lower()}", audience=Audience.ALL)
    _advance(case, actor, to_odr=True)
    _tell_creditor(case, response)
    return response


def admit_part(actor: Any, case: Case, *, admitted_ids: Iterable[int], reason: Any,
               text: str | None) -> DebtorResponse:
    """Accept some invoices (their dues today are to be paid now) and dispute the others, which
    alone go on to the ODR room."""
    ensure_open(case)
    admitted = _invoice_ids(case, admitted_ids, _NONE_ACCEPTED)
    disputed = sorted({i.id for i in case.invoices} - set(admitted))
    if not disputed:
        raise ResponseInvalid(gettext("You accepted every invoice: choose “Pay in full” instead, or leave "
                                      "unticked the invoices you dispute."))
    why, explanation = _reason(reason), _text(text, _EXPLAIN_REST)
    numbers = {i.number for i in case.invoices if i.id in admitted}
    amount = sum((inv.total_due for inv in dues(case).invoices if inv.number in numbers), Decimal("0.00"))
    if amount <= 0:
        raise ResponseInvalid(gettext("Nothing is due on the invoices you accepted. Choose the ones you "
                                      "will pay."))
    response = _record(actor, case, ResponseKind.ADMIT_PART, reason=why, text=explanation,
                       disputed_invoice_ids=json.dumps(disputed), admitted_amount=amount)
    _advance(case, actor, to_odr=True)
    _tell_creditor(case, response)
    return response


def propose_plan(actor: Any, case: Case, plan: plans.PlanRequest, note: str | None = "",
                 *, today: date | None = None) -> DebtorResponse:
    """Offer to pay the amount due in instalments; the plan becomes the debtor's live offer in the
    ODR room. Raises TermsError (bad plan), ResponseInvalid or DomainError."""

    ensure_open(case)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ResponseInvalid(gettext("Keep the note under %(count)s characters.", count=MAX_NOTE))
    # Offers may not exceed the sum invoiced; the plan then covers that sum, never more.
    total = min(dues(case).total_due, claim_ceiling(case))
    terms = plans.build_terms(total, plan, today or today_ist())
    response = _record(actor, case, ResponseKind.PROPOSE_PLAN, text=note, plan_terms=terms.to_json(),
                       admitted_amount=terms.total)
    _advance(case, actor, to_odr=True)
    make_offer(case, side=Side.DEBTOR, terms=terms, actor=actor,
               note=note or f"Instalment plan proposed with the answer to the notice ({plan.count} "
                            f"{plan.frequency.value} instalments).")
    _tell_creditor(case, response)
    return response


def pay_in_full(actor: Any, case: Case) -> DebtorResponse:
    """The debtor says it will pay the whole amount due today; it goes on to the payment page."""
    ensure_open(case)
    amount = dues(case).total_due
    if amount <= 0:
        raise DomainError(gettext("Nothing is due on this claim any more."))
    response = _record(actor, case, ResponseKind.PAY_IN_FULL, admitted_amount=amount)
    _advance(case, actor, to_odr=False)
    _tell_creditor(case, response)
    return response


def call_back(actor: Any, case: Case, *, day: date, start: str, phone: str, note: str | None = "",
              now: datetime | None = None) -> DebtorResponse:
    """Ask the creditor to call in a slot inside its contact window (and the house's 08:00-19:00
    IST). Raises CallbackRefused (bad slot or number), ResponseInvalid or DomainError."""

    ensure_open(case)
    slot = callbacks.slot(day, start, ContactPolicy.of(case.creditor), now or utcnow())
    number = callbacks.normalize_phone(phone)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ResponseInvalid(gettext("Keep the note under %(count)s characters.", count=MAX_NOTE))
    response = _record(actor, case, ResponseKind.CALL_BACK, text=note, callback_phone=number,
                       callback_from=slot.starts, callback_until=slot.ends)
    _advance(case, actor, to_odr=False)
    _tell_creditor(case, response)
    return response


def pay_page_enabled() -> bool:
    return "payments.pay" in current_app.view_functions
