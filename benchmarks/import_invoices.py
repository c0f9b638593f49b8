"""Bulk import benchmark: N invoice rows (default 10,000) planned and confirmed on the embedded
SQLite default (or PostgreSQL with --postgresql), in a throwaway instance folder. Prints rows/s,
wall time and memory peak.

    .venv/bin/python benchmarks/import_invoices.py [ROWS] [INVOICES_PER_DEBTOR] [--heap] [--postgresql]
                                                  [--existing=CASES] [--runs=N] [--no-verify]

--runs=N: N imports of each kind in one run, each into a new empty organisation and into the same
organisation with CASES cases (a later run's file names other debtors, so it is new business there
too), then min/median/max of each figure and of their ratio.

--existing=CASES: in the same run, the same file is then imported again into a second organisation
that already has that many filed cases (three invoices each, written in bulk by
benchmarks/bulk_cases.py, not timed), and both figures are printed with their ratio. Target (issue
22): 30,000 rows into an organisation with 100,000 cases <= 1.1x the same into an empty one, and
<= 10 s on PostgreSQL. The audit chains are verified after (portal/audit_check.py) unless --no-verify.

The file is a ledger of unpaid invoices as a creditor would export it: INVOICES_PER_DEBTOR (default
5) rows per debtor, amounts that differ row by row, invoice dates spread over three years (so the
oldest reach the limitation reckoning of the rollup). Each import prints its wall time and the CPU
seconds of this process (time.process_time: the database server's work is not in it); on a machine
shared with other work, compare CPU seconds and the ratio of the two imports of one run.

Where the time goes (30,000 rows, 6,000 cases): the file is planned twice (the preview, then the
confirmation re-reads and re-checks it), the cases are written as rows by COPY, one statement per
table (portal/cases/rows.py, portal/database.py insert_rows), the 6,000 "case.created" events are
hash-chained in Python and written by COPY (portal/audit.py), and the 6,000 debtors' rolled-up rows
are recomputed once, just before the commit (portal/receivables/freshness.py). None of it reads
the organisation's other cases, so the second import costs what the first does.

Timing runs without tracemalloc (it slows Python down ~2x); --heap adds the Python heap peak.
The process's max RSS is always printed.
"""
from __future__ import annotations

import csv
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bootstrap import instance  # noqa: E402
from benchmarks.bulk_cases import seed_cases  # noqa: E402

FIRST_DAY = date(2023, 11, 20)


def write_csv(path: Path, rows: int, per_debtor: int, run: int = 0) -> None:
    """`run` gives the debtors other PANs (the same rows otherwise): a later run's file is new
    business to an organisation that imported an earlier one."""
    from portal.identifiers import gstin_check_char
    from portal.imports.parsing import COLUMNS

    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for n in range(rows):
            d = n // per_debtor
            pan = f"AAB{'CFHPT'[d % 5]}{chr(65 + (d // 10000 + run) % 26)}{d % 10000:04d}{chr(65 + d % 26)}"
            first14 = f"27{pan}1Z"
            # As a real ledger: amounts differ row by row, and the dates spread over three years
            # (so nothing worked out once per distinct value looks cheaper than it is, and the
            # oldest invoices are near their limitation, which the rollup then reckons).
            invoiced = FIRST_DAY + timedelta(days=n * 7 % 1090)
            taxable = Decimal(5_000_00 + n * 7919 % 995_000_00) / 100
            gst = (taxable * 18 / 100).quantize(Decimal("0.01"))
            w.writerow([f"Debtor {d} Pvt Ltd", first14 + gstin_check_char(first14), "",
                        f"accounts{d}@debtor.example", "", "Mumbai", f"INV/{n:06d}", invoiced.isoformat(),
                        (invoiced + timedelta(days=2)).isoformat(), (30, 45, 60)[n % 3], "", taxable, gst,
                        taxable + gst, "commercial", "18"])


