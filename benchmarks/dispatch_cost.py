"""What one e-mail dispatch costs a worker, counted rather than timed: SQL statements and CPU time per
dispatch, with the dispatch tasks run in this process (no broker round trip, no other process on
the CPU's account), against PostgreSQL and a local SMTP sink.

    .venv/bin/python benchmarks/dispatch_cost.py [N] [--profile 25]

N signed notices are served by e-mail (one creditor's requests, as benchmarks/dispatch.py does);
then every task waiting for the dispatch queue in the outbox is run here, through the task class a
worker uses (the outbox claim and finish around each run), until none is left; tasks the runs
queue for the dispatch queue are run too (a burst that leaves work behind). Tasks for other
queues (certificates) are published to a private redis-server and left there. Printed: statements
and CPU ms per dispatch, the e-mails received, and with --profile the functions that took the most
CPU (process time, cumulative and own, top K). The ledger is verified at the end.

Needs PostgreSQL and redis-server (see benchmarks/serving_stack.py).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from benchmarks.serving_stack import drop_database, prepare, serve_all, stack  # noqa: E402


def pending_dispatch_tasks() -> list[tuple[int, str, str]]:
    """(outbox row id, task name, JSON arguments) of what waits for the dispatch queue."""
    from portal.celery import TASK_QUEUES
    from portal.database import rollback
    from portal.extensions import db
    from portal.outbox import OutboxMessage as M

    names = [name for name, queue in TASK_QUEUES.items() if queue == "dispatch"]
    rows = db.session.execute(sa.select(M.id, M.task, M.arguments).where(
        M.task.in_(names), M.done_at.is_(None)).order_by(M.id)).all()
    rollback()
    return [tuple(row) for row in rows]


def run_all(app, tasks: list[tuple[int, str, str]]) -> int:
    """Run each task as a worker would (task id "outbox-<row>": claim, run, finish); returns how many ran."""
    import json

    celery_app = app.extensions["celery"]
    for row_id, name, arguments in tasks:
        args, kwargs = json.loads(arguments)
        celery_app.tasks[name].apply(args, kwargs, task_id=f"outbox-{row_id}")
    return len(tasks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=50)
    parser.add_argument("--profile", type=int, default=0, metavar="K", help="print the top K functions")
    parser.add_argument("--dump", metavar="FILE", help="with --profile: the profile also to FILE")
    parser.add_argument("--sql", action="store_true", help="print the statements by kind, per dispatch")
    args = parser.parse_args()
    folder, instance, template, took = prepare("dispatchcost", args.n)
    try:
        with stack("cost", template, args.n, folder, instance) as (run, app):
            from portal import audit
            from portal.extensions import db
            from tests.conftest import StatementCount

            serve_all(1)
            app.config["OUTBOX_REPUBLISH_SECONDS"] = 300.0
            # The production lease and mail timeout: with the pipeline benchmarks' short lease a burst
            # on a loaded machine stops sending early, and the figures would be per claim, not per send.
            app.config.update(DISPATCH_LEASE_SECONDS=300, MAIL_TIMEOUT=30)
            # CPU time of this thread (not the sink's), not wall time: on a shared machine the wall clock
            # mostly measures the others.
            profiler = cProfile.Profile(time.thread_time) if args.profile else None
            ran, rounds = 0, 0
            cpu_before, wall_before = time.process_time(), time.monotonic()
            own_before = time.thread_time()
            kinds: Counter = Counter()

            def note(_conn, _cursor, statement, *_rest):
                kinds[" ".join(statement.split()[:4])[:90]] += 1

            if args.sql:
                sa.event.listen(db.engine, "before_cursor_execute", note)
            with StatementCount() as sql:
                if profiler:
                    profiler.enable()
                while (tasks := pending_dispatch_tasks()) and rounds < 20:
                    rounds += 1
                    ran += run_all(app, tasks)
                if profiler:
                    profiler.disable()
            cpu = time.process_time() - cpu_before
            own = time.thread_time() - own_before
            wall = time.monotonic() - wall_before
            received = len(run.smtp.behaviour.received)
            report = audit.verify()
            db.session.rollback()
            print(f"{args.n} dispatches (template built in {took:.0f} s): {ran} task runs in {rounds} "
                  f"round(s), {received} e-mails received")
            print(f"statements per dispatch: {sql.n / args.n:.1f}  (total {sql.n})")
            print(f"worker CPU per dispatch: {1000 * cpu / args.n:.1f} ms  "
                  f"(wall {1000 * wall / args.n:.1f} ms; the worker's own thread "
                  f"{1000 * own / args.n:.1f} ms, the rest is the SMTP sink's thread receiving the mail)")
            print(f"ledger: {'ok' if report.ok else 'BROKEN: ' + '; '.join(report.problems)}")
            for kind, count in kinds.most_common():
                print(f"{count / args.n:6.2f}  {kind}")
            if profiler:
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out)
                if args.dump:
                    stats.dump_stats(args.dump)
                stats.sort_stats("cumulative").print_stats(r"(notices|portal|evidence)/", args.profile)
                stats.sort_stats("tottime").print_stats(args.profile)
                print(out.getvalue())
    finally:
        drop_database(template)
    return 0


if __name__ == "__main__":
    sys.exit(main())
