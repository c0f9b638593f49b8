"""Bulk notices: a creditor requests notices on many cases; a worker drafts each case in its own
transaction; the advocate opens a server-drawn sample, then approves the rest with one TOTP code.

Sample rule: the advocate must open k = min(n, max(5, ceil(n / 10))) of the n notices awaiting
them, i.e. at least 5 (or all, when fewer) and at least 10% of a large batch. Signing stays one
notice at a time (notices/signing/signatures.py). Services take the actor, flush and never commit.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from notices.bulk.models import NoticeBatch, NoticeBatchItem
from notices.bulk.states import BATCH_ITEM, BatchItemStatus
from notices.drafting import workflow as services
from notices.drafting.rendering import render_notice_pdf
from notices.models import Notice, NoticeLanguage
from notices.states import NOTICE, NoticeStatus
from portal import audit, lifecycle
from portal.accounts import User, check_totp
from portal.audit import AuditEvent
from portal.cases import Case, CaseStatus
from portal.errors import DomainError
from portal.extensions import db
from portal.imports import ImportBatch
from portal.types import utcnow

MAX_CASES = 1000
_sampler = random.SystemRandom()


def sample_size(n: int) -> int:
    return min(n, max(5, math.ceil(n / 10)))


def cases_of_import(batch: ImportBatch) -> list[int]:
    """The ids of the cases an import created, read from the ledger: the import writes one
    `case.created` event per case and then `import.confirmed`, consecutively, holding the global
    chain's lock (portal/audit.py), so they are the events just before the confirmation."""
    confirmed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "import.confirmed",
                                 AuditEvent.actor_id == batch.created_by_id)).all()
    event = next((e for e in confirmed if e.data.get("batch_id") == batch.id), None)
    if event is None or not batch.cases_created:
        return []
    created = db.session.scalars(select(AuditEvent).where(
        AuditEvent.seq >= event.seq - batch.cases_created, AuditEvent.seq < event.seq,
        AuditEvent.action == "case.created", AuditEvent.actor_id == batch.created_by_id)).all()
    return [e.case_id for e in created]


def eligible_cases(org_id: int, case_ids: list[int] | None = None) -> list[Case]:
    """The organisation's filed cases without a notice yet: the ones a notice can be drafted on."""
    query = select(Case).where(Case.creditor_org_id == org_id, Case._status == CaseStatus.FILED)
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    return list(db.session.scalars(query.order_by(Case.id).limit(MAX_CASES + 1)))


def request_notices(actor: User, case_ids: list[int], *, language: NoticeLanguage, pay_within_days: int,
                    submit_for_review: bool, import_batch: ImportBatch | None = None) -> NoticeBatch:
    """Record the request, one queued item per case; the caller queues the drafting after commit."""
    wanted = list(dict.fromkeys(case_ids))
    if not wanted:
        raise DomainError("Select at least one case.")
    if len(wanted) > MAX_CASES:
        raise DomainError(f"Request at most {MAX_CASES} notices at a time.")
    if not 7 <= pay_within_days <= 60:
        raise DomainError("Give between 7 and 60 days to pay (15 is usual).")
    owned = set(db.session.scalars(select(Case.id).where(Case.id.in_(wanted),
                                                         Case.creditor_org_id == actor.org_id)))
    if owned != set(wanted):
        raise DomainError("Some of the selected cases are not your organisation's.")
    batch = NoticeBatch(org_id=actor.org_id, import_batch_id=import_batch.id if import_batch else None,
                        language=language, pay_within_days=pay_within_days,
                        submit_for_review=submit_for_review, created_by_id=actor.id,
                        items=[lifecycle.begin(BATCH_ITEM, NoticeBatchItem(case_id=cid),
                                               BatchItemStatus.QUEUED, actor, action=None)
                               for cid in wanted])
    db.session.add(batch)
    db.session.flush()
    audit.record("notice_batch.requested", actor=actor, payload={
        "batch_id": batch.id, "cases": len(wanted), "language": language.value,
        "pay_within_days": pay_within_days, "submit_for_review": submit_for_review,
        "import_batch_id": batch.import_batch_id})
    return batch


def _lock_item(item_id: int) -> NoticeBatchItem | None:
    return db.session.scalar(select(NoticeBatchItem).where(NoticeBatchItem.id == item_id).with_for_update()
                             .execution_options(populate_existing=True))


