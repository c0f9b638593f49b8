"""Sending a burst of due e-mail dispatches: the steps of `dispatch_runner` for many at once, so that
a worker's cost per e-mail is the message and its send, not the bookkeeping around it.

1. Claim (ONE transaction): lock the debtors, then the dispatches, each set in id order (the
   runner's order); defer to the contact window or past the daily cap those that must wait (the
   count of each debtor's contacts today grows with every dispatch of the burst claimed for it);
   mark the rest SENDING until `now + lease` and issue their personal links; commit.
2. Send each over the worker's kept SMTP connection, and record each acceptance at once, in a
   transaction of its own, right after its send (`dispatch_runner._accept`, as for one dispatch).
3. Settle (ONE transaction): SENT, the notices served and the `dispatched` events of every accepted
   dispatch, their audit events appended together (`audit.batched`: one head update per chain). If
   that transaction fails, each dispatch is settled on its own (and by the sweep after that).
A transient or permanent failure of one send is that dispatch's retry or failure alone.

Every guarantee of `dispatch_runner` holds per dispatch: the claim decides who sends; an accepted
dispatch is never sent again (a burst claims none that has an acceptance); a dead worker's claims
expire with their lease and are sent again by whoever claims them next, with the same Message-ID
and link; WhatsApp and SMS are not burst (their own task runs them); each status change goes through
`DISPATCH` with its audit event in the transaction that makes it. A dispatch the burst does not
decide (another channel, another worker's live claim, one at its attempt limit) is left to its own
task or the sweep.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from notices.models import Notice
from notices.serving import contact_count
from notices.serving import dispatch_runner as runner
from notices.serving.channels import Delivery, channel_for
from notices.serving.contact_rules import ContactPolicy, next_contact_time
from notices.serving.delivery import build_delivery, link_wanted
from notices.serving.documents import ServedDocument
from notices.serving.hooks import issue_debtor_links
from notices.serving.models import ChannelKind, Dispatch, ServiceTerms
from notices.serving.states import DISPATCH, UNSENT, DispatchStatus
from portal import audit, lifecycle, outbox
from portal.adapters import PermanentFailure, TransientFailure
from portal.cases import Case
from portal.database import commit
from portal.extensions import db

log = logging.getLogger(__name__)
Outcome = runner.Outcome
# The time is the runner's (`runner.utcnow`): one clock for a dispatch however it is sent.


@dataclass
class Burst:
    """What one burst did: the outcome of each dispatch it decided, and those it left alone."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    claimed: list[tuple[int, Delivery]] = field(default_factory=list)
    settle: list[int] = field(default_factory=list)     # accepted before: only settled
    until: datetime | None = None                          # when the burst's claims expire
    kept: list = field(default_factory=list, repr=False)    # rows loaded for the claim

    @property
    def sent(self) -> int:
        return sum(1 for o in self.outcomes.values() if o.result == "sent")


def run(first_id: int | None = None, limit: int | None = None) -> Burst:
    """Claim up to `limit` (DISPATCH_BURST) due e-mail dispatches, `first_id` first when given, send
    them, settle them. Returns what became of each; a dispatch it could not decide has no outcome."""
    cfg = current_app.config
    # The claims of a burst expire together. After the first send (which, as for one dispatch, has
    # the whole lease), a send is started only while a send that stalls for MAIL_TIMEOUT would still
    # end within the lease; the rest are not sent by this burst (their claim lapses and the next
    # claim sends them). A lease no longer than MAIL_TIMEOUT makes bursts of one.
    window = cfg["DISPATCH_LEASE_SECONDS"] - cfg["MAIL_TIMEOUT"]
    started = time.monotonic()
    try:
        burst = _claim(first_id, (limit or cfg["DISPATCH_BURST"]) if window > 0 else 1, started + window / 2)
    except Exception:  # noqa: BLE001 (one dispatch that cannot be built must not stop the rest)
        # E.g. a notice whose PDF is gone from the store: nothing of the claim is committed, and the
        # task's own dispatch goes alone (`dispatch_runner.run`), as every dispatch did before bursts.
        log.exception("a burst's claim failed; its dispatches go one at a time")
        runner._quiet_rollback()
        return Burst()
    accepted: list[int] = []
    email = channel_for(ChannelKind.EMAIL)
    for n, (dispatch_id, delivery) in enumerate(burst.claimed):
        if n and time.monotonic() >= started + window:
            burst.outcomes[dispatch_id] = Outcome("busy", at=burst.until, detail="the claim ran short")
            continue
        try:
            sent = email.send(delivery)
        except TransientFailure as exc:
            burst.outcomes[dispatch_id] = runner._retry(dispatch_id, str(exc))
            continue
        except PermanentFailure as exc:
            burst.outcomes[dispatch_id] = runner._fail(dispatch_id, str(exc))
            continue
        runner._accept(dispatch_id, sent)
        accepted.append(dispatch_id)
    burst.outcomes.update(settle_many(accepted + burst.settle))
    return burst


