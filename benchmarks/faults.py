"""Fault injection on the notice pipeline: N notices served by e-mail through real worker processes
(prefork), a private redis-server broker, PostgreSQL and an SMTP sink, while something breaks.

    .venv/bin/python benchmarks/faults.py [N] [--only SCENARIO ...]        (default N = 50)

Scenarios: a worker killed with SIGKILL; the mail sink stopped for 20 s; the broker killed and
restarted empty; every database connection terminated (pg_terminate_backend) three times; two
workers with every send task enqueued three times; a fault inside the finish step (the case rows
held locked past the dispatch lease, the waiting settlements' connections terminated).

Each prints sent (debtors who got the notice), lost (who did not), duplicated (copies beyond the
first), the time from serving to every dispatch sent and every delivery-proof certificate current,
how many dispatches were marked sent at their first acceptance, and the audit ledger's check. No
person acts: this process plays the beat (the outbox relay every 2 s, the dispatch sweep and the
stale-proof sweep every 10 s; leases, retries and republishing are shortened to match, see
WORKER_ENV); the workers do the rest. Target: 0 lost and 0 duplicated everywhere.

Needs PostgreSQL (SULAH_BENCH_PG_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test; a
database per scenario is created beside it and dropped) and redis-server on the PATH.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

PG_BASE = os.environ.get("SULAH_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TIMEOUT = 600.0  # seconds a scenario may take before what is missing counts as lost
# Short leases and retries so that a scenario takes seconds, not the production minutes.
WORKER_ENV = {"DISPATCH_LEASE_SECONDS": "6", "DISPATCH_RETRY_BASE_SECONDS": "0.5",
              "DISPATCH_RETRY_CAP_SECONDS": "3", "DISPATCH_MAX_ATTEMPTS": "200", "MAIL_TIMEOUT": "5",
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

    def start_worker(self) -> None:
        from tests.workers import start_worker_process

        before = self.log.read_text(errors="replace").count("ready.") if self.log.exists() else 0
        self.workers.append(start_worker_process(
            self.url, self.queue, self.smtp.port, self.instance, self.log, broker=self.broker.url,
            extra_env=WORKER_ENV))
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.log.exists() and self.log.read_text(errors="replace").count("ready.") > before:
                return
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


# --- the faults: each runs in a thread of its own once serving has started ----------------------

def kill_worker(run: Run) -> None:
    run.wait_received(run.n // 3)
    victim = run.workers[-1]
    os.killpg(victim.pid, signal.SIGKILL)  # the whole worker: parent and pool child
    victim.wait()
    run.notes.append(f"worker SIGKILLed after {run.received()} sent")
    run.start_worker()


def stop_mail_sink(run: Run) -> None:
    run.wait_received(run.n // 4)
    run.smtp.stop()
    run.notes.append(f"mail sink stopped for 20 s after {run.received()} sent")
    time.sleep(20)
    run.smtp.start()


def kill_broker(run: Run) -> None:
    run.wait_received(run.n // 3)
    run.broker.restart_empty()
    run.notes.append(f"broker killed and restarted empty after {run.received()} sent")


def terminate_connections(run: Run) -> None:
    admin = sa.create_engine(run.url, isolation_level="AUTOCOMMIT")
    try:
        for round_ in range(3):
            run.wait_received(run.n * (round_ + 1) // 4)
            with admin.connect() as conn:
                killed = conn.execute(sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
            run.notes.append(f"terminated {killed} connections after {run.received()} sent")
            time.sleep(1)
    finally:
        admin.dispose()


def fault_in_finish(run: Run) -> None:
    """Hold every case row locked for longer than the dispatch lease while the workers send, so each
    settlement waits; terminate the waiting settlements' connections twice; then let go."""
    admin = sa.create_engine(run.url)
    killer = sa.create_engine(run.url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as holder:
            # What the case transition needs (a plain UPDATE's lock); the debtor's link, whose foreign
            # key only shares the row's key, is still issued and the notice still sent.
            holder.execute(sa.text("SELECT id FROM cases FOR NO KEY UPDATE")).all()
            run.notes.append(f"case rows locked after {run.received()} sent")
            for _ in range(2):
                time.sleep(float(WORKER_ENV["DISPATCH_LEASE_SECONDS"]) + 2)  # leases run out meanwhile
                with killer.connect() as conn:
                    killed = conn.execute(sa.text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'")).scalar()
                run.notes.append(f"terminated {killed} settlements waiting on the lock")
            holder.rollback()
        run.notes.append(f"case rows released after {run.received()} sent")
    finally:
        admin.dispose()
        killer.dispose()


@dataclass(frozen=True)
class Scenario:
    name: str
    fault: Callable[[Run], None] | None
    workers: int = 1
    copies: int = 1  # how many times each send task is enqueued


SCENARIOS = [
    Scenario("worker SIGKILL", kill_worker),
    Scenario("mail sink down 20 s", stop_mail_sink),
    Scenario("broker killed, back empty", kill_broker),
    Scenario("DB connections terminated", terminate_connections),
    Scenario("2 workers, tasks x3", None, workers=2, copies=3),
    Scenario("fault inside finish step", fault_in_finish),
]


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
    from flask_migrate import upgrade

    from portal.database import commit
    from portal.extensions import db
    from tests.fakes.smtp_servers import MisbehavingSmtp
    from tests.serving.helpers import signed_notice

    url = create_database(name)
    app = make_app(url, instance)
    sink = MisbehavingSmtp().start()  # the mail of drafting and signing (tasks run eagerly here)
    app.config.update(MAIL_PORT=sink.port)
    try:
        with app.app_context():
            upgrade(revision="heads")
            for i in range(n):
                _creditor, _adv, case, _notice = signed_notice(mobile=None)
                case.debtor.contacts[0].value = f"debtor{i}@example.in"
                commit()
            db.session.remove()
            db.engine.dispose()
    finally:
        sink.stop()


# --- one scenario -----------------------------------------------------------------------------------

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
    """(every dispatch sent and every certificate current, how many sent, how many current)."""
    from sqlalchemy import func, select

    from notices.serving import proof
    from notices.serving.models import DeliveryEvent, Dispatch
    from notices.serving.states import DispatchStatus
    from portal.database import rollback
    from portal.extensions import db

    rollback()
    rows = db.session.execute(select(Dispatch.status, Dispatch.notice_id).where(Dispatch.id.in_(ids))).all()
    sent = sum(1 for status, _ in rows if status == DispatchStatus.SENT)
    current = 0
    for _status, notice_id in rows:
        events = db.session.scalar(select(func.count(DeliveryEvent.id))
                                   .where(DeliveryEvent.notice_id == notice_id))
        latest = proof.latest(notice_id)
        current += latest is not None and latest.events_count == events
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


def run_scenario(scenario: Scenario, template: str, n: int, folder: Path, instance: Path) -> dict:
    from sqlalchemy.exc import SQLAlchemyError

    from portal import audit
    from portal.extensions import db
    from tests.fakes.redis_server import PrivateRedis
    from tests.fakes.smtp_servers import MisbehavingSmtp

    name = f"{template}_s{uuid.uuid4().hex[:6]}"
    url = create_database(name, template)
    broker, smtp = PrivateRedis().start(), MisbehavingSmtp().start()
    run = Run(scenario.name, url, n, instance, folder / f"{name}.log", broker, smtp)
    app = make_app(url, instance)
    app.config.update(MAIL_PORT=smtp.port, **{k: type(app.config[k])(v) for k, v in WORKER_ENV.items()
                                              if k in app.config and k != "CELERY_MAX_TASKS_PER_CHILD"})
    app.config.update(PROOF_STALE_SECONDS=10.0)
    celery_app = app.extensions["celery"]
    celery_app.conf.update(broker_url=broker.url, task_always_eager=False, task_default_queue=run.queue,
                           result_backend=None, task_ignore_result=True)
    fault_thread = None
    try:
        with app.app_context():
            for _ in range(scenario.workers):
                run.start_worker()
            started = time.monotonic()
            ids = serve_all(scenario.copies)
            if scenario.fault is not None:
                fault_thread = threading.Thread(target=scenario.fault, args=(run,), daemon=True)
                fault_thread.start()
            done, sent, current, tick = False, 0, 0, 0
            while time.monotonic() - started < TIMEOUT:
                tick += 1
                beat(tick)
                try:
                    done, sent, current = settled(ids)
                except SQLAlchemyError:  # our own connection was terminated: look again next tick
                    db.session.remove()
                if done and (fault_thread is None or not fault_thread.is_alive()):
                    break
                time.sleep(2)
            elapsed = time.monotonic() - started
            time.sleep(3)  # let a late duplicate arrive, if there is one
            copies = [len(smtp.behaviour.messages_to(f"debtor{i}@example.in")) for i in range(n)]
            report = audit.verify()
            kept = first_acceptance_kept(ids)
            republished = outbox_figures()
            db.session.remove()
            db.engine.dispose()
    finally:
        run.stop_workers()
        broker.kill()
        smtp.stop()
        drop_database(name)
    return {"scenario": scenario.name, "n": n, "sent": sum(1 for c in copies if c),
            "lost": sum(1 for c in copies if not c), "duplicated": sum(c - 1 for c in copies if c > 1),
            "time_s": round(elapsed, 1), "complete": done, "dispatches_sent": sent,
            "proofs_current": current, "first_acceptance_kept": kept,
            "ledger": "ok" if report.ok else "BROKEN: " + "; ".join(report.problems),
            "ledger_events": report.checked, "notes": run.notes + [republished]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=50)
    parser.add_argument("--only", nargs="*", help="scenario names (or the start of them)")
    args = parser.parse_args()
    from tests.fakes.redis_server import PrivateRedis

    if not PrivateRedis.available():
        print("redis-server is not on the PATH", file=sys.stderr)
        return 2
    chosen = [s for s in SCENARIOS if not args.only or any(s.name.startswith(o) for o in args.only)]
    os.environ.setdefault("SULAH_ENV", "development")
    folder = Path(tempfile.mkdtemp(prefix="sulah-faults-"))
    instance = folder / "instance"
    template = f"sulah_faults_{os.getpid()}"
    started = time.monotonic()
    build_template(template, args.n, instance)
    print(f"{args.n} signed notices per scenario (template built in {time.monotonic() - started:.0f} s); "
          f"PostgreSQL {sa.make_url(PG_BASE).host}, private redis-server per scenario, logs in {folder}",
          flush=True)
    header = f"{'scenario':28} {'N':>4} {'sent':>5} {'lost':>5} {'dup':>4} {'time s':>7} {'proofs':>7} " \
             f"{'1st acc':>7}  ledger"
    print(header, flush=True)
    failures = 0
    try:
        for scenario in chosen:
            r = run_scenario(scenario, template, args.n, folder, instance)
            failures += bool(r["lost"] or r["duplicated"] or not r["complete"] or r["ledger"] != "ok")
            print(f"{r['scenario']:28} {r['n']:>4} {r['sent']:>5} {r['lost']:>5} {r['duplicated']:>4} "
                  f"{r['time_s']:>7} {r['proofs_current']:>3}/{r['n']:<3} "
                  f"{r['first_acceptance_kept']:>3}/{r['n']:<3}  {r['ledger']} ({r['ledger_events']} events)",
                  flush=True)
            for note in r["notes"]:
                print(f"{'':30}{note}", flush=True)
    finally:
        drop_database(template)
    print("target met: 0 lost, 0 duplicated, all complete" if not failures
          else f"{failures} scenario(s) missed the target", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
