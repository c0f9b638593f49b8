"""Notice use-cases: draft, revise, submit for review, return with comments, approve, mandates.

Services take the actor, flush and never commit. Case status moves only through
portal.cases.transitions.fire; the notice's own review status follows it here, through its table
(`notices.states.NOTICE`) and `portal.lifecycle.fire`, which also writes the `notice.*` audit events.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from notices.cheque import DAYS_TO_PAY as NI138_DAYS_TO_PAY
from notices.drafting.rendering import check_can_draft, kind_for, render_notice_html
from notices.mandates.models import Mandate
from notices.models import DEMAND_KINDS, Notice, NoticeComment, NoticeKind, NoticeLanguage, NoticeVersion
from notices.states import NOTICE, NoticeStatus
from portal import lifecycle
from portal.accounts import User, check_totp
from portal.cases import Case, CaseStatus, fire
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


@dataclass
class ChequeDetails:
    number: str
    bank: str
    cheque_date: date
    amount: Decimal
    memo_date: date
    reason: str
    presented_on: date | None = None       # NI s.138 proviso (a): within the cheque's validity
    memo_received_on: date | None = None   # proviso (b): the 30 days to send the notice run from here

    @property
    def dates(self) -> tuple[date, date | None, date, date | None]:
        return self.cheque_date, self.presented_on, self.memo_date, self.memo_received_on


def new_verification_code() -> str:
    """A fresh public verification code for a notice (printed on it, checked on the verification page)."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def active_notice(case: Case) -> Notice | None:
    return db.session.scalar(select(Notice).where(Notice.case_id == case.id,
                                                  Notice.status != NoticeStatus.SIGNED)
                             .order_by(Notice.id.desc()).limit(1))


def add_version(actor: User, notice: Notice, today: date) -> NoticeVersion:
    """Render a new version from the case's facts; a notice returned with comments is drafting again."""
    NOTICE.check(notice, "version_drafted", lifecycle.role_of(actor))  # before the render's work
    rendered = render_notice_html(notice, notice.case, today)
    number = len(notice.versions) + 1
    version = NoticeVersion(notice=notice, version=number, facts_version=notice.case.facts_version,
                            body_html=rendered.html, body_text=rendered.text, sha256=rendered.sha256,
                            created_by_id=actor.id)
    db.session.add(version)
    db.session.flush()
    lifecycle.fire(NOTICE, notice, "version_drafted", actor, changes={
        "facts_version": notice.case.facts_version}, payload={
        "notice_id": notice.id, "version": number, "sha256": rendered.sha256,
        "facts_version": notice.case.facts_version})
    return version


def start_notice(actor: User, case: Case, today: date, *, language: NoticeLanguage = NoticeLanguage.ENGLISH,
                 pay_within_days: int = 15, cheque: ChequeDetails | None = None) -> Notice:
    if active_notice(case) is not None:
        raise DomainError("This case already has a notice being drafted or reviewed.")
    kind = NoticeKind.CHEQUE_DISHONOUR if cheque else kind_for(case)
    if not 7 <= pay_within_days <= 60:
        raise DomainError("Give between 7 and 60 days to pay (15 is usual).")
    if cheque:
        pay_within_days = NI138_DAYS_TO_PAY  # s.138 proviso (c): always fifteen days from receipt
    check_can_draft(case, kind, today, cheque_dates=cheque.dates if cheque else None)
    if case.status == CaseStatus.FILED:
        fire(case, "start_notice", actor)
    elif case.status != CaseStatus.NOTICE_DRAFTING:
        raise DomainError("A notice can be drafted once the claim is filed.")
    notice = Notice(case=case, kind=kind, language=language, advocate_id=case.advocate_id,
                    pay_within_days=pay_within_days, facts_version=case.facts_version,
                    verification_code=new_verification_code(), created_by_id=actor.id)
    if cheque:
        notice.cheque_number, notice.cheque_bank = cheque.number, cheque.bank
        notice.cheque_date, notice.cheque_amount = cheque.cheque_date, cheque.amount
        notice.dishonour_memo_date, notice.dishonour_reason = cheque.memo_date, cheque.reason
        notice.cheque_presented_on, notice.memo_received_on = cheque.presented_on, cheque.memo_received_on
    # Created without an event of its own: its first version (notice.version_drafted) records it.
    lifecycle.begin(NOTICE, notice, NoticeStatus.DRAFTING, actor, action=None)
    db.session.flush()
    add_version(actor, notice, today)
    return notice


