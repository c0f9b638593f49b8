"""Recording delivery events: each with its UTC time, source and the SHA-256 of the raw bytes it
came from, written to the delivery timeline and the audit ledger in the same transaction.

A second event with the same (dispatch, kind, payload hash) is a replay and records nothing; so is a
provider's report with the same identity (provider, message id, status; or the provider's own event
id) as one recorded before, whatever else in its payload (a new timestamp) changed.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from notices.serving import receipt
from notices.serving.models import DeliveryEvent, Dispatch, EventKind
from notices.serving.subject import Served, is_document, key, owner, payload, same
from portal import audit, outbox
from portal.extensions import db
from portal.paging import Page, PageArgs, keyset_page
from portal.types import utcnow

RAW_LIMIT = 256 * 1024  # larger payloads keep only their hash
# The platform's own scheduling (queued, a retry planned, deferred to the contact window): no act of
# dispatch or receipt, nothing the certificate proves changes. Each is listed in the next version a
# dispatch or receipt event makes, never a version of its own (a batch of 500 notices made 500
# certificates of "queued" that the "dispatched" ones replaced seconds later; issue 22).
BOOKKEEPING = frozenset({EventKind.QUEUED, EventKind.RETRY, EventKind.DEFERRED})


@dataclass(frozen=True)
class ProviderIdentity:
    """Who a provider's report is about and what it says, in the provider's own terms."""

    message_id: str
    status: str                   # e.g. "delivered"; a bounce's "failed 5.1.1"
    event_id: str | None = None   # the provider's id of this report, where it sends one

    def __post_init__(self) -> None:
        object.__setattr__(self, "message_id", self.message_id[:200])
        object.__setattr__(self, "status", self.status[:60])
        if self.event_id is not None:
            object.__setattr__(self, "event_id", self.event_id[:200] or None)


def _seen(notice: Served, kind: EventKind, dispatch_id: int | None, sha: str, source: str,
          identity: ProviderIdentity | None) -> bool:
    same_dispatch = (DeliveryEvent.dispatch_id.is_(None) if dispatch_id is None
                     else DeliveryEvent.dispatch_id == dispatch_id)
    alike = [same(DeliveryEvent, notice), DeliveryEvent.kind == kind,
             DeliveryEvent.payload_sha256 == sha, same_dispatch]
    if db.session.scalar(select(DeliveryEvent.id).where(*alike)) is not None:
        return True
    if identity is None:
        return False
    names = [(DeliveryEvent.provider_message_id == identity.message_id)
             & (DeliveryEvent.provider_status == identity.status)]
    if identity.event_id:
        names.append(DeliveryEvent.provider_event_id == identity.event_id)
    return db.session.scalar(select(DeliveryEvent.id).where(DeliveryEvent.source == source, or_(*names))
                             .limit(1)) is not None


def record(notice: Served, kind: EventKind, *, source: str, raw: bytes, dispatch: Dispatch | None = None,
           occurred_at: datetime | None = None, provider_ref: str | None = None, detail: str = "",
           actor=None, identity: ProviderIdentity | None = None,
           time_known: bool = True) -> DeliveryEvent | None:
    """Add one event; returns None (and changes nothing) when the same payload, or a provider report
    with the same identity, was recorded before."""
    sha = hashlib.sha256(raw).hexdigest()
    dispatch_id = dispatch.id if dispatch is not None else None
    if _seen(notice, kind, dispatch_id, sha, source, identity):
        return None
    event = _event(notice, kind, dispatch_id, sha, source=source, raw=raw, occurred_at=occurred_at,
                   provider_ref=provider_ref, detail=detail, time_known=time_known)
    if identity is not None:
        event.provider_message_id, event.provider_status = identity.message_id, identity.status
        event.provider_event_id = identity.event_id
    try:
        # Two deliveries of one report at once: the unique constraints let one in; the other is a replay.
        with db.session.begin_nested():
            db.session.add(event)
            db.session.flush()
    except IntegrityError:
        return None
    _recorded(notice, event, dispatch, actor)
    if kind not in BOOKKEEPING:
        refresh_proof_after_commit(notice)  # one refresh per notice or document per transaction
    return event


@dataclass(frozen=True)
class Happening:
    """One of Sulah's own events for `record_many` (no provider report, no actor): what `record`
    takes, as values."""

    notice: Served
    kind: EventKind
    source: str
    raw: bytes
    dispatch: Dispatch | None = None
    occurred_at: datetime | None = None
    provider_ref: str | None = None
    detail: str = ""


def record_many(happenings: list[Happening]) -> list[DeliveryEvent | None]:
    """`record` for many events (a burst's hand-overs): the replays found in one statement, the
    events inserted in one, their proofs refreshed with one read of the outbox. Returns each event,
    or None for a replay. Without `record`'s savepoint: the caller holds the dispatches locked, so
    no one else records the same event meanwhile; if someone did, the unique constraint fails the
    caller's transaction rather than skipping the event."""
    if not happenings:
        return []
    shas = [hashlib.sha256(h.raw).hexdigest() for h in happenings]
    # Read by the unique index (dispatch, kind, payload hash); an event of no dispatch by its subject's.
    dispatch_ids = sorted({h.dispatch.id for h in happenings if h.dispatch is not None})
    notice_ids = sorted({h.notice.id for h in happenings if h.dispatch is None and not is_document(h.notice)})
    document_ids = sorted({h.notice.id for h in happenings if h.dispatch is None and is_document(h.notice)})
    whose = [column.in_(ids) for column, ids in ((DeliveryEvent.dispatch_id, dispatch_ids),
                                                 (DeliveryEvent.notice_id, notice_ids),
                                                 (DeliveryEvent.document_id, document_ids)) if ids]
    stored = {tuple(row) for row in db.session.execute(
        select(DeliveryEvent.notice_id, DeliveryEvent.document_id, DeliveryEvent.dispatch_id,
               DeliveryEvent.kind, DeliveryEvent.payload_sha256)
        .where(or_(*whose), DeliveryEvent.kind.in_(sorted({h.kind for h in happenings})),
               DeliveryEvent.payload_sha256.in_(sorted(set(shas)))))}
    made: list[DeliveryEvent | None] = []
    for h, sha in zip(happenings, shas, strict=True):
        dispatch_id = h.dispatch.id if h.dispatch is not None else None
        of = owner(h.notice)
        same_as = (of.get("notice_id"), of.get("document_id"), dispatch_id, h.kind, sha)
        if same_as in stored:
            made.append(None)
            continue
        stored.add(same_as)
        event = _event(h.notice, h.kind, dispatch_id, sha, source=h.source, raw=h.raw,
                       occurred_at=h.occurred_at, provider_ref=h.provider_ref, detail=h.detail)
        db.session.add(event)
        made.append(event)
    db.session.flush()
    proofs = []
    for h, event in zip(happenings, made, strict=True):
        if event is not None:
            _recorded(h.notice, event, h.dispatch, None)
            if h.kind not in BOOKKEEPING:
                proofs.append(h.notice)
    refresh_proofs_after_commit(proofs)
    return made


def _event(notice: Served, kind: EventKind, dispatch_id: int | None, sha: str, *, source: str, raw: bytes,
           occurred_at: datetime | None, provider_ref: str | None, detail: str,
           time_known: bool = True) -> DeliveryEvent:
    return DeliveryEvent(**owner(notice), dispatch_id=dispatch_id, kind=kind,
                         occurred_at=occurred_at or utcnow(), time_known=time_known, source=source,
                         provider_ref=provider_ref,
                         detail=detail[:2000], payload_sha256=sha,
                         raw=raw if len(raw) <= RAW_LIMIT else None)


def _recorded(notice: Served, event: DeliveryEvent, dispatch: Dispatch | None, actor) -> None:
    """What follows a stored event: its ledger entry, and the period that runs from receipt."""
    audit.record(f"delivery.{event.kind.value}", actor=actor, case=notice.case, payload={
        **payload(notice), "dispatch_id": event.dispatch_id,
        "channel": dispatch.channel.value if dispatch is not None else None,
        "event_id": event.id, "source": event.source, "provider_ref": event.provider_ref,
        "occurred_at": event.occurred_at.isoformat(), "payload_sha256": event.payload_sha256})
    receipt.settle(notice, event.kind)  # a clock that runs from receipt starts here (IT Act s.13(2))


def events_for(notice: Served) -> list[DeliveryEvent]:
    """The whole timeline, oldest first, each event with its dispatch in the same statement (the case
    page and the certificate name each event's channel and address: one query, not one a dispatch)."""
    return list(db.session.scalars(select(DeliveryEvent).where(same(DeliveryEvent, notice))
                                   .options(joinedload(DeliveryEvent.dispatch))
                                   .order_by(DeliveryEvent.occurred_at, DeliveryEvent.id)))


def newest_events(notice_ids: list[int], per_notice: int) -> dict[int, tuple[list[DeliveryEvent], int]]:
    """Each notice's newest `per_notice` events, oldest first, each with its dispatch, and how many
    events its timeline holds: one statement whatever the number of notices and events (each
    event ranked within its notice's timeline, newest first, through the index on (notice_id,
    occurred_at, id)). For the case page; the delivery page pages through the rest."""
    if not notice_ids:
        return {}
    newest_first = (DeliveryEvent.occurred_at.desc(), DeliveryEvent.id.desc())
    ranked = (select(DeliveryEvent.id,
                     func.row_number().over(partition_by=DeliveryEvent.notice_id, order_by=newest_first)
                     .label("rank"),
                     func.count().over(partition_by=DeliveryEvent.notice_id).label("total"))
              .where(DeliveryEvent.notice_id.in_(notice_ids)).subquery())
    out: dict[int, tuple[list[DeliveryEvent], int]] = {}
    for event, total in db.session.execute(
            select(DeliveryEvent, ranked.c.total).join(ranked, ranked.c.id == DeliveryEvent.id)
            .where(ranked.c.rank <= per_notice).options(joinedload(DeliveryEvent.dispatch))
            .order_by(DeliveryEvent.notice_id, DeliveryEvent.occurred_at, DeliveryEvent.id)):
        out.setdefault(event.notice_id, ([], total))[0].append(event)
    return out


STREAM_ROWS = 500


def stream_events(notice: Served) -> Iterator[DeliveryEvent]:
    """Every event of the timeline, oldest first, read STREAM_ROWS at a time (a server-side cursor on
    PostgreSQL) instead of all at once: for the certificate, which must list each of them."""
    return iter(db.session.scalars(select(DeliveryEvent).where(same(DeliveryEvent, notice))
                                   .order_by(DeliveryEvent.occurred_at, DeliveryEvent.id)
                                   .execution_options(yield_per=STREAM_ROWS)))


def notices_with_event(notice_ids: set[int], kind: EventKind) -> set[int]:
    """Which of these notices have at least one event of this kind: one statement, no events read."""
    if not notice_ids:
        return set()
    return set(db.session.scalars(select(DeliveryEvent.notice_id).distinct().where(
        DeliveryEvent.notice_id.in_(sorted(notice_ids)), DeliveryEvent.kind == kind)))


def count(notice: Served) -> int:
    """How many events the timeline holds (a certificate records the count it covered)."""
    return db.session.scalar(select(func.count(DeliveryEvent.id)).where(same(DeliveryEvent, notice)))


def events_page(served: Served, args: PageArgs) -> Page:
    """A page of the notice's or document's delivery timeline, newest first, each event with its
    dispatch: one statement, read from the index on (notice_id or document_id, occurred_at, id)."""
    stmt = (select(DeliveryEvent).where(same(DeliveryEvent, served))
            .options(joinedload(DeliveryEvent.dispatch)))
    return keyset_page(db.session, stmt, DeliveryEvent.occurred_at, DeliveryEvent.id, tag="timeline",
                       args=args, scalars=True)


def refresh_proof_after_commit(served: Served | int) -> None:
    """A new delivery-proof version after the commit (a notice's id names the notice; a notice's task
    argument stays its bare id, a document's is its key, "d3"), debounced: the events of a burst
    (hand-over, the server's acceptance, a bounce or a read receipt seconds later, from any
    transaction) make one render PROOF_DEBOUNCE_SECONDS after the first, not one render each
    (issue 22: re-rendering the certificate on every event took 88% of a dispatch worker's time)."""
    refresh_proofs_after_commit([served])


def refresh_proofs_after_commit(served: list[Served | int]) -> None:
    """`refresh_proof_after_commit` for each of them, with one read of the outbox for all."""
    arguments = []
    for one in served:
        argument = one if isinstance(one, int) else (key(one) if key(one).startswith("d") else one.id)
        if argument not in arguments:
            arguments.append(argument)
    outbox.enqueue_coalesced_many("notices.refresh_delivery_proof",
                                  [((argument,), f"proof:{argument}") for argument in arguments],
                                  delay=current_app.config["PROOF_DEBOUNCE_SECONDS"])
