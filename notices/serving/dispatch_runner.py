"""Running one dispatch exactly once: claim it, send it, commit the sent-marker.

1. Claim (one transaction): lock the debtor and the dispatch; stop if it is already sent or failed,
   or claimed by a live worker; defer it to the contact window or past the daily cap; otherwise
   mark it SENDING until `now + lease`, issue the personal link, commit.
2. Send, outside any transaction, through the channel.
3. Accept (one small transaction, right after the send): the provider's acceptance (time, reply,
   message id) on the dispatch row alone; nothing that waits on the case, the debtor or the ledger.
4. Settle (its own transaction, tried again): SENT, the notice served and the `dispatched` event,
   all dated from the recorded acceptance. Or, instead of 3 and 4: back to QUEUED with a `retry`
   event; or FAILED, and the creditor is told.

A dispatch with a recorded acceptance is never sent again: a later claim (the sweep, a duplicate
task) only settles it, with the first acceptance's time. A worker that dies between 1 and 3 leaves
a claim that expires; the sweep (or the broker's redelivery) then sends again with the same
Message-ID and the same personal link. The one window left is the single UPDATE of step 3.

E-mails due together are run as a burst (`notices.serving.burst`): the same steps for many dispatches,
claimed and settled in one transaction each, every acceptance still recorded right after its send.

Each status change goes through the dispatch's table (`notices.serving.states.DISPATCH`) with
`lifecycle.fire(..., lock=False)`: `_locked` has already locked and re-read the row, in the
debtor-then-dispatch order. These tasks are their own transaction boundary: they commit here.
"""
from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from notices.serving import receipt, timeline
from notices.serving.channels import Delivery, Sent, channel_for
from notices.serving.contact_count import Groups, contacts_today, lock_debtors
from notices.serving.contact_rules import ContactPolicy, next_contact_time
from notices.serving.models import ChannelKind, Dispatch, EventKind, ServiceTerms
from notices.serving.states import DISPATCH, DispatchStatus
from portal import lifecycle
from portal.adapters import PermanentFailure, TransientFailure
from portal.cases import CaseStatus, fire
from portal.database import commit, rollback
from portal.extensions import db
from portal.types import IST, utcnow

log = logging.getLogger(__name__)
# Settling is tried this many times at once (then by the sweep); so is recording an acceptance,
# which must not be lost: without it the dispatch would be sent again.
SETTLE_TRIES = 3
ACCEPT_TRIES = 6


@dataclass(frozen=True)
class Outcome:
    result: str                    # sent | accepted | done | busy | deferred | retry | failed
    at: datetime | None = None     # when to look again (busy, deferred, retry)
    detail: str = ""


def run(dispatch_id: int) -> Outcome:
    claimed = _claim(dispatch_id)
    if isinstance(claimed, Outcome):
        return claimed
    kind, delivery = claimed
    try:
        sent = channel_for(kind).send(delivery)
    except TransientFailure as exc:
        return _retry(dispatch_id, str(exc))
    except PermanentFailure as exc:
        return _fail(dispatch_id, str(exc))
    _accept(dispatch_id, sent)
    return settle(dispatch_id)


def _locked(dispatch_id: int) -> Dispatch | None:
    return _locked_with_debtor(dispatch_id)[0]