def draft_item(item_id: int, today: date) -> NoticeBatchItem | None:
    """Draft one case's notice, render its PDF (to check it renders; kept for signing), submit if asked.
    Returns None when the item is no longer queued (a retry after it was done)."""
    item = _lock_item(item_id)
    if item is None or item.status not in BATCH_ITEM.sources("item_drafted"):
        return None
    batch, actor = item.batch, item.batch.created_by
    notice = services.start_notice(actor, item.case, today, language=batch.language,
                                   pay_within_days=batch.pay_within_days)
    render_notice_pdf(notice.current.body_html, keep=True)  # checks it renders; signing takes this PDF
    if batch.submit_for_review:
        services.submit(actor, notice)
    # lock=False: _lock_item locked and read the row.
    lifecycle.fire(BATCH_ITEM, item, "item_drafted", actor, case=item.case, lock=False,
                   payload={"batch_id": item.batch_id, "notice_id": notice.id},
                   changes={"notice_id": notice.id, "finished_at": utcnow()})
    return item


def mark_failed(item_id: int, reason: str) -> None:
    """Record why a case could not be drafted (after its own transaction was rolled back)."""
    item = _lock_item(item_id)
    if item is None or item.status not in BATCH_ITEM.sources("item_failed"):
        return
    # lock=False: _lock_item locked and read the row.
    lifecycle.fire(BATCH_ITEM, item, "item_failed", item.batch.created_by, case=item.case, lock=False,
                   payload={"batch_id": item.batch_id, "reason": reason[:500]},
                   changes={"reason": reason[:500], "finished_at": utcnow()})


@dataclass
class Progress:
    total: int
    queued: int
    drafted: int
    failed: int

    @property
    def done(self) -> int:
        return self.drafted + self.failed

    @property
    def running(self) -> bool:
        return self.queued > 0

    def as_dict(self) -> dict:
        return {"total": self.total, "queued": self.queued, "drafted": self.drafted,
                "failed": self.failed, "done": self.done, "running": self.running}


def progress(batch: NoticeBatch) -> Progress:
    return progress_of([batch.id])[batch.id]


def progress_of(batch_ids: list[int]) -> dict[int, Progress]:
    """Each batch's progress, counted in one statement."""
    counts: dict[int, dict[BatchItemStatus, int]] = {batch_id: {} for batch_id in batch_ids}
    if batch_ids:
        for batch_id, status, n in db.session.execute(
                select(NoticeBatchItem.batch_id, NoticeBatchItem.status, func.count())
                .where(NoticeBatchItem.batch_id.in_(batch_ids))
                .group_by(NoticeBatchItem.batch_id, NoticeBatchItem.status)):
            counts[batch_id][BatchItemStatus(status)] = n
    return {batch_id: Progress(sum(got.values()), got.get(BatchItemStatus.QUEUED, 0),
                               got.get(BatchItemStatus.DRAFTED, 0), got.get(BatchItemStatus.FAILED, 0))
            for batch_id, got in counts.items()}


def items_of(batch: NoticeBatch) -> list[NoticeBatchItem]:
    """The batch's items with the case, its debtor and the notice each shows, in one statement."""
    return list(db.session.scalars(
        select(NoticeBatchItem).where(NoticeBatchItem.batch_id == batch.id)
        .options(joinedload(NoticeBatchItem.case).joinedload(Case.debtor), joinedload(NoticeBatchItem.notice))
        .order_by(NoticeBatchItem.id)))


# The advocate's side ----------------------------------------------------------------------------

def awaiting(advocate: User, batch: NoticeBatch, before: datetime | None = None) -> list[NoticeBatchItem]:
    """Items of the batch whose notice waits for this advocate's review (submitted by `before`)."""
    query = (select(NoticeBatchItem).join(Notice, Notice.id == NoticeBatchItem.notice_id)
             .join(Case, Case.id == Notice.case_id)
             .where(NoticeBatchItem.batch_id == batch.id, Case.advocate_id == advocate.id,
                    Notice.status == NoticeStatus.IN_REVIEW))
    if before is not None:
        query = query.where(Notice.submitted_at <= before)
    return list(db.session.scalars(query.order_by(NoticeBatchItem.id)))


