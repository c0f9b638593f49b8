"""The serving stack the pipeline benchmarks share (benchmarks/faults.py, benchmarks/dispatch.py):
PostgreSQL databases made from a template holding N signed notices, real Celery worker processes
(prefork) on a private redis-server, an SMTP sink that counts what it received, this process playing
the beat, and the figures read back (sent, lost, duplicated, certificates current, the ledger).

Needs PostgreSQL (SULAH_BENCH_PG_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test; a
database per run is created beside it and dropped) and redis-server on the PATH.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

PG_BASE = os.environ.get("SULAH_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# Short leases and retries so that a scenario takes seconds, not the production minutes. The mail
# timeout is shorter than the lease, as in production, so that a worker sends a burst of e-mails
# under one claim (notices/serving/burst.py: a send starts only while it would end within the lease).
WORKER_ENV = {"DISPATCH_LEASE_SECONDS": "6", "DISPATCH_RETRY_BASE_SECONDS": "0.5",
              "DISPATCH_RETRY_CAP_SECONDS": "3", "DISPATCH_MAX_ATTEMPTS": "200", "MAIL_TIMEOUT": "2",
              "OUTBOX_LEASE_SECONDS": "30", "OUTBOX_REPUBLISH_SECONDS": "20", "OUTBOX_MAX_RUNS": "50",
              "CELERY_MAX_TASKS_PER_CHILD": "100000"}


@dataclass
class Run:
    """One scenario's moving parts."""

    name: str
    url: str
    n: int
    instance: Path
    log: Path
    broker: object
    smtp: object
    queue: str = field(default_factory=lambda: f"faults-{uuid.uuid4().hex[:8]}")
    workers: list[subprocess.Popen] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def start_worker(self, kinds: tuple[str, ...] | None = None, concurrency: int = 1) -> subprocess.Popen:
        """A worker process on the queues of `kinds` ("default", "dispatch", "proof", "render";
        None: all of them), ready when this returns."""
        from portal.celery import all_queues, queue_for
        from tests.workers import start_worker_process

        queues = None if kinds is None else [
            self.queue if kind == "default" else queue_for(self.queue, kind) for kind in kinds]
        assert queues is None or set(queues) <= set(all_queues(self.queue))
        before = self.log.read_text(errors="replace").count("ready.") if self.log.exists() else 0
        worker = start_worker_process(
            self.url, self.queue, self.smtp.port, self.instance, self.log, broker=self.broker.url,
            extra_env=WORKER_ENV, queues=queues, concurrency=concurrency)
        self.workers.append(worker)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.log.exists() and self.log.read_text(errors="replace").count("ready.") > before:
                return worker
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready: {self.log.read_text(errors='replace')[-2000:]}")

    def stop_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()

    def received(self) -> int:
        return len(self.smtp.behaviour.received)

    def wait_received(self, count: int) -> None:
        while self.received() < count:
            time.sleep(0.05)

    def copies(self) -> list[int]:
        """How many copies of each debtor's notice the sink received (debtor i: debtor<i>@example.in)."""
        return [len(self.smtp.behaviour.messages_to(f"debtor{i}@example.in")) for i in range(self.n)]


def lost_and_duplicated(copies: list[int]) -> tuple[int, int, int]:
    """(sent, lost, duplicated) from the copies each addressee received."""
    return sum(1 for c in copies if c), sum(1 for c in copies if not c), sum(c - 1 for c in copies if c > 1)


# --- the database: one template with N signed notices, one copy per scenario ---------------------

def _server():
    return sa.create_engine(sa.make_url(PG_BASE).set(database="postgres"), isolation_level="AUTOCOMMIT")


def create_database(name: str, template: str | None = None) -> str:
    with _server().connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    return sa.make_url(PG_BASE).set(database=name).render_as_string(hide_password=False)


def drop_database(name: str) -> None:
    with _server().connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def make_app(url: str, instance: Path):
    from portal import create_app
    from portal.config import TestConfig

    app = create_app(TestConfig(instance, url))
    celery_app = app.extensions["celery"]
    celery_app.set_default()
    celery_app.set_current()
    return app


