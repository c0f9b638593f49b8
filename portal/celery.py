"""Celery bound to the Flask app: every task runs inside an app context."""
from __future__ import annotations

import logging

from celery import Celery, Task
from flask import Flask

from portal import broker, outbox
from portal.database import expecting_writes

log = logging.getLogger(__name__)

# Which queue each kind of work waits in, so that one kind cannot hold up another: a batch of 500
# notice dispatches must not delay a one-time code's e-mail (the default queue), and rendering
# certificates or drafts (~150 ms of CPU each) must not sit in front of a dispatch. Every task not
# named here runs on the default queue. Workers are started per queue (Procfile.scaled).
TASK_QUEUES = {
    "notices.draft_batch_item": "render",
    "notices.send_dispatch": "dispatch",
    "notices.refresh_delivery_proof": "proof",
}
ROUTED_QUEUES = ("render", "dispatch", "proof")


def queue_for(default: str, kind: str) -> str:
    """The name of the `kind` queue beside the default queue `default`: plain "dispatch" beside the
    default "celery"; "<default>.dispatch" beside any other (a test's or benchmark's private queues
    on a shared broker, each set its own)."""
    return kind if default == "celery" else f"{default}.{kind}"


def all_queues(default: str) -> list[str]:
    """Every queue of a deployment whose default queue is `default` (for `celery worker -Q`)."""
    return [default, *(queue_for(default, kind) for kind in ROUTED_QUEUES)]


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            # Tasks write: on the embedded SQLite their transactions begin IMMEDIATE.
            with app.app_context(), expecting_writes():
                message_id = outbox.row_id(self.request.id)
                if message_id is None:  # the beat's own schedule
                    return self.run(*args, **kwargs)
                # Published from the outbox: run once per row, however often it was published.
                if not outbox.claim(message_id):
                    log.info("%s: outbox message %s has run or is running; skipped", self.name, message_id)
                    return None
                try:
                    result = self.run(*args, **kwargs)
                except BaseException as exc:
                    outbox.finished(message_id, exc)
                    raise
                outbox.finished(message_id)
                return result

    broker.register()  # before any connection: the embedded default's sqlite:/// broker URL
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])

    def route(name, args, kwargs, options, task=None, **kw):
        kind = TASK_QUEUES.get(name)
        # Read at routing time: a test or benchmark may point the app at a private default queue.
        return {"queue": queue_for(celery_app.conf.task_default_queue, kind)} if kind else None

    celery_app.conf.task_routes = (route,)
    # Beat sleeps until its next entry is due (up to 15 s here) and notices a stop only when it wakes:
    # a worker with embedded beat (`make run`) waited up to that long after its consumer had stopped,
    # and honcho SIGKILLs a worker still stopping after 5 s. Waking every second costs a look at this
    # table; beat's part of a stop is then at most a second (the consumer's: portal/broker.py).
    celery_app.conf.beat_max_loop_interval = 1.0
    celery_app.conf.beat_schedule = {
        "outbox-relay": {"task": "portal.tasks.relay_outbox", "schedule": 15.0},
        "audit-verify-nightly": {"task": "portal.tasks.verify_audit_ledger", "schedule": 24 * 3600.0},
        "ledger-checkpoint-daily": {"task": "evidence.seal_ledger_checkpoint", "schedule": 24 * 3600.0},
        "dispatch-sweep": {"task": "notices.sweep_dispatches", "schedule": 60.0},
        "stale-proof-sweep": {"task": "notices.sweep_stale_proofs", "schedule": 60.0},
        "notice-deadlines": {"task": "notices.check_deadlines", "schedule": 15 * 60.0},
        "settlement-instalments": {"task": "arbitration.track_instalments", "schedule": 60 * 60.0},
        "calendar-reminders": {"task": "arbitration.remind_calendar_steps", "schedule": 6 * 60 * 60.0},
        "receivables-reminders": {"task": "receivables.run_reminders", "schedule": 60 * 60.0},
        "receivables-promises": {"task": "receivables.check_promises", "schedule": 60 * 60.0},
        # portal.receivables.rollup.REFRESH_MINUTES, which the pages quote
        "receivables-rollups": {"task": "receivables.refresh_rollups", "schedule": 10 * 60.0},
        "import-staging-sweep": {"task": "portal.imports.sweep_staging", "schedule": 60 * 60.0},
        "evidence-orphan-sweep": {"task": "evidence.sweep_orphans", "schedule": 6 * 60 * 60.0},
        "notify-debtor-sweep": {"task": "portal.notifications.sweep_debtor_messages", "schedule": 15 * 60.0},
        "limitation-alerts-daily": {"task": "portal.cases.alert_limitation", "schedule": 24 * 3600.0},
        "webhook-retries": {"task": "portal.webhooks.sweep", "schedule": 30.0},
    }
    celery_app.set_default()
    celery_app.autodiscover_tasks(["portal"], related_name="tasks", force=True)
    celery_app.autodiscover_tasks(["portal.cases", "portal.imports", "portal.notifications", "evidence",
                                   "notices.serving", "notices.bulk", "arbitration.settlement",
                                   "arbitration.proceedings", "portal.receivables", "portal.webhooks"],
                                  related_name="tasks", force=True)
    app.extensions["celery"] = celery_app
    return celery_app
