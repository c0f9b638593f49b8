"""Signed outbound webhooks: an organisation's administrator registers endpoints and chooses event
types; events raised from the audit ledger (like the notifications) are written with their
deliveries in the writer's transaction and delivered at least once, signed (Standard Webhooks'
HMAC-SHA256 scheme, two live secrets across a rotation), retried with exponential backoff for up to
a day, every attempt logged, replayable from the endpoint's page.

A feature at the top: it listens to every package's events; nothing imports it. The door:
`init_webhooks`, `EVENT_TYPES`."""
from __future__ import annotations

from flask import Flask

from portal.webhooks.events import EVENT_TYPES

__all__ = ["EVENT_TYPES", "init_webhooks"]


def init_webhooks(app: Flask) -> None:
    from portal import audit
    from portal.webhooks import services, tasks  # noqa: F401  (tasks: registers the Celery tasks)
    from portal.webhooks.views import bp

    audit.recorded_many.connect(services.on_recorded_many, weak=False)
    app.register_blueprint(bp)