def revise(actor: User, notice: Notice, today: date) -> NoticeVersion:
    """Redraft from the case's current facts (after the creditor corrected them)."""
    if notice.status not in NOTICE.sources("version_drafted"):
        raise DomainError("Only a draft, or one returned with comments, can be revised.")
    check_can_draft(notice.case, notice.kind, today, cheque_dates=(
        notice.cheque_date, notice.cheque_presented_on, notice.dishonour_memo_date, notice.memo_received_on))
    return add_version(actor, notice, today)


def submit(actor: User, notice: Notice) -> None:
    if notice.status not in NOTICE.sources("submitted"):
        raise DomainError("Only a draft can be submitted for review.")
    payload = {"notice_id": notice.id, "version": notice.current.version}
    if notice.kind in DEMAND_KINDS:  # an s.21 notice leaves the case's status alone
        fire(notice.case, "submit_notice", actor, payload=payload)
    lifecycle.fire(NOTICE, notice, "submitted", actor, payload=payload, changes={
        "advocate_id": notice.case.advocate_id, "submitted_at": utcnow()})


def request_changes(actor: User, notice: Notice, comment: str) -> NoticeComment:
    if notice.status not in NOTICE.sources("changes_requested"):
        raise DomainError("Only a notice in review can be returned.")
    text = comment.strip()
    if not text:
        raise DomainError("Say what should change.")
    if notice.kind in DEMAND_KINDS:
        fire(notice.case, "return_notice", actor, payload={"notice_id": notice.id})
    note = NoticeComment(notice=notice, version=notice.current.version, author_id=actor.id, body=text)
    db.session.add(note)
    lifecycle.fire(NOTICE, notice, "changes_requested", actor,
                   payload={"notice_id": notice.id, "version": note.version, "comment": text})
    return note


def mandate_for(org_id: int, advocate_id: int) -> Mandate | None:
    """The organisation's mandate for the advocate if it is in force (accepted, sealed, countersigned)."""
    from notices.mandates import granting as mandates

    return mandates.in_force(org_id, advocate_id)


def grant_mandate(actor: User, advocate: User) -> Mandate:
    """Accept and countersign the mandate in one step (seeds and tests); the web flow goes through
    notices.mandates.accept, then notices.mandates.countersign."""
    from notices.mandates import granting as mandates

    return mandates.grant(actor, advocate)


def approve(actor: User, notice: Notice, totp_code: str) -> None:
    """The advocate approves the text; a fresh TOTP code is required at this moment."""
    if notice.status not in NOTICE.sources("approved"):
        raise DomainError("Only a notice in review can be approved.")
    if notice.case.advocate_id != actor.id:
        raise DomainError("Only the advocate assigned to the case can approve its notice.")
    if mandate_for(notice.case.creditor_org_id, actor.id) is None:
        from notices.mandates import granting as mandates

        raise DomainError(mandates.missing_step(notice.case.creditor_org_id, actor.id)
                          or "The mandate to send notices is not in force.")
    if not check_totp(actor, totp_code):
        raise DomainError("That authentication code is not valid or was already used.")
    lifecycle.fire(NOTICE, notice, "approved", actor, changes={"approved_at": utcnow()}, payload={
        "notice_id": notice.id, "version": notice.current.version, "sha256": notice.current.sha256})