def timed_import(user, src: Path, heap: bool) -> tuple[float, float, tuple[int, int], int, float]:
    """(preview seconds, confirm seconds, (cases, invoices) created, plan errors, CPU seconds of this
    process) of one import. The CPU figure leaves out the database server's own work; on a shared
    machine it moves less than the wall time."""
    from portal.database import commit
    from portal.imports import services

    if heap:
        tracemalloc.start()
    t0, c0 = time.perf_counter(), time.process_time()
    with src.open("rb") as fh:
        staged = services.stage(fh, "invoices.csv", user.org_id)
    plan = services.plan_file(user, staged.path, staged.filename)
    t1 = time.perf_counter()
    batch, _ = services.confirm(user, staged.path, staged.filename, staged.sha256)
    created = (batch.cases_created, batch.invoices_created)
    commit()
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, created, len(plan.errors), time.process_time() - c0


def _report(label: str, rows: int, preview: float, confirm: float, created, errors: int, cpu: float) -> float:
    total = preview + confirm
    print(f"{label}: rows {rows}  cases {created[0]}  invoices {created[1]}  errors {errors}  "
          f"preview {preview:.2f} s  confirm {confirm:.2f} s  total {total:.2f} s "
          f"({rows / total:.0f} rows/s; CPU {cpu:.2f} s)")
    return total


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    heap = "--heap" in sys.argv
    rows = int(args[0]) if args else 10_000
    per_debtor = int(args[1]) if len(args) > 1 else 5
    existing = next((int(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--existing=")), 0)
    runs = next((int(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--runs=")), 1)
    from portal import audit
    from portal.accounts import services as accounts
    from portal.cases.intake import today_ist
    from portal.database import commit
    from portal.extensions import db

    def organisation(n: int):
        user = accounts.sign_up(accounts.OrgDetails(legal_name=f"Bench MSME {n}", address="Pune"),
                                accounts.PersonDetails(name="Bench", email=f"bench{n}@example.in",
                                                       password="Bench-Pass-2026"))  # noqa: S106
        commit()
        return user

    with instance("import", sqlite="--postgresql" not in sys.argv) as (app, env), app.app_context():
        print(f"database: {db.engine.dialect.name}")
        src = Path(env["SULAH_INSTANCE"]) / "invoices.csv"
        write_csv(src, rows, per_debtor)
        # A small import first, not timed: the first one pays for imports and cold caches, which
        # would otherwise make the second figure look better than it is.
        warm = src.with_name("warm.csv")
        write_csv(warm, 200, per_debtor)
        timed_import(organisation(0), warm, False)
        empties, fulls, user = [], [], None
        for run in range(runs):
            if run:
                write_csv(src, rows, per_debtor, run)
            label = f"run {run + 1}: " if runs > 1 else ""
            empties.append(_report(f"{label}into an empty organisation", rows,
                                   *timed_import(organisation(1 + run), src, heap and not run)))
            if not run:
                peak = tracemalloc.get_traced_memory()[1] if heap else None
                tracemalloc.stop()
            if existing:
                if user is None:
                    user = organisation(1000)
                    seed_cases(user, existing, today_ist(), prefix="OLD")
                    if db.engine.dialect.name == "postgresql":
                        db.session.execute(sa.text("ANALYZE"))
                        commit()
                fulls.append(_report(f"{label}into one with {existing + run * rows // per_debtor:,} cases",
                                     rows, *timed_import(user, src, False)))
                print(f"{label}ratio: {fulls[-1] / empties[-1]:.2f}x  (target <= 1.1x; and <= 10 s on "
                      f"PostgreSQL: {'met' if fulls[-1] <= 10 else 'not met'} at {fulls[-1]:.2f} s)")
        if runs > 1:
            def spread(values):
                values = sorted(values)
                return f"min {values[0]:.2f}, median {statistics.median(values):.2f}, max {values[-1]:.2f}"
            print(f"{runs} runs, seconds into an empty organisation: {spread(empties)}")
            if existing:
                print(f"{runs} runs, seconds into the one with {existing:,}+ cases: {spread(fulls)}")
                print(f"{runs} runs, ratio: {spread([f / e for f, e in zip(fulls, empties, strict=True)])}")
        if "--no-verify" not in sys.argv:
            t0 = time.perf_counter()
            report = audit.verify()
            print(f"audit chains: {'intact' if report.ok else 'BROKEN'} ({report.checked:,} events, "
                  f"{report.chains:,} chains, {time.perf_counter() - t0:.1f} s)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if peak is not None:
        print(f"Python heap peak (tracemalloc, first import): {peak / 1e6:.1f} MB")
    print(f"process max RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