def _locked_with_debtor(dispatch_id: int) -> tuple[Dispatch | None, Groups]:
    """The dispatch, locked after its debtor (each party of it), and the debtor's parties."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE and fails at once ("database is locked") when a transaction
        # that has read upgrades to write after another wrote. Writing first takes the database's
        # write lock at the start of the transaction, waiting for it (busy_timeout) instead.
        db.session.execute(update(Dispatch).where(Dispatch.id == dispatch_id)
                           .values(attempts=Dispatch.attempts))
    dispatch = db.session.get(Dispatch, dispatch_id)
    if dispatch is None:
        return None, {}
    # Lock order everywhere: the debtor (each of its parties), then the dispatch (the daily cap is
    # per debtor).
    debtor = lock_debtors({dispatch.served.case.debtor_party_id})
    db.session.refresh(dispatch, with_for_update=True)
    return dispatch, debtor


def _claim(dispatch_id: int) -> Outcome | tuple[ChannelKind, Delivery]:
    dispatch, debtor = _locked_with_debtor(dispatch_id)
    now = utcnow()
    if dispatch is None or dispatch.status not in DISPATCH.sources("claim"):  # sent, failed or cancelled
        rollback()
        return Outcome("done", detail=dispatch.status.value if dispatch else "no such dispatch")
    if dispatch.accepted_at is not None:  # the provider has it: never send again, only settle
        rollback()
        return settle(dispatch_id)
    if dispatch.status == DispatchStatus.SENDING and dispatch.claimed_until > now:
        until = dispatch.claimed_until
        rollback()
        return Outcome("busy", at=until)
    cfg = current_app.config
    if dispatch.attempts >= cfg["DISPATCH_MAX_ATTEMPTS"]:
        rollback()
        return _fail(dispatch_id, f"Gave up after {cfg['DISPATCH_MAX_ATTEMPTS']} attempts: "
                                  f"{dispatch.last_error or 'no answer'}")
    case = dispatch.served.case
    if dispatch.channel == ChannelKind.WHATSAPP:
        held = _whatsapp_waits_for_email(dispatch, now)
        if held is not None:
            rollback()
            return held if held.result != "failed" else _fail(dispatch_id, held.detail)
    policy = ContactPolicy.of(case.creditor)
    wait = next_contact_time(now, policy, contacts_today(case.debtor_party_id, now, dispatch.id, debtor))
    if wait is not None:
        defer(dispatch, wait)
        commit()
        return Outcome("deferred", at=wait)
    from notices.serving.delivery import build_delivery

    until = now + timedelta(seconds=cfg["DISPATCH_LEASE_SECONDS"])
    lifecycle.fire(DISPATCH, dispatch, "claim", None, lock=False,  # locked by _locked
                   changes={"claimed_until": until, "attempts": dispatch.attempts + 1},
                   payload={"attempt": dispatch.attempts + 1, "claimed_until": until.isoformat()})
    delivery = build_delivery(dispatch)
    kind = dispatch.channel
    commit()
    return kind, delivery


def defer(dispatch: Dispatch, wait: datetime) -> None:
    """Outside the contact rules (the window, the daily cap): the dispatch waits until `wait`, and
    its timeline says so. The caller has locked the dispatch (debtor first) and commits."""
    lifecycle.fire(DISPATCH, dispatch, "defer", None, lock=False,  # locked by the caller
                   changes={"not_before": wait.astimezone(IST)}, payload={"until": wait.isoformat()})
    timeline.record(dispatch.served, EventKind.DEFERRED, source="sulah", dispatch=dispatch,
                    raw=f"deferred {dispatch.id} until {wait.isoformat()}".encode(),
                    detail=f"Outside the contact rules; next attempt {wait:%d %b %Y %H:%M} IST")


def _whatsapp_waits_for_email(dispatch: Dispatch, now: datetime) -> Outcome | None:
    """WhatsApp never goes alone (DOMAIN 7): only once the e-mail of the same notice has gone."""
    emails = [d for d in dispatch.notice_dispatches() if d.channel == ChannelKind.EMAIL
              and d.purpose == dispatch.purpose]
    if any(d.status == DispatchStatus.SENT for d in emails):
        return None
    if any(d.status in (DispatchStatus.QUEUED, DispatchStatus.SENDING) for d in emails):
        return Outcome("busy", at=now + timedelta(seconds=60), detail="waiting for the e-mail to go first")
    return Outcome("failed", detail="WhatsApp is never sent alone, and no e-mail of this notice went out.")


def _accept(dispatch_id: int, sent: Sent) -> None:
    """Record the provider's acceptance at once, in a transaction of its own that touches only this
    dispatch's row (not the debtor, the case or the ledger's head, which others may hold)."""
    values = {"accepted_at": utcnow(), "provider": sent.provider, "provider_message_id": sent.message_id,
              "accepted_reply": sent.raw, "accepted_detail": sent.detail[:2000]}
    for attempt in range(1, ACCEPT_TRIES + 1):
        try:
            # Not synchronised into the session's objects: the commit (or the rollback) right after
            # expires them all, and matching the row against every object a burst holds was about
            # 2% of a burst's CPU in its profile.
            db.session.execute(update(Dispatch)
                               .where(Dispatch.id == dispatch_id, Dispatch.accepted_at.is_(None))
                               .values(**values).execution_options(synchronize_session=False))
            commit()
            return
        except SQLAlchemyError as exc:
            _quiet_rollback()
            if attempt == ACCEPT_TRIES:
                raise
            log.warning("dispatch %s: recording the acceptance failed (%s); trying again", dispatch_id, exc)
            time.sleep(0.5 * attempt)


def settle(dispatch_id: int) -> Outcome:
    """Mark an accepted dispatch SENT, serve the notice and record `dispatched`, from the recorded
    acceptance. Tried again at once a few times; after that the sweep settles it."""
    for attempt in range(1, SETTLE_TRIES + 1):
        try:
            return _settle(dispatch_id)
        except SQLAlchemyError as exc:
            _quiet_rollback()
            log.warning("dispatch %s: settling attempt %d failed: %s", dispatch_id, attempt, exc)
            time.sleep(0.2 * 2 ** attempt)
    return Outcome("accepted", at=utcnow() + timedelta(seconds=30), detail="settled later by the sweep")


def _quiet_rollback() -> None:
    try:
        rollback()
    except SQLAlchemyError:  # the connection is gone; the pool gives the next attempt a new one
        db.session.remove()


def _settle(dispatch_id: int) -> Outcome:
    dispatch = _locked(dispatch_id)
    already = _finished_meanwhile(dispatch, "sent")
    if already is not None:
        return already
    if dispatch.accepted_at is None:  # not accepted: nothing to settle (a claim sends it)
        rollback()
        return Outcome("done", detail="not accepted")
    mark_sent(dispatch)
    commit()
    return Outcome("sent", detail=dispatch.provider_message_id or "")


def mark_sent(dispatch: Dispatch, *, case_locked: bool = False) -> None:
    """SENT from the recorded acceptance, the notice served and `dispatched` on its timeline, in the
    caller's transaction; the dispatch is locked (`_locked`, or a burst's lock), and with
    `case_locked` its case too."""
    _sent(dispatch, case_locked=case_locked)
    h = dispatched(dispatch)
    timeline.record(h.notice, h.kind, source=h.source, dispatch=dispatch, raw=h.raw,
                    occurred_at=h.occurred_at, provider_ref=h.provider_ref, detail=h.detail)


def mark_sent_many(dispatches: list[Dispatch]) -> None:
    """`mark_sent` for a burst's dispatches, each locked with its case: their `dispatched` events
    recorded together (`timeline.record_many`)."""
    for dispatch in dispatches:
        _sent(dispatch, case_locked=True)
    timeline.record_many([dispatched(dispatch) for dispatch in dispatches])


def _sent(dispatch: Dispatch, *, case_locked: bool) -> None:
    at = dispatch.accepted_at
    notice, case = dispatch.served, dispatch.served.case
    lifecycle.fire(DISPATCH, dispatch, "sent", None, lock=False,  # locked by the caller
                   changes={"sent_at": at, "claimed_until": None, "last_error": None},
                   payload={"provider": dispatch.provider, "accepted_at": at.isoformat(),
                            "provider_message_id": dispatch.provider_message_id})
    terms = db.session.get(ServiceTerms, notice.id) if dispatch.notice_id is not None else None
    if terms is not None and terms.first_dispatched_at is None:
        terms.first_dispatched_at = at  # dispatch (IT Act s.13(1)); the period runs from receipt
    # A served document (an award, an order) never moves the case's notice statuses.
    if dispatch.notice_id is not None and case.status == CaseStatus.NOTICE_SIGNED:
        fire(case, "serve_notice", None, payload={"notice_id": notice.id, "dispatch_id": dispatch.id},
             lock=not case_locked)


def dispatched(dispatch: Dispatch) -> timeline.Happening:
    """The `dispatched` event of an accepted dispatch: the provider's acceptance, at its time."""
    return timeline.Happening(dispatch.served, EventKind.DISPATCHED, source=dispatch.provider,
                              raw=dispatch.accepted_reply or b"", dispatch=dispatch,
                              occurred_at=dispatch.accepted_at, provider_ref=dispatch.provider_message_id,
                              detail=dispatch.accepted_detail or "")


