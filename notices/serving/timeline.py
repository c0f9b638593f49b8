"""Recording delivery events: each with its UTC time, source and the SHA-256 of the raw bytes it
came from, written to the delivery timeline and the audit ledger in the same transaction.

A second event with the same (dispatch, kind, payload hash) is a replay and records nothing.
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select

from notices.models import Notice
from notices.serving.models import DeliveryEvent, Dispatch, EventKind
from portal import audit
from portal.database import after_commit
from portal.extensions import db
from portal.types import utcnow

RAW_LIMIT = 256 * 1024  # larger payloads keep only their hash


def record(notice: Notice, kind: EventKind, *, source: str, raw: bytes, dispatch: Dispatch | None = None,
           occurred_at: datetime | None = None, provider_ref: str | None = None, detail: str = "",
           actor=None) -> DeliveryEvent | None:
    """Add one event; returns None (and changes nothing) when the same payload was recorded before."""
    sha = hashlib.sha256(raw).hexdigest()
    dispatch_id = dispatch.id if dispatch is not None else None
    seen = db.session.scalar(select(DeliveryEvent.id).where(
        DeliveryEvent.notice_id == notice.id, DeliveryEvent.dispatch_id.is_(dispatch_id)
        if dispatch_id is None else DeliveryEvent.dispatch_id == dispatch_id,
        DeliveryEvent.kind == kind, DeliveryEvent.payload_sha256 == sha))
    if seen is not None:
        return None
    event = DeliveryEvent(notice_id=notice.id, dispatch_id=dispatch_id, kind=kind,
                          occurred_at=occurred_at or utcnow(), source=source, provider_ref=provider_ref,
                          detail=detail[:2000], payload_sha256=sha,
                          raw=raw if len(raw) <= RAW_LIMIT else None)
    db.session.add(event)
    db.session.flush()
    audit.record(f"delivery.{kind.value}", actor=actor, case=notice.case, payload={
        "notice_id": notice.id, "dispatch_id": dispatch_id,
        "channel": dispatch.channel.value if dispatch is not None else None,
        "event_id": event.id, "source": source, "provider_ref": provider_ref,
        "occurred_at": event.occurred_at.isoformat(), "payload_sha256": sha})
    _refresh_proof_after_commit(notice.id)
    return event


def _refresh_proof_after_commit(notice_id: int) -> None:
    from notices.serving.tasks import refresh_delivery_proof

    after_commit(lambda: refresh_delivery_proof.delay(notice_id), key=f"proof:{notice_id}")


def events_for(notice: Notice) -> list[DeliveryEvent]:
    return list(db.session.scalars(select(DeliveryEvent).where(DeliveryEvent.notice_id == notice.id)
                                   .order_by(DeliveryEvent.occurred_at, DeliveryEvent.id)))
