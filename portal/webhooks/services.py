"""Registering endpoints, rotating their secrets, raising events from the audit ledger and
delivering them. Services flush and never commit, except `deliver` and `sweep`, which are the
worker's own transactions (they run as Celery tasks, through the outbox)."""
from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from portal import audit, crypto, lifecycle, outbox
from portal.adapters import post
from portal.database import commit, rollback
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow
from portal.webhooks import events, signing
from portal.webhooks.addresses import check_url
from portal.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from portal.webhooks.states import DELIVERY, ENDPOINT, DeliveryStatus, EndpointStatus

log = logging.getLogger(__name__)

DELIVER_TASK = "portal.webhooks.deliver"
KEY_PREFIX = "webhook-delivery"
MAX_ENDPOINTS = 20


def _check(url: str, types: list[str], description: str) -> tuple[str, str, str]:
    cfg = current_app.config
    url = check_url(url, allow_http=cfg["WEBHOOK_ALLOW_HTTP"], allow_private=cfg["WEBHOOK_ALLOW_PRIVATE"])
    chosen = sorted(set(types or ()))
    if not chosen or set(chosen) - set(events.EVENT_TYPES):
        raise DomainError("Choose at least one of the event types offered.")
    description = (description or "").strip()
    if len(description) > 200 or not description.isprintable():
        raise DomainError("Describe the endpoint in up to 200 characters, on one line.")
    return url, " ".join(chosen), description


def register(actor, url: str, types: list[str], description: str = "") -> tuple[WebhookEndpoint, str]:
    """A new endpoint for the actor's organisation; returns it with its secret, shown once."""
    url, chosen, description = _check(url, types, description)
    if len(endpoints_of_org(actor.org_id)) >= MAX_ENDPOINTS:
        raise DomainError(f"An organisation may have up to {MAX_ENDPOINTS} endpoints; disable or "
                          "reuse one.")
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(org_id=actor.org_id, url=url, description=description,
                               event_types=chosen, secret_encrypted=crypto.encrypt(secret),
                               secret_created_at=utcnow(), created_by_id=actor.id)
    lifecycle.begin(ENDPOINT, endpoint, EndpointStatus.ACTIVE, actor,
                    payload={"url": url, "event_types": chosen})
    return endpoint, secret


def change(actor, endpoint: WebhookEndpoint, url: str, types: list[str], description: str = "") -> None:
    """A new address, description or choice of events; the secret stays. Events already raised keep
    going to the endpoint's address as it is when each attempt is made."""
    url, chosen, description = _check(url, types, description)
    before = {"url": endpoint.url, "event_types": endpoint.event_types}
    endpoint.url, endpoint.event_types, endpoint.description = url, chosen, description
    db.session.flush()
    audit.record("webhook_endpoint.updated", actor=actor, payload={
        "webhook_endpoint_id": endpoint.id, "before": before, "url": url, "event_types": chosen})


def rotate_secret(actor, endpoint: WebhookEndpoint, now: datetime | None = None) -> str:
    """A new secret; the one it replaces keeps signing for the overlap, so the receiver can switch
    without losing a delivery. Rotating again within the overlap retires the older one at once."""
    now = now or utcnow()
    secret = signing.new_secret()
    overlap = timedelta(hours=current_app.config["WEBHOOK_ROTATION_OVERLAP_HOURS"])
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.previous_expires_at = now + overlap
    endpoint.secret_encrypted = crypto.encrypt(secret)
    endpoint.secret_created_at = now
    db.session.flush()
    audit.record("webhook_endpoint.secret_rotated", actor=actor, payload={
        "webhook_endpoint_id": endpoint.id, "previous_expires_at": endpoint.previous_expires_at})
    return secret


def set_active(actor, endpoint: WebhookEndpoint, active: bool) -> None:
    lifecycle.fire(ENDPOINT, endpoint, "enabled" if active else "disabled", actor)


def live_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    live = [crypto.decrypt(endpoint.secret_encrypted)]
    if endpoint.previous_secret_encrypted and endpoint.previous_expires_at and \
            endpoint.previous_expires_at > now:
        live.append(crypto.decrypt(endpoint.previous_secret_encrypted))
    return live


def endpoints_of_org(org_id: int) -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id)
                                   .order_by(WebhookEndpoint.id)))


def endpoint_of_org(org_id: int, endpoint_id: int) -> WebhookEndpoint | None:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    return endpoint if endpoint is not None and endpoint.org_id == org_id else None


def recent_deliveries(endpoint: WebhookEndpoint, limit: int = 20) -> list[WebhookDelivery]:
    """The newest deliveries with their events and attempts (loaded with them: the page shows both)."""
    return list(db.session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == endpoint.id)
        .options(joinedload(WebhookDelivery.event), selectinload(WebhookDelivery.attempt_log))
        .order_by(WebhookDelivery.id.desc()).limit(limit)))


