"""Platform-wide Celery tasks: the worker health check, outgoing mail, SMS and WhatsApp, the nightly
ledger check."""
from __future__ import annotations

import logging
import os
import socket

from celery import shared_task

from portal import adapters

log = logging.getLogger(__name__)


@shared_task(name="portal.tasks.ping", bind=True)
def ping(self, nonce: str) -> dict:
    """Round-trip check: proves a worker took the task off the broker and ran it in the app. `node`
    is the worker's Celery name (`-n dispatch@host`) and `queue` the queue it came from."""
    from flask import current_app

    return {"nonce": nonce, "worker": f"{socket.gethostname()}:{os.getpid()}",
            "node": self.request.hostname, "queue": (self.request.delivery_info or {}).get("routing_key"),
            "database": current_app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]}


@shared_task(name="portal.tasks.send_mail", bind=True, max_retries=5, autoretry_for=(OSError,),
             retry_backoff=True, retry_jitter=True)
def send_mail(self, message: dict) -> str:
    return adapters.send_mail(adapters.MailMessage(**message))


@shared_task(name="portal.tasks.send_sms", bind=True, max_retries=5, retry_backoff=True, retry_jitter=True)
def send_sms(self, message: dict) -> str:
    """A short transactional SMS (a one-time code) through the configured gateway."""
    from flask import current_app

    from portal.adapters import OutgoingMessage, TransientFailure, sms_gateway

    outgoing = OutgoingMessage(**{**message, "variables": tuple(message["variables"])})
    try:
        return sms_gateway(current_app.config).send(outgoing).message_id
    except TransientFailure as exc:
        raise self.retry(exc=exc) from exc


@shared_task(name="portal.tasks.send_whatsapp", bind=True, max_retries=5, retry_backoff=True,
             retry_jitter=True)
def send_whatsapp(self, message: dict) -> str:
    """A short WhatsApp template message (a debtor's attention item) through the configured provider."""
    from flask import current_app

    from portal.adapters import OutgoingMessage, TransientFailure, whatsapp_gateway

    outgoing = OutgoingMessage(**{**message, "variables": tuple(message["variables"])})
    try:
        return whatsapp_gateway(current_app.config).send(outgoing).message_id
    except TransientFailure as exc:
        raise self.retry(exc=exc) from exc


@shared_task(name="portal.tasks.relay_outbox")
def relay_outbox() -> dict:
    """Beat: publish what the outbox holds (the broker was down, or lost what it was given)."""
    from portal import outbox

    if not outbox.installed():  # a new instance whose database is still being migrated
        return {"due": 0, "published": 0}
    return outbox.relay()


@shared_task(name="portal.tasks.verify_audit_ledger")
def verify_audit_ledger() -> dict:
    """Nightly: walk the ledger and check it against the sealed checkpoints (kept outside the
    database: a ledger rewritten and rehashed wholesale no longer has the hashes they sealed)."""
    from portal import audit

    report = audit.verify()
    if report.ok:
        log.info("audit ledger intact: %d events, %d chains, %d checkpoints, global head %s",
                 report.checked, report.chains, report.witnessed, report.head_hash)
    else:
        log.error("audit ledger broken: %s", "; ".join(report.problems))
    return {"ok": report.ok, "checked": report.checked, "chains": report.chains,
            "checkpoints": report.witnessed, "head": report.head_hash, "problems": report.problems}