def build_template(name: str, n: int, instance: Path) -> None:
    import argon2
    from flask_migrate import upgrade

    from portal.accounts import passwords
    from portal.database import commit
    from portal.extensions import db
    from tests.fakes.smtp_servers import MisbehavingSmtp
    from tests.serving.helpers import signed_notice

    # The accounts' password hashes at the tests' cheapest Argon2id cost (tests/conftest.py): N
    # advocates at the production cost would take minutes and prove nothing about serving.
    passwords._hasher = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    url = create_database(name)
    app = make_app(url, instance)
    sink = MisbehavingSmtp().start()  # the mail of drafting and signing (tasks run eagerly here)
    app.config.update(MAIL_PORT=sink.port)
    try:
        with app.app_context():
            upgrade(revision="heads")
            creditor = None  # one creditor serving N notices, as a batch does
            for i in range(n):
                creditor, _adv, case, _notice = signed_notice(mobile=None, creditor=creditor)
                case.debtor.contacts[0].value = f"debtor{i}@example.in"
                commit()
            db.session.remove()
            db.engine.dispose()
    finally:
        sink.stop()


def beat(tick: int) -> None:
    """What the beat schedule runs, faster: the outbox relay every tick (2 s), the sweeps every fifth."""
    from sqlalchemy.exc import SQLAlchemyError

    from notices.serving.tasks import sweep_dispatches, sweep_stale_proofs
    from portal import outbox
    from portal.database import expecting_writes, rollback
    from portal.extensions import db

    with expecting_writes():
        sweeps = (sweep_dispatches.run, sweep_stale_proofs.run) if tick % 5 == 0 else ()
        for step in (outbox.relay, *sweeps):
            try:
                step()
            except SQLAlchemyError:  # our own connection was terminated: next second, a new one
                db.session.remove()
        rollback()


def serve_all(copies: int) -> list[int]:
    from sqlalchemy import select

    from notices.models import Notice
    from notices.serving import dispatch as dispatching
    from notices.serving.models import ChannelKind
    from notices.states import NoticeStatus
    from portal import outbox
    from portal.accounts.models import User
    from portal.database import commit
    from portal.extensions import db

    ids = []
    for notice in db.session.scalars(select(Notice).where(Notice.status == NoticeStatus.SIGNED)
                                     .order_by(Notice.id)).all():
        creditor = db.session.get(User, notice.created_by_id)
        created = dispatching.serve(creditor, notice, {ChannelKind.EMAIL})
        for _ in range(copies - 1):  # duplicate enqueues of the same send
            for dispatch in created:
                outbox.enqueue("notices.send_dispatch", dispatch.id)
        ids += [d.id for d in created]
        commit()  # one creditor's request: published at once after its commit
    return ids


def settled(ids: list[int]) -> tuple[bool, int, int]:
    """(every dispatch sent and every certificate current, how many sent, how many current). Three
    statements however many notices: this process polls every 2 s while the workers are measured,
    on the same CPUs (it read two rows a notice, 400 statements a poll for 200 notices)."""
    from sqlalchemy import func, select

    from notices.serving.models import DeliveryEvent, DeliveryProof, Dispatch
    from notices.serving.states import DispatchStatus
    from portal.database import rollback
    from portal.extensions import db

    rollback()
    rows = db.session.execute(select(Dispatch.status, Dispatch.notice_id).where(Dispatch.id.in_(ids))).all()
    sent = sum(1 for status, _ in rows if status == DispatchStatus.SENT)
    notices = sorted({notice_id for _, notice_id in rows})
    events = dict(db.session.execute(select(DeliveryEvent.notice_id, func.count(DeliveryEvent.id))
                                     .where(DeliveryEvent.notice_id.in_(notices))
                                     .group_by(DeliveryEvent.notice_id)).all())
    latest: dict[int, tuple[int, int]] = {}  # notice -> (version, events counted) of its newest certificate
    for notice_id, version, counted in db.session.execute(
            select(DeliveryProof.notice_id, DeliveryProof.version, DeliveryProof.events_count)
            .where(DeliveryProof.notice_id.in_(notices))):
        if notice_id not in latest or version > latest[notice_id][0]:
            latest[notice_id] = (version, counted)
    current = sum(1 for _, notice_id in rows
                  if notice_id in latest and latest[notice_id][1] == events.get(notice_id, 0))
    rollback()
    return sent == len(ids) and current == len(ids), sent, current


