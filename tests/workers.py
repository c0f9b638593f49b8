"""A real Celery worker process (prefork, like production) on a queue of its own, for fault tests
and benchmarks/faults.py: started against a given database, broker and SMTP port, killed at will."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid

from portal.celery import all_queues
from portal.config import PROJECT_ROOT


def start_worker_process(url: str, queue: str, smtp_port: int, instance, log_path, *, broker: str | None = None,
                         extra_env: dict[str, str] | None = None, queues: list[str] | None = None,
                         concurrency: int = 1):
    """A worker whose default queue is `queue`, consuming `queues` (default: every queue beside it,
    portal.celery.all_queues)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "MAIL_"))}
    env.update(SULAH_INSTANCE=str(instance), SULAH_ENV="development", DATABASE_URL=url,
               CELERY_BROKER_URL=broker or os.environ.get("SULAH_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
               CELERY_RESULT_BACKEND="", CELERY_QUEUE=queue, MAIL_PORT=str(smtp_port),
               EVIDENCE_STORE=f"fs:{instance / 'evidence'}", DISPATCH_LEASE_SECONDS="3",
               PYTHONUNBUFFERED="1")
    env.update(extra_env or {})
    command = [sys.executable, "-m", "celery", "--app", "wsgi:celery", "worker", "--pool", "prefork",
               "--concurrency", str(concurrency), "--loglevel", "INFO", "-Q", ",".join(queues or all_queues(queue)), "--without-gossip",
               "--without-mingle", "--without-heartbeat", "--hostname", f"{uuid.uuid4().hex[:8]}@%h"]
    with log_path.open("ab") as log:  # the child keeps its own descriptor
        return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)


def stop_worker_process(worker: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM the worker's process group (parent and pool children); SIGKILL if it has not gone
    within `timeout` seconds."""
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