# --- 1. the claim ---------------------------------------------------------------------------------

def _debtor_of_dispatch():
    return func.coalesce(
        select(Case.debtor_party_id).join(Notice, Notice.case_id == Case.id)
        .where(Notice.id == Dispatch.notice_id).scalar_subquery(),
        select(Case.debtor_party_id).join(ServedDocument, ServedDocument.case_id == Case.id)
        .where(ServedDocument.id == Dispatch.document_id).scalar_subquery())


def due_email_ids(now: datetime, limit: int, first_id: int | None) -> list[tuple[int, int]]:
    """(dispatch id, debtor's party id) of due e-mail dispatches without an acceptance: QUEUED ones
    whose time has come and SENDING ones whose claim has expired; `first_id` first."""
    debtor = _debtor_of_dispatch()
    due = ((Dispatch.channel == ChannelKind.EMAIL) & Dispatch.accepted_at.is_(None)
           & or_((Dispatch.status == DispatchStatus.QUEUED)
                 & or_(Dispatch.not_before.is_(None), Dispatch.not_before <= now),
                 (Dispatch.status == DispatchStatus.SENDING) & (Dispatch.claimed_until <= now)))
    if first_id is not None:
        due = due | (Dispatch.id == first_id)
    order = [(Dispatch.id != first_id), Dispatch.id] if first_id is not None else [Dispatch.id]
    return [tuple(row) for row in db.session.execute(
        select(Dispatch.id, debtor).where(due).order_by(*order).limit(limit))]


def _lock(pairs: list[tuple[int, int]], kept: list, *, skip_locked: bool,
          limit: int | None = None) -> tuple[list[Dispatch], contact_count.Groups]:
    """Lock the debtors (in id order; with `skip_locked`, those another transaction holds are left
    out, with their dispatches), then up to `limit` of their dispatches (in id order, the first
    pairs first), re-read; what the unsent ones need is loaded in a few statements and held in
    `kept` (the session holds unchanged rows only while someone refers to them). Also returns
    the locked debtors' parties (contact_count.lock_debtors)."""
    if not pairs:
        return [], {}
    if db.session.get_bind().dialect.name == "sqlite":  # take the write lock first (see runner._locked)
        db.session.execute(update(Dispatch).where(Dispatch.id.in_([i for i, _ in pairs]))
                           .values(attempts=Dispatch.attempts))
    debtors = contact_count.lock_debtors({p for _, p in pairs}, skip_locked=skip_locked)
    ids = [i for i, p in pairs if p in debtors][:limit]
    if not ids:
        return [], debtors
    dispatches = list(db.session.scalars(
        select(Dispatch).where(Dispatch.id.in_(ids)).order_by(Dispatch.id).with_for_update()
        .execution_options(populate_existing=True)))
    notice_ids = [d.notice_id for d in dispatches if d.notice_id is not None and d.status in UNSENT]
    if notice_ids:  # into the session at once, not one lazy load per dispatch
        kept.extend(db.session.scalars(select(Notice).where(Notice.id.in_(notice_ids)).options(
            selectinload(Notice.case).selectinload(Case.creditor),
            selectinload(Notice.case).selectinload(Case.debtor), selectinload(Notice.advocate))))
        kept.extend(db.session.scalars(select(ServiceTerms).where(ServiceTerms.notice_id.in_(notice_ids))))
    return dispatches, debtors