def batches_for(advocate: User) -> list[tuple[NoticeBatch, int]]:
    """Batches with notices waiting for this advocate, oldest first, with how many wait."""
    rows = db.session.execute(
        select(NoticeBatch, func.count(NoticeBatchItem.id))
        .join(NoticeBatchItem, NoticeBatchItem.batch_id == NoticeBatch.id)
        .join(Notice, Notice.id == NoticeBatchItem.notice_id).join(Case, Case.id == Notice.case_id)
        .where(Case.advocate_id == advocate.id, Notice.status == NoticeStatus.IN_REVIEW)
        .group_by(NoticeBatch.id).order_by(NoticeBatch.created_at)).all()
    return [(batch, count) for batch, count in rows]


def sample(advocate: User, batch: NoticeBatch) -> list[NoticeBatchItem]:
    """The advocate's sample of this batch, drawn at random by the server on first call and kept."""
    drawn = [i for i in batch.items if i.sampled_by_id == advocate.id]
    if drawn:
        return drawn
    pool = awaiting(advocate, batch)
    if not pool:
        raise DomainError("No notice of this batch is waiting for your review.")
    chosen = sorted(_sampler.sample(pool, sample_size(len(pool))), key=lambda i: i.id)
    now = utcnow()
    for item in chosen:
        item.sampled_by_id, item.sampled_at = advocate.id, now
    db.session.flush()
    audit.record("notice_batch.sample_drawn", actor=advocate, payload={
        "batch_id": batch.id, "pool": len(pool), "sample": [i.notice_id for i in chosen]})
    return chosen


def view_sample(advocate: User, item: NoticeBatchItem) -> None:
    if item.sampled_by_id != advocate.id:
        raise DomainError("That notice is not in your sample of this batch.")
    if item.sample_viewed_at is None:
        item.sample_viewed_at = utcnow()
        audit.record("notice_batch.sample_viewed", actor=advocate, case=item.case, payload={
            "batch_id": item.batch_id, "notice_id": item.notice_id})


def approve_batch(advocate: User, batch: NoticeBatch, totp_code: str) -> list[Notice]:
    """Approve every notice of the batch that was waiting for this advocate when the sample was
    drawn, with one fresh TOTP code, once the whole sample was opened. The checks of
    services.approve apply to each notice; each approval is its own ledger event."""
    drawn = [i for i in batch.items if i.sampled_by_id == advocate.id]
    if not drawn:
        raise DomainError("Open the review page of this batch first: a sample is drawn for you there.")
    unopened = [i for i in drawn if i.sample_viewed_at is None]
    if unopened:
        raise DomainError(f"Open every notice of your sample first ({len(unopened)} of "
                          f"{len(drawn)} not opened yet).")
    items = awaiting(advocate, batch, before=min(i.sampled_at for i in drawn))
    if not items:
        raise DomainError("No notice of this batch is waiting for your approval.")
    for item in items:
        _check_approvable(advocate, item.notice)
    if not check_totp(advocate, totp_code):
        raise DomainError("That authentication code is not valid or was already used.")
    now = utcnow()
    for item in items:
        lifecycle.fire(NOTICE, item.notice, "approved", advocate, changes={"approved_at": now}, payload={
            "notice_id": item.notice.id, "version": item.notice.current.version,
            "sha256": item.notice.current.sha256, "batch_id": batch.id,
            "sampled": item.sampled_by_id == advocate.id})
    audit.record("notice_batch.approved", actor=advocate, payload={
        "batch_id": batch.id, "approved": len(items), "sample": len(drawn)})
    return [item.notice for item in items]


def _check_approvable(advocate: User, notice: Notice) -> None:
    """services.approve's rules, less the TOTP code (checked once for the whole batch)."""
    if notice.status not in NOTICE.sources("approved"):
        raise DomainError("Only a notice in review can be approved.")
    if notice.case.advocate_id != advocate.id:
        raise DomainError("Only the advocate assigned to the case can approve its notice.")
    if services.mandate_for(notice.case.creditor_org_id, advocate.id) is None:
        raise DomainError(f"{notice.case.creditor.legal_name} has not yet given you its mandate to "
                          "send notices on its behalf; it must do so before you approve.")
