"""The s.21 notice invoking arbitration: drafted from the case as a notice of kind
ARBITRATION_INVOCATION, so the advocate's review, signature, service and delivery proof are the
notices pipeline's own; and the date the arbitration commenced (A&C s.21), read from its delivery.

Receipt (IT Act s.13(2)) is decided by notices/serving/receipt.py: our relay's acceptance proves
dispatch only; a bounced e-mail is not received, and with no other channel the arbitration has not
commenced (and limitation is not stopped under s.43).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from arbitration.invocation.states import INVOCABLE
from notices import (
    Notice,
    NoticeKind,
    NoticeLanguage,
    NoticeStatus,
    NoticeVersion,
    Receipt,
    add_version,
    check_can_draft,
    dispatches_for,
    new_verification_code,
    receipt_for_notice,
    serve_notice,
)
from portal import audit
from portal.accounts import User
from portal.cases import Case, fire
from portal.errors import DomainError
from portal.extensions import db
from portal.types import IST


def invocation_notices(case: Case) -> list[Notice]:
    return list(db.session.scalars(select(Notice).where(
        Notice.case_id == case.id, Notice.kind == NoticeKind.ARBITRATION_INVOCATION).order_by(Notice.id)))


def current_notice(case: Case) -> Notice | None:
    found = invocation_notices(case)
    return found[-1] if found else None


def served_notice(case: Case) -> Notice | None:
    """The signed s.21 notice (there is at most one: a new draft is refused once one is signed)."""
    return next((n for n in invocation_notices(case) if n.status == NoticeStatus.SIGNED), None)


def receipt_of(case: Case) -> Receipt | None:
    """Whether, when and how the respondent received the signed s.21 notice (None: none signed)."""
    notice = served_notice(case)
    return receipt_for_notice(notice) if notice is not None else None


def received_at(case: Case):
    """The moment (UTC) the respondent received the signed s.21 notice, or None while no receipt is
    proven (a bounce, or only our relay's acceptance): then the arbitration has not commenced."""
    found = receipt_of(case)
    return found.at if found is not None else None


def commenced_on(case: Case) -> date | None:
    """A&C s.21: the IST calendar day the respondent received the notice; None until then."""
    moment = received_at(case)
    return moment.astimezone(IST).date() if moment is not None else None


# --- drafting and invoking ------------------------------------------------------------------------

RESPOND_WITHIN_DAYS = 30  # s.11(5): 30 days to agree on the arbitrator after the request


def draft_notice(actor: User, case: Case, today: date) -> Notice:
    """Draft the s.21 notice from the case (English); the advocate then reviews, approves and signs
    it on the notice's own pages, as for a demand notice."""

    if case.status not in INVOCABLE:
        raise DomainError("Arbitration is invoked from an open dispute or a settlement in default.")
    basis = case.arbitration_basis
    if basis is None or not basis.in_force:
        raise DomainError("Record the arbitration agreement first: the clause relied on, or a "
                          "submission agreement both parties have accepted.")
    if not case.advocate_id:
        raise DomainError("Assign an advocate to the case: the advocate signs the notice.")
    existing = current_notice(case)
    if existing is not None:
        raise DomainError("This case already has a notice invoking arbitration; open it to continue.")
    check_can_draft(case, NoticeKind.ARBITRATION_INVOCATION, today)
    notice = Notice(case=case, kind=NoticeKind.ARBITRATION_INVOCATION, language=NoticeLanguage.ENGLISH,
                    advocate_id=case.advocate_id, pay_within_days=RESPOND_WITHIN_DAYS,
                    facts_version=case.facts_version, verification_code=new_verification_code(),
                    created_by_id=actor.id)
    db.session.add(notice)
    db.session.flush()
    version: NoticeVersion = add_version(actor, notice, today)
    audit.record("arbitration.invocation_drafted", actor=actor, case=case, payload={
        "notice_id": notice.id, "basis_id": basis.id, "basis_kind": basis.kind.value,
        "sha256": version.sha256})
    return notice


def invoke(actor: User, case: Case, channels) -> Notice:
    """Serve the signed s.21 notice (unless it was served already from its delivery page) and move
    the case into arbitration; the proceedings commence when the respondent receives it."""

    notice = served_notice(case)
    if notice is None:
        raise DomainError("The notice invoking arbitration must be signed by the advocate first.")
    basis = case.arbitration_basis
    if basis is None or not basis.in_force:
        raise DomainError("The arbitration agreement relied on is no longer on record.")
    created = []
    if not dispatches_for(notice):
        created = serve_notice(actor, notice, set(channels))
    fire(case, "invoke_arbitration", actor, payload={
        "notice_id": notice.id, "basis_id": basis.id, "basis_kind": basis.kind.value,
        "signed_pdf_sha256": notice.signed_pdf_sha256, "dispatch_ids": [d.id for d in created]})
    return notice