def _claim(first_id: int | None, limit: int, stop_claiming: float) -> Burst:
    burst = Burst()
    now = runner.utcnow()
    cfg = current_app.config
    # More candidates than the burst takes: another burst may hold some debtors (skipped, not waited for).
    # `first_id` whose debtor another transaction holds is left to the task's own run (it waits).
    pairs = due_email_ids(now, limit * 3, first_id)
    dispatches, debtors = _lock(pairs, burst.kept, skip_locked=True, limit=limit)
    parties = {d.served.case.debtor_party_id for d in dispatches if d.status in UNSENT}
    counts = contact_count.tally({party: debtors[party] for party in parties}, now)
    until = burst.until = now + timedelta(seconds=cfg["DISPATCH_LEASE_SECONDS"])
    claimed: list[Dispatch] = []
    with audit.batched():
        for dispatch in dispatches:
            if dispatch.status not in DISPATCH.sources("claim"):  # sent, failed or cancelled
                burst.outcomes[dispatch.id] = Outcome("done", detail=dispatch.status.value)
            elif dispatch.accepted_at is not None:  # never sent again: only settled
                burst.settle.append(dispatch.id)
            elif (dispatch.channel != ChannelKind.EMAIL
                  or dispatch.attempts >= cfg["DISPATCH_MAX_ATTEMPTS"]
                  or (dispatch.status == DispatchStatus.SENDING and dispatch.claimed_until > now)
                  or (claimed and time.monotonic() >= stop_claiming)):
                continue  # its own task decides (another channel, the attempt limit, a live claim)
            elif _claim_one(burst, dispatch, now, until, counts):
                claimed.append(dispatch)
    # Their personal links, issued together (one read, one write), and what each e-mail carries.
    tokens = issue_debtor_links([link_wanted(dispatch) for dispatch in claimed]) if claimed else []
    burst.claimed = [(dispatch.id, build_delivery(dispatch, token))
                     for dispatch, token in zip(claimed, tokens, strict=True)]
    # Their own tasks, still queued, would find them claimed: they are skipped (the sweep enqueues
    # again any whose claim lapses).
    outbox.taken_over([f"dispatch:{dispatch_id}" for dispatch_id, _ in burst.claimed])
    commit()
    return burst


def _claim_one(burst: Burst, dispatch: Dispatch, now: datetime, until: datetime,
               counts: contact_count.Tally) -> bool:
    """Claim the dispatch (True), or defer it to the contact window or past the daily cap."""
    case = dispatch.served.case
    wait = next_contact_time(now, ContactPolicy.of(case.creditor), counts.of(case.debtor_party_id))
    if wait is not None:
        runner.defer(dispatch, wait)  # locked by _lock
        burst.outcomes[dispatch.id] = Outcome("deferred", at=wait)
        return False
    lifecycle.fire(DISPATCH, dispatch, "claim", None, lock=False,  # locked by _lock
                   changes={"claimed_until": until, "attempts": dispatch.attempts + 1},
                   payload={"attempt": dispatch.attempts + 1, "claimed_until": until.isoformat()})
    counts.add(case.debtor_party_id)
    return True


# --- 3. the settling ------------------------------------------------------------------------------

def settle_many(ids: list[int]) -> dict[int, Outcome]:
    """Settle accepted dispatches in one transaction; if it fails, each on its own (tried again,
    then left to the sweep), as `dispatch_runner.settle` does."""
    if len(ids) < 2:
        return {dispatch_id: runner.settle(dispatch_id) for dispatch_id in ids}
    try:
        return _settle_many(ids)
    except SQLAlchemyError:
        runner._quiet_rollback()
    return {dispatch_id: runner.settle(dispatch_id) for dispatch_id in ids}


def _settle_many(ids: list[int]) -> dict[int, Outcome]:
    pairs = [tuple(row) for row in db.session.execute(
        select(Dispatch.id, _debtor_of_dispatch()).where(Dispatch.id.in_(ids)).order_by(Dispatch.id))]
    kept: list = []
    dispatches, _ = _lock(pairs, kept, skip_locked=False)
    case_ids = sorted({d.notice.case_id for d in dispatches if d.notice_id is not None})
    if case_ids:  # the cases whose notice this serves, locked in one statement (lifecycle.fire's lock)
        # Re-read, they lose the parties loaded with them: loaded again here for the ledger's
        # listeners (the notifications name both parties), not once per case.
        kept.extend(db.session.scalars(select(Case).where(Case.id.in_(case_ids)).order_by(Case.id)
                                       .with_for_update(key_share=True)
                                       .options(selectinload(Case.creditor), selectinload(Case.debtor))
                                       .execution_options(populate_existing=True)))
    outcomes = {}
    sent = []
    for dispatch in dispatches:
        if dispatch.status not in DISPATCH.sources("sent") or dispatch.accepted_at is None:
            outcomes[dispatch.id] = Outcome("done", detail=dispatch.status.value)
            continue
        sent.append(dispatch)
        outcomes[dispatch.id] = Outcome("sent", detail=dispatch.provider_message_id or "")
    with audit.batched():
        runner.mark_sent_many(sent)
    commit()
    return outcomes

