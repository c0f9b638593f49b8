"""Turning what comes back (provider status webhooks, bounces, the tracking pixel, the debtor's
link) into delivery events. Every lookup happens before anything is written, so a request naming
an unknown message changes nothing."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from notices.serving import receipt, timeline
from notices.serving.bounces import Bounce
from notices.serving.models import ChannelKind, Dispatch, EventKind
from notices.serving.states import DISPATCH
from notices.serving.timeline import ProviderIdentity
from portal import lifecycle
from portal.adapters import DeliveryStatus, StatusUpdate
from portal.extensions import db

_KIND = {DeliveryStatus.ACCEPTED: EventKind.ACCEPTED, DeliveryStatus.DELIVERED: EventKind.DELIVERED,
         DeliveryStatus.READ: EventKind.READ, DeliveryStatus.FAILED: EventKind.FAILED}


class UnknownMessage(LookupError):
    """No dispatch of ours carries this provider message id (or bounce token)."""


def status_updates(channel: ChannelKind, provider: str, updates: Sequence[StatusUpdate]) -> int:
    """Record provider status updates; returns how many were new (0: all replays)."""
    found: list[tuple[Dispatch, StatusUpdate]] = []
    for update in updates:
        dispatch = db.session.scalar(select(Dispatch).where(
            Dispatch.channel == channel, Dispatch.provider == provider,
            Dispatch.provider_message_id == update.message_id))
        if dispatch is None:
            raise UnknownMessage(f"No {channel.value} message {update.message_id!r} was sent by Sulah.")
        found.append((dispatch, update))
    new = 0
    for dispatch, update in found:
        kind = _KIND[update.status]
        # A resent status (WhatsApp re-sends with a new timestamp) names the same message and status.
        identity = ProviderIdentity(update.message_id, update.status.value, update.extra.get("event_id"))
        event = timeline.record(dispatch.served, kind, source=provider, dispatch=dispatch, raw=update.raw,
                                occurred_at=update.at, provider_ref=update.message_id, detail=update.detail,
                                identity=identity)
        if event is None:
            continue
        new += 1
        if kind == EventKind.FAILED:
            _fail(dispatch, f"The provider reported the message undeliverable: {update.detail or 'failed'}")
    return new


def bounce(b: Bounce, raw: bytes) -> bool:
    dispatch = db.session.scalar(select(Dispatch).where(Dispatch.bounce_token == b.token))
    if dispatch is None:
        raise UnknownMessage("No dispatch has that bounce address.")
    detail = f"{b.action} {b.status} {b.recipient}: {b.diagnostic}".strip()
    # One report per (bounce address, action and status): a copy of the same DSN, or the same
    # verdict again, is the same fact; the report's Message-ID is its own event id.
    identity = ProviderIdentity(b.token, f"{b.action} {b.status}".strip(), b.message_id or None)
    # A DSN saying "delivered" is the receiving server's own report that the record entered the
    # addressee's mailbox (IT Act s.13(2)); any other action is a bounce or a delay.
    kind = EventKind.DELIVERED if b.action == "delivered" else EventKind.BOUNCED
    event = timeline.record(dispatch.served, kind, source="dsn", dispatch=dispatch, raw=raw,
                            provider_ref=b.status, detail=detail, identity=identity)
    if event is not None and b.permanent:
        _fail(dispatch, f"The e-mail bounced ({b.status}): {b.diagnostic or 'address rejected'}")
    return event is not None


def opened(pixel_token: str, user_agent: str) -> bool:
    dispatch = db.session.scalar(select(Dispatch).where(Dispatch.pixel_token == pixel_token))
    if dispatch is None:
        raise UnknownMessage("Unknown tracking pixel.")
    # The first open is the one that matters; later ones are the same fact again.
    event = timeline.record(dispatch.served, EventKind.OPENED, source="pixel", dispatch=dispatch,
                            raw=f"opened {dispatch.id}".encode(), detail=user_agent[:300])
    return event is not None


def _fail(dispatch: Dispatch, reason: str) -> None:
    from notices.serving.delivery import tell_creditor_failed

    # Locked and re-read first: a worker may be finishing the same dispatch.
    db.session.flush()
    db.session.refresh(dispatch, with_for_update={"key_share": True})
    if dispatch.status not in DISPATCH.sources("undeliverable"):
        return  # failed already (an earlier report, or the worker gave up)
    lifecycle.fire(DISPATCH, dispatch, "undeliverable", None, lock=False,  # locked just above
                   changes={"last_error": reason}, payload={"reason": reason[:500]})
    tell_creditor_failed(dispatch, reason)
    receipt.after_failure(dispatch)  # every channel failed: not served, and no clock runs