def first_acceptance_kept(ids: list[int]) -> int:
    from sqlalchemy import func, select

    from notices.serving.models import Dispatch, ServiceTerms
    from portal.extensions import db

    kept = db.session.scalar(select(func.count(Dispatch.id)).join(
        ServiceTerms, ServiceTerms.notice_id == Dispatch.notice_id).where(
        Dispatch.id.in_(ids), Dispatch.sent_at == Dispatch.accepted_at,
        ServiceTerms.first_dispatched_at == Dispatch.accepted_at))
    db.session.rollback()
    return kept or 0


def outbox_figures() -> str:
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.outbox import OutboxMessage as M

    rows, again, reran, open_ = db.session.execute(select(
        func.count(M.id), func.count(M.id).filter(M.publications > 1), func.count(M.id).filter(M.runs > 1),
        func.count(M.id).filter(M.done_at.is_(None)))).one()
    db.session.rollback()
    return f"outbox: {rows} rows, {again} published again, {reran} run again, {open_} not done"




@contextmanager
def stack(label: str, template: str, n: int, folder: Path, instance: Path) -> Iterator[tuple[Run, object]]:
    """A database copied from `template`, a private redis-server, an SMTP sink, and the app pointed at
    them (inside its app context, publishing to the run's private queues); no worker yet
    (`run.start_worker`). Everything is stopped and dropped afterwards."""
    from tests.fakes.redis_server import PrivateRedis
    from tests.fakes.smtp_servers import MisbehavingSmtp

    name = f"{template}_s{uuid.uuid4().hex[:6]}"
    url = create_database(name, template)
    broker, smtp = PrivateRedis().start(), MisbehavingSmtp().start()
    run = Run(label, url, n, instance, folder / f"{name}.log", broker, smtp)
    try:
        app = make_app(url, instance)
        app.config.update(MAIL_PORT=smtp.port, **{k: type(app.config[k])(v) for k, v in WORKER_ENV.items()
                                                  if k in app.config and k != "CELERY_MAX_TASKS_PER_CHILD"})
        app.config.update(PROOF_STALE_SECONDS=10.0)
        celery_app = app.extensions["celery"]
        celery_app.conf.update(broker_url=broker.url, task_always_eager=False, task_default_queue=run.queue,
                               result_backend=None, task_ignore_result=True)
        with app.app_context():
            from portal.extensions import db

            try:
                yield run, app
            finally:
                db.session.remove()
                db.engine.dispose()
    finally:
        run.stop_workers()
        broker.kill()
        smtp.stop()
        drop_database(name)


def prepare(label: str, n: int) -> tuple[Path, Path, str, float]:
    """Check the services (exit 2 when one is missing), then a folder for logs and the instance, and
    the template database with N signed notices: (folder, instance, template, seconds it took)."""
    import tempfile

    missing = pg_available()
    if missing:
        print(missing, file=sys.stderr)
        raise SystemExit(2)
    os.environ.setdefault("SULAH_ENV", "development")
    folder = Path(tempfile.mkdtemp(prefix=f"sulah-{label}-"))
    template = f"sulah_{label}_{os.getpid()}"
    started = time.monotonic()
    build_template(template, n, folder / "instance")
    return folder, folder / "instance", template, time.monotonic() - started


def pg_available() -> str | None:
    """None when PostgreSQL and redis-server are there; otherwise what is missing."""
    from tests.fakes.redis_server import PrivateRedis

    if not PrivateRedis.available():
        return "redis-server is not on the PATH"
    try:
        with _server().connect():
            return None
    except sa.exc.OperationalError as exc:
        return f"PostgreSQL unreachable: {str(exc).splitlines()[0]}"
