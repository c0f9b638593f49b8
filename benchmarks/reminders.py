"""Reminder-run benchmark: N open invoices (default 100,000) across D debtors (default 10,000) of
one creditor with reminders on, on PostgreSQL (a throwaway database beside SULAH_TEST_PG_URL's) or
SQLite (--sqlite). Times the daily evaluation (plan + produce, committed in batches) and a second run
the same day (which must produce nothing), and prints the peak memory.

    .venv/bin/python benchmarks/reminders.py [INVOICES] [DEBTORS] [--sqlite] [--heap]

The rows are written with bulk inserts (fixture set-up, not timed). Sending is not part of the run
(workers send per debtor afterwards); nothing is queued.

Measured on the 2-core development machine (PostgreSQL 15, load average ~6 from other work),
6 Dec 2026: 100,000 invoices, 10,000 debtors: evaluation 4.96 s (plan 1.57 s, insert of 96,667
reminders 3.32 s), a second run the same day 1.69 s producing nothing, peak RSS 253.5 MiB.
Before the inserts travelled as arrays (executemany, RETURNING): 14.1 s idle, 22.8 s under load.
"""
from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bootstrap import instance  # noqa: E402


def seed(invoices: int, debtors: int, today) -> None:
    from portal.accounts.models import Organization, User
    from portal.accounts.roles import Role
    from portal.cases.models import Case, Invoice, Party, PartyContact
    from portal.cases.states import CaseStatus
    from portal.cases.totals import refresh as refresh_sums
    from portal.database import commit
    from portal.extensions import db
    from portal.receivables.policies import policy_for

    org = Organization(legal_name="Bench MSME", address="Pune")
    db.session.add(org)
    db.session.flush()
    user = User(email="bench@example.in", name="Bench", password_hash="!unusable",  # noqa: S106
                role=Role.CREDITOR, org_id=org.id)
    db.session.add(user)
    policy_for(org.id).enabled = True
    db.session.flush()
    db.session.execute(sa.insert(Party), [
        {"legal_name": f"Debtor {d}", "created_by_org_id": org.id, "postal_address": "",
         "place_of_business": ""}
        for d in range(debtors)])
    party_ids = list(db.session.scalars(sa.select(Party.id).order_by(Party.id)))
    db.session.execute(sa.insert(PartyContact), [
        {"party_id": p, "kind": "email", "value": f"a{p}@debtor.example", "designated": True,
         "source": "bench"}
        for p in party_ids])
    per_case = max(1, invoices // debtors)
    db.session.execute(sa.insert(Case), [
        {"reference": f"BEN-{p:08d}", "creditor_org_id": org.id, "debtor_party_id": p,
         "claim_type": "commercial_invoice", "status": CaseStatus.FILED.value, "created_by_id": user.id}
        for p in party_ids])
    case_ids = list(db.session.scalars(sa.select(Case.id).order_by(Case.id)))
    rows = []
    for n in range(invoices):
        due = today - timedelta(days=(n * 7) % 60 - 5)  # from 5 days ahead to 54 days overdue
        rows.append({"case_id": case_ids[n // per_case % len(case_ids)], "number": f"INV/{n:07d}",
                     "invoice_date": due - timedelta(days=30), "due_date": due, "taxable_value": 10000,
                     "gst_amount": 1800, "total": 11800, "description": ""})
        if len(rows) == 20_000:
            db.session.execute(sa.insert(Invoice), rows)
            rows = []
    if rows:
        db.session.execute(sa.insert(Invoice), rows)
    refresh_sums(db.session, case_ids)  # bulk inserts bypass the flush that keeps the cases' sums
    commit()


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    invoices = int(args[0]) if args else 100_000
    debtors = int(args[1]) if len(args) > 1 else 10_000
    from portal.cases.intake import today_ist
    from portal.extensions import db
    from portal.receivables.tasks import run_once

    with instance("reminders", sqlite="--sqlite" in sys.argv) as (app, _env), app.app_context():
        today = today_ist()
        started = time.perf_counter()
        seed(invoices, debtors, today)
        print(f"seeded {invoices:,} invoices across {debtors:,} debtors on "
              f"{db.engine.dialect.name} in {time.perf_counter() - started:.1f} s")
        if "--heap" in sys.argv:
            tracemalloc.start()
        started = time.perf_counter()
        first = run_once(today, queue_sending=False)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = run_once(today, queue_sending=False)
        second_s = time.perf_counter() - started
        print(f"evaluation: {first_s:.2f} s (plan {first['plan_s']} s, insert {first['insert_s']} s), "
              f"{first['created']:,} reminders produced ({first['due']:,} due, "
              f"{first['debtors_waiting']:,} debtors to send to)")
        print(f"second run the same day: {second_s:.2f} s, {second['created']:,} produced")
        if "--heap" in sys.argv:
            print(f"Python heap peak: {tracemalloc.get_traced_memory()[1] / 2**20:.1f} MiB")
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
