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
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from benchmarks.serving_stack import (  # noqa: E402 (the stack it shares with benchmarks/dispatch.py)
    PG_BASE,
    WORKER_ENV,
    Run,
    beat,
    drop_database,
    first_acceptance_kept,
    lost_and_duplicated,
    outbox_figures,
    prepare,
    serve_all,
    settled,
    stack,
)

TIMEOUT = 600.0  # seconds a scenario may take before what is missing counts as lost


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


# --- one scenario -----------------------------------------------------------------------------------

def run_scenario(scenario: Scenario, template: str, n: int, folder: Path, instance: Path) -> dict:
    from sqlalchemy.exc import SQLAlchemyError

    from portal import audit
    from portal.extensions import db

    fault_thread = None
    with stack(scenario.name, template, n, folder, instance) as (run, _app):
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
        received, lost, duplicated = lost_and_duplicated(run.copies())
        report = audit.verify()
        kept = first_acceptance_kept(ids)
        republished = outbox_figures()
    return {"scenario": scenario.name, "n": n, "sent": received, "lost": lost, "duplicated": duplicated,
            "time_s": round(elapsed, 1), "complete": done, "dispatches_sent": sent,
            "proofs_current": current, "first_acceptance_kept": kept,
            "ledger": "ok" if report.ok else "BROKEN: " + "; ".join(report.problems),
            "ledger_events": report.checked, "notes": run.notes + [republished]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=50)
    parser.add_argument("--only", nargs="*", help="scenario names (or the start of them)")
    args = parser.parse_args()
    chosen = [s for s in SCENARIOS if not args.only or any(s.name.startswith(o) for o in args.only)]
    folder, instance, template, took = prepare("faults", args.n)
    print(f"{args.n} signed notices per scenario (template built in {took:.0f} s); "
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