def delivery_of_endpoint(endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery | None:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    return delivery if delivery is not None and delivery.endpoint_id == endpoint.id else None


def _queue(delivery: WebhookDelivery) -> None:
    outbox.enqueue(DELIVER_TASK, delivery.id, key=f"{KEY_PREFIX}:{delivery.id}")


def replay(actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the same event again (the same webhook-id and body) as a new delivery with its own
    attempts and retry window."""
    if delivery.endpoint.status != EndpointStatus.ACTIVE:
        raise DomainError("Enable the endpoint before replaying events to it.")
    again = WebhookDelivery(endpoint_id=delivery.endpoint_id, event_id=delivery.event_id,
                            replay_of_id=delivery.id, next_attempt_at=utcnow())
    lifecycle.begin(DELIVERY, again, DeliveryStatus.PENDING, actor, action="replayed", payload={
        "webhook_endpoint_id": delivery.endpoint_id, "event": delivery.event.public_id,
        "replay_of": delivery.id})
    _queue(again)
    return again


# -- raising events: the listener on the audit ledger ------------------------------------------

def on_recorded_many(recorded: list[tuple[audit.AuditEvent, Any]], *, actor: Any | None = None) -> None:
    """blinker receiver for portal.audit.recorded_many (the (event, case) pairs of one append): the
    webhook events and their deliveries are written in the writer's transaction (so a rolled-back
    step raises nothing, and a committed one is delivered at least once). The organisations' active
    endpoints are read once for the batch. A failure here is logged and undone on its own savepoint:
    the recorded step stands."""
    todo = []
    for event, case in recorded:
        types = events.types_for(event.action, _case_actions()) if case is not None else ()
        if types:
            todo.append((event, case, types))
    if not todo:
        return
    try:
        with db.session.begin_nested():
            endpoints = active_endpoints({case.creditor_org_id for _, case, _ in todo})
    except Exception:  # noqa: BLE001 (logged; the recorded step must not fail for a webhook)
        log.exception("webhooks: could not read the endpoints for %s", todo[0][0].action)
        return
    for event, case, types in todo:
        chosen = endpoints.get(case.creditor_org_id, [])
        if not any(kind in e.type_set for e in chosen for kind in types):
            continue  # nothing to write for this event: no savepoint for it
        try:
            with db.session.begin_nested():
                raise_events(event, case, types, chosen)
        except Exception:  # noqa: BLE001 (logged; the recorded step must not fail for a webhook)
            log.exception("webhooks: could not raise %s for case %s", event.action, getattr(case, "id", None))


def active_endpoints(org_ids: set[int]) -> dict[int, list[WebhookEndpoint]]:
    """The active endpoints of these organisations, by organisation: one statement."""
    found: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in db.session.scalars(select(WebhookEndpoint).where(
            WebhookEndpoint.org_id.in_(sorted(org_ids)), WebhookEndpoint.status == EndpointStatus.ACTIVE)
            .order_by(WebhookEndpoint.id)):
        found.setdefault(endpoint.org_id, []).append(endpoint)
    return found


def _case_actions() -> frozenset[str]:
    return lifecycle.MACHINES["case"].actions


def raise_events(event: audit.AuditEvent, case: Any, types: tuple[str, ...],
                 endpoints: list[WebhookEndpoint] | None = None) -> list[WebhookDelivery]:
    """The webhook events `event` raises for the case's organisation and a delivery to each of its
    active `endpoints` (read here when not given) that chose the type."""
    org_id = case.creditor_org_id
    if endpoints is None:
        endpoints = active_endpoints({org_id}).get(org_id, [])
    made = []
    for kind in types:
        chosen = [e for e in endpoints if kind in e.type_set]
        if not chosen:
            continue
        public_id = f"evt_{uuid.uuid4().hex}"
        created = event.created_at or utcnow()
        body = json.dumps({"id": public_id, "type": kind, "created_at": created.isoformat(),
                           "data": events.data(event.action, event.data, case.reference,
                                               case.status.value)},
                          sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        row = WebhookEvent(public_id=public_id, org_id=org_id, type=kind, case_id=case.id,
                           audit_event_id=event.id, body=body, created_at=created)
        db.session.add(row)
        db.session.flush()
        for endpoint in chosen:
            delivery = WebhookDelivery(endpoint_id=endpoint.id, event_id=row.id, next_attempt_at=created)
            lifecycle.begin(DELIVERY, delivery, DeliveryStatus.PENDING, None, action=None)
            db.session.flush()
            _queue(delivery)
            made.append(delivery)
    return made


# -- delivering: the worker's side ---------------------------------------------------------------

def deliver(delivery_id: int, now: datetime | None = None) -> WebhookAttempt | None:
    """One attempt at a delivery that is due, in the worker's own transactions: take a lease, post
    outside any transaction, record the attempt and its outcome. None when it is not due, already
    done, or another worker holds it."""
    cfg = current_app.config
    now = now or utcnow()
    lease = timedelta(seconds=cfg["WEBHOOK_TIMEOUT_SECONDS"] + 60)
    taken = db.session.execute(update(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.status == DeliveryStatus.PENDING,
        WebhookDelivery.next_attempt_at <= now,
        or_(WebhookDelivery.leased_until.is_(None), WebhookDelivery.leased_until <= now))
        .values(leased_until=now + lease).execution_options(synchronize_session=False)).rowcount
    commit()
    if taken != 1:
        return None
    delivery = db.session.get(WebhookDelivery, delivery_id)
    db.session.refresh(delivery)
    endpoint, event = delivery.endpoint, delivery.event
    if endpoint.status != EndpointStatus.ACTIVE:
        lifecycle.fire(DELIVERY, delivery, "given_up", None, payload={"reason": "endpoint disabled"},
                       changes={"finished_at": now, "leased_until": None})
        commit()
        return None
    body = event.body.encode()
    headers = signing.headers(live_secrets(endpoint, now), event.public_id, int(utcnow().timestamp()), body)
    url, number = endpoint.url, delivery.attempts + 1
    rollback()  # nothing is held open while the receiver answers
    started = utcnow()
    result = post(url, body, headers, timeout=cfg["WEBHOOK_TIMEOUT_SECONDS"],
                               allow_private=cfg["WEBHOOK_ALLOW_PRIVATE"])
    delivery = db.session.get(WebhookDelivery, delivery_id)
    error = result.error
    if error is None and 300 <= (result.status or 0) < 400:
        error = "A redirect is not followed: give the endpoint's final address."
    attempt = WebhookAttempt(delivery_id=delivery.id, number=number, started_at=started,
                             elapsed_ms=result.elapsed_ms, status_code=result.status,
                             response_excerpt=result.excerpt, error=error)
    db.session.add(attempt)
    delivery.attempts = number
    delivery.leased_until = None
    outcome = {"attempts": number, "status_code": result.status, "event": event.public_id}
    if attempt.ok:
        lifecycle.fire(DELIVERY, delivery, "delivered", None, payload=outcome, changes={"finished_at": now})
    else:
        wait = events.retry_delay(number, cfg["WEBHOOK_RETRY_BASE_SECONDS"], cfg["WEBHOOK_RETRY_CAP_SECONDS"])
        following = now + timedelta(seconds=wait)
        if following > delivery.created_at + timedelta(hours=cfg["WEBHOOK_RETRY_WINDOW_HOURS"]):
            lifecycle.fire(DELIVERY, delivery, "given_up", None, payload=outcome,
                           changes={"finished_at": now})
        else:
            delivery.next_attempt_at = following
    commit()
    return attempt


def due_ids(now: datetime, limit: int = 500) -> list[int]:
    return list(db.session.scalars(select(WebhookDelivery.id).where(
        WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now,
        or_(WebhookDelivery.leased_until.is_(None), WebhookDelivery.leased_until <= now))
        .order_by(WebhookDelivery.next_attempt_at).limit(limit)))


def sweep(now: datetime | None = None) -> list[int]:
    """The beat's retry: queue every delivery that is due and has no task waiting; forget events
    whose deliveries all ended more than WEBHOOK_KEEP_DAYS ago."""
    now = now or utcnow()
    queued = outbox.enqueue_missing(DELIVER_TASK, due_ids(now), KEY_PREFIX)
    commit()
    prune(now)
    commit()
    return queued


def prune(now: datetime) -> int:
    """Delete old events with their deliveries and attempts (replays included), none of them pending.
    The audit ledger keeps what happened; this is the page's log."""
    cutoff = now - timedelta(days=current_app.config["WEBHOOK_KEEP_DAYS"])
    still_pending = select(WebhookDelivery.event_id).where(WebhookDelivery.status == DeliveryStatus.PENDING)
    old = list(db.session.scalars(select(WebhookEvent.id).where(
        WebhookEvent.created_at < cutoff, WebhookEvent.id.not_in(still_pending)).limit(1000)))
    if not old:
        return 0
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.event_id.in_(old))
    db.session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
    db.session.execute(update(WebhookDelivery).where(WebhookDelivery.event_id.in_(old))
                       .values(replay_of_id=None).execution_options(synchronize_session=False))
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.event_id.in_(old)))
    db.session.execute(delete(WebhookEvent).where(WebhookEvent.id.in_(old)))
    return len(old)