def _finished_meanwhile(dispatch: Dispatch | None, action: str) -> Outcome | None:
    """`done` (and nothing recorded) when another attempt already finished the dispatch: a worker
    whose lease ran out comes back after the next one sent it (or it bounced, or was given up)."""
    if dispatch is not None and dispatch.status in DISPATCH.sources(action):
        return None
    status = dispatch.status.value if dispatch else "no such dispatch"
    rollback()
    return Outcome("done", detail=status)


def backoff(attempts: int) -> float:
    cfg = current_app.config
    exponential = cfg["DISPATCH_RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    ceiling = min(cfg["DISPATCH_RETRY_CAP_SECONDS"], exponential)
    return ceiling * (0.5 + random.random() / 2)  # noqa: S311 (jitter, not a secret)


def _retry(dispatch_id: int, error: str) -> Outcome:
    dispatch = _locked(dispatch_id)
    already = _finished_meanwhile(dispatch, "retry")
    if already is not None:
        return already
    delay = backoff(dispatch.attempts)
    at = utcnow() + timedelta(seconds=delay)
    lifecycle.fire(DISPATCH, dispatch, "retry", None, lock=False,  # locked by _locked
                   changes={"claimed_until": None, "last_error": error[:2000], "not_before": at},
                   payload={"attempt": dispatch.attempts, "error": error[:500], "next_at": at.isoformat()})
    timeline.record(dispatch.served, EventKind.RETRY, source="sulah", dispatch=dispatch,
                    raw=f"attempt {dispatch.attempts} failed: {error}".encode(),
                    detail=f"Attempt {dispatch.attempts} failed ({error[:200]}); next in {delay:.0f} s")
    commit()
    return Outcome("retry", at=at, detail=error)


def _fail(dispatch_id: int, error: str) -> Outcome:
    dispatch = _locked(dispatch_id)
    already = _finished_meanwhile(dispatch, "fail")
    if already is not None:
        return already
    lifecycle.fire(DISPATCH, dispatch, "fail", None, lock=False,  # locked by _locked
                   changes={"claimed_until": None, "last_error": error[:2000]},
                   payload={"error": error[:500]})
    timeline.record(dispatch.served, EventKind.FAILED, source="sulah", dispatch=dispatch,
                    raw=f"failed {dispatch.id}: {error}".encode(), detail=error[:500])
    from notices.serving.delivery import tell_creditor_failed

    tell_creditor_failed(dispatch, error)
    receipt.after_failure(dispatch)
    commit()
    return Outcome("failed", detail=error)
